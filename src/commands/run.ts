// `claude-proxy run`: start the proxy (or reuse a running one), launch Claude Code through it, pass its exit code on.
import { spawn } from "node:child_process";
import { homedir } from "node:os";
import type { CliOptions } from "../cli.ts";
import { configFingerprint } from "../config/fingerprint.ts";
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { ConfigError } from "../errors.ts";
import { NULL_LOGGER, type RequestLogger } from "../log/record.ts";
import * as runtime from "../runtime.ts";
import { createApp } from "../server/app.ts";
import { Dashboard } from "../server/ui/dashboard.ts";
import { randomId } from "../server/deps.ts";
import { claudeArgs, claudeEnv, proxyBaseUrl } from "./claude_env.ts";
import { statusLineSetting } from "./statusline.ts";
import { claudeJsonPath, type ClaudeJsonReport, prepareClaudeJson } from "./claude_json.ts";
import { type CommandContext, loadOptionsFor } from "./config_paths.ts";
import {
  checkClaudeStarts,
  type ClaudeVersion,
  findClaude,
  isOlderThanSupported,
  SUPPORTED_CLAUDE_CODE,
} from "./find_claude.ts";

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
  openLogger?: (config: LoadedConfig) => Promise<RequestLogger>;
  /** Starts claude (default: node:child_process with inherited stdio). */
  spawn?: SpawnFunction;
  /** Checks that claude starts (default: `claude --version`). */
  checkClaude?: (claude: string, env: Record<string, string>) => Promise<ClaudeVersion>;
  fetch?: typeof fetch;
}

/**
 * Runs Claude Code through the proxy: reuses a proxy already serving the same config on the
 * configured port, else starts one on a free port; stops what it started when claude exits.
 * Before claude starts, Claude Code's state file gets `hasCompletedOnboarding` (see
 * {@linkcode prepareClaudeJson}).
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
  const found = await (options.checkClaude ?? checkClaudeStarts)(claude, definedOnly(options.env));
  if (found.version !== undefined && isOlderThanSupported(found.version)) {
    options.write(
      `claude-proxy: Claude Code ${found.version} is older than ${SUPPORTED_CLAUDE_CODE.oldest}, ` +
        `the oldest version claude-proxy is tested with; update it with ` +
        `"npm install -g @anthropic-ai/claude-code"`,
    );
  }
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
    options.write(`claude-proxy: dashboard at ${url}/ui`);
  }
  try {
    const env = claudeEnv(options.env, config, url);
    const state = await prepareClaudeJson(
      claudeJsonPath(env, options.home ?? homedir()),
      env.ANTHROPIC_API_KEY !== undefined ? { key: env.ANTHROPIC_API_KEY } : {},
    );
    for (const line of claudeJsonMessages(state)) options.write(`claude-proxy: ${line}`);
    const extra = cli.statusline ? { statusLine: statusLineSetting(runtime.selfCommand()) } : {};
    if (cli.statusline && cli.rest.some((arg) => /^--settings(=|$)/.test(arg))) {
      options.write(
        `claude-proxy: --statusline needs claude's --settings, which you pass: ` +
          `add "statusLine": ${JSON.stringify(extra.statusLine)} to yours`,
      );
    }
    const args = claudeArgs(cli.rest, config, extra);
    return await (options.spawn ?? spawnInherited)(claude, args, { env });
  } finally {
    await stop?.();
  }
}

/** What `run` says about Claude Code's state file. */
export function claudeJsonMessages(state: ClaudeJsonReport): string[] {
  const lines: string[] = [];
  if (state.onboardingMarked) {
    lines.push(
      `marked Claude Code's first-run onboarding as done in ${state.path} ` +
        `("hasCompletedOnboarding": true; the onboarding needs api.anthropic.com)` +
        (state.backup ? `; the file as it was is in ${state.backup}` : ""),
    );
  }
  if (state.warning) {
    lines.push(
      `left ${state.path} as it is: ${state.warning}; if Claude Code starts its onboarding and ` +
        `cannot reach api.anthropic.com, fix the file or add "hasCompletedOnboarding": true to it`,
    );
  }
  if (state.rejectedKey) {
    lines.push(
      `Claude Code was told to refuse the key in ANTHROPIC_API_KEY and will say "Not logged in": ` +
        `to undo that, delete the key's last 20 characters from the "rejected" list under ` +
        `"customApiKeyResponses" in ${state.path}`,
    );
  }
  return lines;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** The URL of a proxy already serving this exact config on the configured port, if any. */
async function findRunningProxy(
  config: Config,
  doFetch: typeof fetch,
): Promise<string | undefined> {
  if (config.port === 0) return undefined;
  const url = proxyBaseUrl(config.host, config.port);
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
  config: LoadedConfig,
  cli: CliOptions,
  options: RunCommandOptions,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const logger = options.openLogger ? await options.openLogger(config) : NULL_LOGGER;
  const logPath = (logger as { path?: unknown }).path;
  const dashboard = new Dashboard({
    config,
    ...(typeof logPath === "string" ? { logPath } : {}),
  });
  const app = createApp(
    { config, logger, observers: [dashboard.observer], now: () => Date.now(), newId: randomId },
    { dashboard },
  );
  dashboard.load().catch(() => {}); // Without the log's past requests the dashboard still runs.
  // A free port unless --port names one: the configured port may belong to another proxy.
  const server = runtime.serve(app.fetch, {
    hostname: config.host,
    port: cli.port ?? 0,
    onWarning: (message) => options.write(`claude-proxy: ${message}`),
  });
  return {
    url: proxyBaseUrl(config.host, server.port),
    stop: async () => {
      dashboard.close();
      await server.shutdown();
      await logger.close();
    },
  };
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
