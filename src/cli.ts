// Parses the command line into a command and its options. Pure; throws UsageError.
import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "./config/schema.ts";

/** The commands claude-proxy knows. */
export const COMMANDS = ["serve", "logs"] as const;
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
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  // logs
  n: { type: "string", short: "n" },
  follow: { type: "boolean", short: "f" },
  json: { type: "boolean" },
  errors: { type: "boolean" },
} as const;

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
  help: boolean;
  version: boolean;
  lines?: number;
  follow: boolean;
  json: boolean;
  errors: boolean;
  rest: string[];
}

/** The `--help` text. */
export const HELP =
  `claude-proxy: use Claude Code (or any Anthropic API client) with any LLM provider

Usage:
  claude-proxy [serve] [options]     run the proxy (the default command)
  claude-proxy logs [options]        show recent requests from the request log

Options:
  -c, --config PATH        config file (default: searched, see --show-config-paths)
  -p, --port PORT          port to listen on (default: ${DEFAULT_PORT}; env PORT)
      --host HOST          address to bind (default: ${DEFAULT_HOST}; env HOST)
      --provider NAME      default provider (env PREFERRED_PROVIDER)
      --log-file PATH      request log, one JSON line per finished request
      --log-bodies         also log request and response bodies (capped, secrets redacted)
      --show-config-paths  print where the config is looked for, and exit
      --verbose            print stack traces on errors
  -h, --help               show this help
  -V, --version            print the version

Logs options:
  -n N                     how many recent requests (default: 20)
  -f, --follow             keep printing new requests
      --json               raw JSON lines
      --errors             only failed requests

Then: ANTHROPIC_BASE_URL=http://127.0.0.1:${DEFAULT_PORT} claude`;

/** Parses `argv` (without the program name). */
export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify.*$/s, ""));
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  let command: Command = "serve";
  if (first !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(first)) {
      throw new UsageError(`Unknown command "${first}" (commands: ${COMMANDS.join(", ")})`);
    }
    command = first as Command;
  }
  const out: CliOptions = {
    command,
    showConfigPaths: values["show-config-paths"] ?? false,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
    follow: values.follow ?? false,
    json: values.json ?? false,
    errors: values.errors ?? false,
    rest,
  };
  if (values.config !== undefined) out.config = values.config;
  if (values.port !== undefined) out.port = parseInteger("--port", values.port, 0, 65535);
  if (values.host !== undefined) out.host = values.host;
  if (values.provider !== undefined) out.provider = values.provider;
  if (values["log-file"] !== undefined) out.logFile = values["log-file"];
  if (values["log-bodies"] !== undefined) out.logBodies = values["log-bodies"];
  if (values.n !== undefined) out.lines = parseInteger("-n", values.n, 1, 1_000_000);
  return out;
}

function parseInteger(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}
