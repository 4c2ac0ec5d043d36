// `claude-proxy init`: write a commented starter config from flags, or from answers asked on a terminal.
import { mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline/promises";
import type { CliOptions } from "../cli.ts";
import { fileExists } from "../config/load.ts";
import { baseUrlProblem } from "../config/base_url.ts";
import { userConfigDir } from "../config/paths.ts";
import { type StarterAnswers, starterConfig } from "../config/starter.ts";
import { suggest } from "../config/validate.ts";
import { ConfigError, UsageError } from "../errors.ts";
import { findPreset, presetName, PROVIDER_PRESETS } from "../providers/presets.ts";
import * as runtime from "../runtime.ts";
import type { CommandContext } from "./config_paths.ts";

/** Asks one question; resolves with the answer, or `fallback` for an empty one. */
export type AskFunction = (question: string, fallback: string) => Promise<string>;

/** Options for {@linkcode runInit}. */
export interface InitCommandOptions extends CommandContext {
  write: (text: string) => void;
  /** Asks questions; omit to take every answer from flags and defaults. */
  ask?: AskFunction;
}

/**
 * Writes the starter config to `-c PATH`, `./claude-proxy.toml` (`--scope project`) or the
 * user's config dir; refuses to overwrite without `--force`. Never asks for or writes a key.
 */
export async function runInit(cli: CliOptions, options: InitCommandOptions): Promise<number> {
  const cwd = options.cwd ?? runtime.cwd();
  const target = initTarget(cli, { ...options, cwd });
  if (!cli.force && await fileExists(target)) {
    throw new ConfigError(
      `Not writing "${target}": it already exists (pass --force to overwrite it, or -c PATH to write elsewhere)`,
    );
  }
  const answers = await collectAnswers(cli, options);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, starterConfig(answers), { flag: cli.force ? "w" : "wx" });
  const lines = [`Created ${target}`];
  if (answers.apiKeyEnv && !options.env[answers.apiKeyEnv]) {
    lines.push(`Set your key before starting: export ${answers.apiKeyEnv}=...`);
  }
  const config = cli.config !== undefined ? ` -c ${JSON.stringify(target)}` : "";
  lines.push(`Check it:    claude-proxy check${config}`);
  lines.push(`Then start:  claude-proxy run${config}   (Claude Code through the proxy)`);
  options.write(lines.join("\n"));
  return 0;
}

/** Where init writes. */
function initTarget(
  cli: Pick<CliOptions, "config" | "scope">,
  context: CommandContext & { cwd: string },
): string {
  if (cli.config !== undefined) return resolve(context.cwd, cli.config);
  if (cli.scope === "project") return join(context.cwd, "claude-proxy.toml");
  const platform = context.platform ?? runtime.platform();
  return join(
    userConfigDir({ env: context.env, platform, home: context.home ?? homedir() }),
    "config.toml",
  );
}

/** The answers from flags, then from questions (when `ask` is given), then from defaults. */
export async function collectAnswers(
  cli: CliOptions,
  options: Pick<InitCommandOptions, "env" | "ask">,
): Promise<StarterAnswers> {
  const { ask } = options;
  const provider = await askPreset(cli.provider, guessProvider(options.env), ask);
  const preset = findPreset(provider)!;
  let apiKeyEnv = cli.apiKeyEnv;
  if (apiKeyEnv === undefined && ask && (preset.apiKeyEnv || provider === "custom")) {
    apiKeyEnv =
      (await ask("Variable that holds the API key (never the key itself)", preset.apiKeyEnv))
        .trim() || undefined;
  }
  apiKeyEnv ??= preset.apiKeyEnv || undefined;
  if (apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) {
    throw new UsageError(
      `--api-key-env must be a variable name like "MY_API_KEY", got "${apiKeyEnv}"`,
    );
  }
  const baseUrl = await askBaseUrl(cli.baseUrl, provider, ask);
  const models = await askModels(cli, provider, ask);
  return {
    provider,
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    ...models,
  };
}

/** The base URL from --base-url or asked (presets that need one); refused without http(s)://. */
async function askBaseUrl(
  flag: string | undefined,
  provider: string,
  ask: AskFunction | undefined,
): Promise<string | undefined> {
  if (flag !== undefined) {
    const problem = baseUrlProblem(flag);
    if (problem) throw new UsageError(`--base-url "${flag}" ${problem}`);
    return flag;
  }
  if (!findPreset(provider)?.needsBaseUrl) return undefined;
  const example = provider === "azure"
    ? "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT"
    : "http://localhost:8000/v1";
  let question = `Base URL, e.g. ${example}`;
  for (let attempt = 0; ask; attempt++) {
    const answer = (await ask(question, "")).trim();
    if (answer === "") break;
    const problem = baseUrlProblem(answer);
    if (!problem) return answer;
    if (attempt === 2) throw new UsageError(`Base URL "${answer}" ${problem}`);
    question = `Base URL "${answer}" ${problem}\nBase URL`;
  }
  throw new UsageError(`Provider "${provider}" needs --base-url URL, e.g. ${example}`);
}

/** The presets named in the provider question (all are accepted). */
const PRESET_HINT = ["openai", "openrouter", "deepseek", "gemini", "groq", "ollama", "custom"]
  .join(", ");

/** The first preset whose key is in the environment, else openai. */
function guessProvider(env: Record<string, string | undefined>): string {
  for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
    if (preset.autoDetect !== false && preset.apiKeyEnv && env[preset.apiKeyEnv]) return name;
  }
  return "openai";
}

async function askPreset(
  flag: string | undefined,
  guess: string,
  ask: AskFunction | undefined,
): Promise<string> {
  const known = Object.keys(PROVIDER_PRESETS);
  if (flag !== undefined || !ask) {
    const wanted = flag ?? guess;
    const name = presetName(wanted);
    if (name === undefined) {
      throw new UsageError(
        `Unknown provider "${wanted}"${suggest(wanted, known)} (presets: ${known.join(", ")})`,
      );
    }
    return name;
  }
  let question = `Provider (${PRESET_HINT}, ...)`;
  for (let attempt = 0;; attempt++) {
    const answer = (await ask(question, guess)).trim();
    const name = presetName(answer);
    if (name !== undefined) return name;
    const problem = `Unknown provider "${answer}"${suggest(answer, known)}`;
    if (attempt === 2) throw new UsageError(problem);
    question = `${problem}; presets: ${known.join(", ")}\nProvider`;
  }
}

async function askModels(
  cli: CliOptions,
  provider: string,
  ask: AskFunction | undefined,
): Promise<Pick<StarterAnswers, "opus" | "sonnet" | "haiku">> {
  const defaults = findPreset(provider)?.defaultModels;
  const one = async (flag: string | undefined, family: string, fallback: string | undefined) => {
    if (flag !== undefined) return flag;
    const answer = ask
      ? (await ask(`Upstream model for ${family} requests`, fallback ?? "")).trim()
      : "";
    return answer || fallback;
  };
  const opus = await one(cli.opus, "opus (big)", defaults?.big);
  if (opus === undefined) {
    throw new UsageError(
      `Provider "${provider}" has no default models: name them with --opus MODEL (and --sonnet, --haiku)`,
    );
  }
  const sonnet = (await one(cli.sonnet, "sonnet (middle)", defaults?.middle ?? opus))!;
  const haiku = (await one(cli.haiku, "haiku (small)", defaults?.small ?? sonnet))!;
  return { opus, sonnet, haiku };
}

/** Questions on the terminal: `ask` reads one line per question; `close` releases stdin. */
export interface TerminalPrompt {
  ask: AskFunction;
  close(): void;
}

/** Asks on the terminal (stdin/stdout); undefined when stdin is not a terminal. */
export function terminalPrompt(): TerminalPrompt | undefined {
  if (!process.stdin.isTTY) return undefined;
  // One interface for every question, and a queue, so lines typed ahead are not lost.
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let closed = false;
  rl.on("line", (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on("close", () => {
    closed = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  const ask: AskFunction = async (question, fallback) => {
    process.stdout.write(fallback ? `${question} [${fallback}]: ` : `${question}: `);
    const line = lines.length > 0 || closed
      ? lines.shift()
      : await new Promise<string | undefined>((resolve) => waiting.push(resolve));
    if (line === undefined) throw new UsageError("Input ended before every question was answered");
    return line.trim() || fallback;
  };
  return { ask, close: () => rl.close() };
}
