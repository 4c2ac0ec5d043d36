// `claude-proxy run`: start the proxy (or reuse a running one), launch Claude Code through it, pass its exit code on.
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import type { CliOptions } from "../cli.ts";
import { configFingerprint } from "../config/fingerprint.ts";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { ConfigError } from "../errors.ts";
import { NULL_LOGGER, type RequestLogger } from "../log/record.ts";
import * as runtime from "../runtime.ts";
import { createApp } from "../server/app.ts";
import { randomId } from "../server/deps.ts";
import { type CommandContext, loadOptionsFor } from "./config_paths.ts";

/** Starts a program with inherited stdio; resolves with its exit code. */
export type SpawnFunction = (
  command: string,
  args: string[],
  options: { env: Record<string, string> },
) => Promise<number>;

/** Options for {@linkcode runRun}. */
export interface RunCommandOptions extends CommandContext {
  /** Receives the proxy's own messages (stderr: stdout belongs to claude). */
  write: (text: string) => void;
  openLogger?: (config: Config) => Promise<RequestLogger>;
  /** Starts claude (default: node:child_process with inherited stdio). */
  spawn?: SpawnFunction;
  fetch?: typeof fetch;
}

const INSTALL_HINT = `install it with "npm install -g @anthropic-ai/claude-code", ` +
  `or name it with --claude PATH (or CLAUDE_PATH)`;

/**
 * Runs Claude Code through the proxy: reuses a proxy already serving the same config on the
 * configured port, else starts one on a free port; stops what it started when claude exits.
 *
 * @example
 * const code = await runRun(parseCli(["run", "--", "-p", "hi"]), { env, write: console.error });
 */
export async function runRun(cli: CliOptions, options: RunCommandOptions): Promise<number> {
  const removeLastResort = runtime.installLastResort(options.write);
  try {
    return await runWithConfig(cli, options);
  } finally {
    removeLastResort();
  }
}

async function runWithConfig(cli: CliOptions, options: RunCommandOptions): Promise<number> {
  const loadOptions = loadOptionsFor(cli, options);
  const config = await loadConfig(loadOptions);
  for (const notice of config.notices) options.write(`claude-proxy: ${notice}`);
  const claude = findClaude(cli, options.env, loadOptions);
  const running = await findRunningProxy(config, options.fetch ?? fetch);
  let stop: (() => Promise<void>) | undefined;
  let url = running;
  if (url !== undefined) {
    options.write(`claude-proxy: using the proxy already running at ${url}`);
  } else {
    const started = await startProxy(config, cli, options);
    url = started.url;
    stop = started.stop;
    options.write(`claude-proxy: started at ${url} for this session`);
  }
  try {
    const env = claudeEnv(options.env, config, url);
    return await (options.spawn ?? spawnInherited)(claude, cli.rest, { env });
  } finally {
    await stop?.();
  }
}

/** The environment claude runs with: ANTHROPIC_BASE_URL, and a key when the proxy needs or Claude Code wants one. */
export function claudeEnv(
  env: Record<string, string | undefined>,
  config: Config,
  url: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  out.ANTHROPIC_BASE_URL = url;
  const forwardsClientKey = Object.values(config.providers).some((p) => p.apiKeyFrom === "client");
  if (config.authToken) {
    out.ANTHROPIC_API_KEY = config.authToken;
    delete out.ANTHROPIC_AUTH_TOKEN;
  } else if (!forwardsClientKey && !out.ANTHROPIC_API_KEY && !out.ANTHROPIC_AUTH_TOKEN) {
    // Without any key Claude Code asks to sign in; the proxy does not check this one.
    out.ANTHROPIC_API_KEY = "claude-proxy";
  }
  return out;
}

/** The claude binary: --claude, CLAUDE_PATH, or "claude" on PATH; throws ConfigError with an install hint. */
export function findClaude(
  cli: Pick<CliOptions, "claudePath">,
  env: Record<string, string | undefined>,
  where: { platform: string; cwd: string },
): string {
  const named = cli.claudePath ?? (env.CLAUDE_PATH?.trim() || undefined);
  if (named !== undefined) {
    const local = resolve(where.cwd, named);
    const bare = !isAbsolute(named) && !/[\\/]/.test(named);
    const found = (bare ? searchPath(named, env, where.platform) : undefined) ??
      (isExecutable(local, where.platform) ? local : undefined);
    if (found === undefined) {
      const origin = cli.claudePath !== undefined ? "--claude" : "CLAUDE_PATH";
      throw new ConfigError(
        `Cannot run Claude Code "${named}" (from ${origin}): not an executable file`,
      );
    }
    return found;
  }
  const found = searchPath("claude", env, where.platform);
  if (found === undefined) {
    throw new ConfigError(`Cannot find Claude Code: "claude" is not on PATH; ${INSTALL_HINT}`);
  }
  return found;
}

function searchPath(
  name: string,
  env: Record<string, string | undefined>,
  platform: string,
): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(platform === "windows" ? ";" : delimiter);
  const extensions = platform === "windows"
    ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").map((e) => e.toLowerCase())]
    : [""];
  for (const dir of dirs.filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      if (isExecutable(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(path: string, platform: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== "windows") accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The URL of a proxy already serving this exact config on the configured port, if any. */
async function findRunningProxy(
  config: Config,
  doFetch: typeof fetch,
): Promise<string | undefined> {
  if (config.port === 0) return undefined;
  const url = baseUrl(config.host, config.port);
  try {
    const response = await doFetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    const body = await response.json().catch(() => undefined) as
      | { status?: unknown; config?: unknown }
      | undefined;
    return response.ok && body?.status === "ok" && body.config === configFingerprint(config)
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

async function startProxy(
  config: Config,
  cli: CliOptions,
  options: RunCommandOptions,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const logger = options.openLogger ? await options.openLogger(config) : NULL_LOGGER;
  const app = createApp({ config, logger, now: () => Date.now(), newId: randomId });
  // A free port unless --port names one: the configured port may belong to another proxy.
  const server = runtime.serve(app.fetch, {
    hostname: config.host,
    port: cli.port ?? 0,
    onWarning: (message) => options.write(`claude-proxy: ${message}`),
  });
  return {
    url: baseUrl(config.host, server.port),
    stop: async () => {
      await server.shutdown();
      await logger.close();
    },
  };
}

function baseUrl(host: string, port: number): string {
  const name = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${name.includes(":") ? `[${name}]` : name}:${port}`;
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

/** Runs `command` with inherited stdio; Ctrl-C reaches it from the terminal, SIGTERM is forwarded. */
function spawnInherited(
  command: string,
  args: string[],
  options: { env: Record<string, string> },
): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: "inherit" });
    const removeSignals = runtime.onShutdownSignal((signal) => {
      // The terminal sends SIGINT to claude too; claude decides what Ctrl-C means.
      if (signal === "SIGTERM") child.kill("SIGTERM");
    });
    child.once("error", (err) => {
      removeSignals();
      reject(
        new ConfigError(`Cannot run Claude Code "${command}": ${err.message}`, [], { cause: err }),
      );
    });
    child.once("exit", (code, signal) => {
      removeSignals();
      resolvePromise(code ?? 128 + (SIGNALS[signal ?? ""] ?? 1));
    });
  });
}
