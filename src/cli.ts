// Parses the command line into a command and its options. Pure; throws UsageError.
import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "./config/schema.ts";
import { suggest } from "./config/validate.ts";

/** The commands claude-proxy knows. */
export const COMMANDS = ["serve", "run", "env", "init", "check", "logs"] as const;
/** One command name. */
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  config: { type: "string", short: "c" },
  port: { type: "string", short: "p" },
  host: { type: "string" },
  provider: { type: "string" },
  "log-file": { type: "string" },
  "log-bodies": { type: "boolean" },
  "show-config-paths": { type: "boolean" },
  verbose: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  // run
  claude: { type: "string" },
  // check
  ping: { type: "boolean" },
  // init
  "api-key-env": { type: "string" },
  "base-url": { type: "string" },
  opus: { type: "string" },
  sonnet: { type: "string" },
  haiku: { type: "string" },
  scope: { type: "string" },
  force: { type: "boolean" },
  yes: { type: "boolean", short: "y" },
  // logs
  n: { type: "string", short: "n" },
  follow: { type: "boolean", short: "f" },
  json: { type: "boolean" },
  errors: { type: "boolean" },
  "no-color": { type: "boolean" },
} as const;

type OptionName = keyof typeof OPTIONS;

const COMMON: OptionName[] = ["config", "verbose", "help", "version", "show-config-paths"];
const SERVER: OptionName[] = ["port", "host", "provider", "log-file", "log-bodies"];

/** The options each command accepts. */
const ALLOWED: Record<Command, ReadonlySet<OptionName>> = {
  serve: new Set([...COMMON, ...SERVER, "quiet"]),
  run: new Set([...COMMON, ...SERVER, "claude"]),
  env: new Set([...COMMON, "port", "host", "provider", "json"]),
  check: new Set([...COMMON, ...SERVER, "ping"]),
  init: new Set([
    ...COMMON,
    "provider",
    "api-key-env",
    "base-url",
    "opus",
    "sonnet",
    "haiku",
    "scope",
    "force",
    "yes",
  ]),
  logs: new Set([...COMMON, "log-file", "n", "follow", "json", "errors", "no-color"]),
};

/** Where `init` writes: the user's config dir or the working directory. */
export type InitScope = "user" | "project";

/** The parsed command line. */
export interface CliOptions {
  command: Command;
  config?: string;
  port?: number;
  host?: string;
  provider?: string;
  logFile?: string;
  logBodies?: boolean;
  showConfigPaths: boolean;
  verbose: boolean;
  /** serve: no line per finished request on stderr. */
  quiet: boolean;
  help: boolean;
  version: boolean;
  /** run: the Claude Code binary. */
  claudePath?: string;
  /** check: send a one-token request to each provider. */
  ping: boolean;
  /** init answers. */
  apiKeyEnv?: string;
  baseUrl?: string;
  opus?: string;
  sonnet?: string;
  haiku?: string;
  scope?: InitScope;
  force: boolean;
  yes: boolean;
  /** logs */
  lines?: number;
  follow: boolean;
  json: boolean;
  errors: boolean;
  noColor: boolean;
  /** run: the arguments for claude (after `--`); empty for other commands. */
  rest: string[];
}

/** The `--help` text. */
export const HELP =
  `claude-proxy: use Claude Code (or any Anthropic API client) with any LLM provider

Usage:
  claude-proxy [serve] [options]           run the proxy (the default command)
  claude-proxy run [options] [-- ARGS...]  start the proxy, then Claude Code with ARGS through it
  claude-proxy env [--json] [options]      print the settings for starting claude yourself
  claude-proxy init [options]              write a commented starter config (asks on a terminal)
  claude-proxy check [--ping] [options]    show the resolved config, routes and whether keys are set
  claude-proxy logs [options]              show recent requests from the request log

Options (serve, run, check):
  -c, --config PATH        use this config file instead of searching (see --show-config-paths)
  -p, --port PORT          port to listen on (default: ${DEFAULT_PORT}; env PORT; run: a free port)
      --host HOST          address to bind (default: ${DEFAULT_HOST}; env HOST)
      --provider NAME      default provider (default: the first configured; env PREFERRED_PROVIDER)
      --log-file PATH      request log, one JSON line per request (env CLAUDE_PROXY_LOG_FILE)
      --log-bodies         also log request and response bodies (default: off)
      --show-config-paths  print where config files are looked for and which are used, and exit
  -q, --quiet              serve: no line per finished request on stderr
      --verbose            print stack traces on errors
  -h, --help               show this help
  -V, --version            print the version

Run options:
      --claude PATH        the Claude Code CLI (default: env CLAUDE_PATH, else "claude" on PATH)

Env options:
      --json               a settings.json fragment ({"env": {...}, ...}) instead of export lines

Check options:
      --ping               also send a one-token request to each provider and report the answer

Init options:
      --provider NAME      preset to use (default: asked; else the first key set, else openai)
      --api-key-env VAR    variable that holds the key (default: the preset's, e.g. OPENAI_API_KEY)
      --base-url URL       provider URL (needed for azure and custom; default: the preset's)
      --opus MODEL         model for opus requests, like BIG_MODEL (default: the preset's)
      --sonnet MODEL       model for sonnet requests, like MIDDLE_MODEL (default: the preset's)
      --haiku MODEL        model for haiku requests, like SMALL_MODEL (default: the preset's)
      --scope SCOPE        user (the platform config dir) or project (./claude-proxy.toml);
                           default: user
  -c, --config PATH        write this file instead
      --force              overwrite an existing file
  -y, --yes                do not ask: use the flags and defaults

Logs options:
  -n N                     how many recent requests (default: 20)
  -f, --follow             keep printing requests as they start and as they end
      --json               raw JSON lines
      --errors             only failed requests
      --log-file PATH      the log to read (default: the configured one, see --show-config-paths)
      --no-color           no colors (also when NO_COLOR is set)

Environment: PORT, HOST, PREFERRED_PROVIDER, BIG_MODEL, MIDDLE_MODEL, SMALL_MODEL, OPENAI_BASE_URL,
provider keys (OPENAI_API_KEY, DEEPSEEK_API_KEY, ...), CLAUDE_PROXY_LOG_FILE,
CLAUDE_PROXY_AUTH_TOKEN, CLAUDE_PATH.
Precedence: command line > environment > config file > preset > default.

Start: claude-proxy init, then claude-proxy run
   or: claude-proxy, then in another shell: eval "$(claude-proxy env)"; claude`;

/**
 * Parses `argv` (without the program name).
 *
 * @example
 * parseCli(["run", "--", "-p", "hello"]).rest; // ["-p", "hello"]
 */
export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (err) {
    const guess = argv.includes("run") ? "run" : "serve";
    throw usage(guess, parseError((err as Error).message));
  }
  const { values, tokens } = parsed;
  const terminator = tokens.findIndex((t) => t.kind === "option-terminator");
  const positionals = tokens.filter((t, i) =>
    t.kind === "positional" && (terminator < 0 || i < terminator)
  )
    .map((t) => (t as { value: string }).value);
  const afterTerminator = terminator < 0
    ? []
    : tokens.slice(terminator + 1).map((t) => (t as { value: string }).value);
  const first = positionals[0];
  if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(
      `Unknown command "${first}"${suggest(first, [...COMMANDS])} (commands: ${
        COMMANDS.join(", ")
      })`,
    );
  }
  const command = (first ?? "serve") as Command;
  const extra = positionals.slice(1);
  if (extra.length > 0 || (afterTerminator.length > 0 && command !== "run")) {
    const what = extra[0] ?? afterTerminator[0];
    throw usage(command, `Unexpected argument "${what}" for "${command}"`);
  }
  for (const token of tokens) {
    if (token.kind === "option" && !ALLOWED[command].has(token.name as OptionName)) {
      throw usage(command, `Option "${token.rawName}" does not apply to "${command}"`);
    }
  }
  return toOptions(command, values, afterTerminator);
}

/** node:util's parse error in our words, with the closest option for an unknown one. */
function parseError(message: string): string {
  const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
  if (unknown === undefined) return message.replace(/\. To specify.*$/s, "");
  // Long options only: a one-letter typo has no "closest" worth guessing.
  const names = Object.keys(OPTIONS).filter((name) => name.length > 1).map((name) => `--${name}`);
  const hint = unknown.startsWith("--") ? suggest(unknown, names) : "";
  return `Unknown option "${unknown}"${hint}`;
}

function usage(command: Command, message: string): UsageError {
  const hint = command === "run"
    ? ` (options for claude go after "--", e.g. claude-proxy run -- -p "hello")`
    : "";
  return new UsageError(`${message}${hint}`);
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; tokens: true }>>["values"];

function toOptions(command: Command, values: Values, rest: string[]): CliOptions {
  const out: CliOptions = {
    command,
    showConfigPaths: values["show-config-paths"] ?? false,
    verbose: values.verbose ?? false,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
    ping: values.ping ?? false,
    force: values.force ?? false,
    yes: values.yes ?? false,
    follow: values.follow ?? false,
    json: values.json ?? false,
    errors: values.errors ?? false,
    noColor: values["no-color"] ?? false,
    rest,
  };
  const strings: Array<[keyof CliOptions, string | undefined]> = [
    ["config", values.config],
    ["host", values.host],
    ["provider", values.provider],
    ["logFile", values["log-file"]],
    ["claudePath", values.claude],
    ["apiKeyEnv", values["api-key-env"]],
    ["baseUrl", values["base-url"]],
    ["opus", values.opus],
    ["sonnet", values.sonnet],
    ["haiku", values.haiku],
  ];
  for (const [key, value] of strings) {
    if (value === undefined) continue;
    if (value.trim() === "") throw usage(command, `--${flagOf(key)} needs a value`);
    (out as unknown as Record<string, string>)[key] = value;
  }
  if (values.port !== undefined) {
    out.port = parseInteger(command, "--port", values.port, { min: 0, max: 65535 });
  }
  if (values["log-bodies"] !== undefined) out.logBodies = values["log-bodies"];
  if (values.n !== undefined) {
    out.lines = parseInteger(command, "-n", values.n, { min: 1, max: 1_000_000 });
  }
  if (values.scope !== undefined) {
    if (values.scope !== "user" && values.scope !== "project") {
      throw usage(command, `--scope must be "user" or "project", got "${values.scope}"`);
    }
    out.scope = values.scope;
  }
  return out;
}

function flagOf(key: keyof CliOptions): string {
  const flags: Partial<Record<keyof CliOptions, string>> = {
    logFile: "log-file",
    claudePath: "claude",
    apiKeyEnv: "api-key-env",
    baseUrl: "base-url",
  };
  return flags[key] ?? key;
}

function parseInteger(
  command: Command,
  flag: string,
  value: string,
  range: { min: number; max: number },
): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < range.min || number > range.max) {
    throw usage(
      command,
      `${flag} must be a whole number from ${range.min} to ${range.max}, got "${value}"`,
    );
  }
  return number;
}
