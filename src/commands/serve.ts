// The serve command: load the config, start the server, print where it listens, drain on SIGINT/SIGTERM.
import { homedir } from "node:os";
import process from "node:process";
import type { CliOptions } from "../cli.ts";
import { loadOptionsFor } from "./config_paths.ts";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { defaultLogPath } from "../log/default_path.ts";
import { openJsonlLog } from "../log/jsonl_log.ts";
import { Metrics } from "../log/metrics.ts";
import type { RequestLogger } from "../log/record.ts";
import { resolveRoute } from "../routing/route.ts";
import * as runtime from "../runtime.ts";
import { createApp } from "../server/app.ts";
import { type AppDeps, configSecrets, type MetricsSink, randomId } from "../server/deps.ts";
import { VERSION } from "../version.ts";

/** Options for {@linkcode runServe}. */
export interface ServeCommandOptions {
  write: (text: string) => void;
  openLogger?: (config: Config) => Promise<RequestLogger>;
  metrics?: MetricsSink;
  /** Where warnings about providers go while serving (a circuit opened, a key refused); stderr by default. */
  warn?: (text: string) => void;
  /** Grace period for in-flight requests on shutdown; overrides `[limits] shutdown_grace_ms`. */
  shutdownGraceMs?: number;
}

/** Loads the config and serves until SIGINT or SIGTERM; resolves with the exit code. */
export async function runServe(cli: CliOptions, options: ServeCommandOptions): Promise<number> {
  const env = runtime.env();
  const config = await loadConfig(loadOptionsFor(cli, { env }));
  const logPath = config.log.file ??
    defaultLogPath({ env, platform: runtime.platform(), home: homedir() });
  let warned = false;
  const logger = options.openLogger ? await options.openLogger(config) : await openJsonlLog({
    path: logPath,
    maxEntries: config.log.maxEntries,
    secrets: configSecrets(config),
    onError: (err) => {
      if (warned) return;
      warned = true;
      options.write(`warning: request log "${logPath}": ${(err as Error).message}`);
    },
  });
  const deps: AppDeps = {
    config,
    logger,
    now: () => Date.now(),
    newId: randomId,
    metrics: options.metrics ?? new Metrics(),
    warn: options.warn ?? ((text) => process.stderr.write(`${text}\n`)),
  };
  const app = createApp(deps);
  const server = runtime.serve(app.fetch, { hostname: config.host, port: config.port });
  const graceMs = options.shutdownGraceMs ?? config.shutdownGraceMs;
  // Listen for signals before printing the listen URL: whoever reads it may signal at once.
  const code = new Promise<number>((resolve) => {
    let stopping = false;
    const remove = runtime.onShutdownSignal(() => {
      if (stopping) return resolve(130);
      stopping = true;
      options.write(
        `Shutting down: letting requests in flight finish (up to ${graceMs / 1000} s; ` +
          "a second signal exits at once)",
      );
      const timer = setTimeout(() => resolve(1), graceMs);
      server.shutdown().then(() => {
        clearTimeout(timer);
        resolve(0);
      }, () => resolve(1));
    });
    server.finished.then(() => {
      remove();
      resolve(0);
    });
  });
  if (!isLoopback(config.host) && !config.authToken) {
    options.write(
      `warning: listening on ${config.host} without auth_token: anyone who can reach this port ` +
        "can use your provider keys; set auth_token (or CLAUDE_PROXY_AUTH_TOKEN)",
    );
  }
  for (const notice of config.notices) options.write(`notice: ${notice}`);
  options.write(startBanner(config, server.port, logPath));
  const exitCode = await code;
  await logger.close();
  return exitCode;
}

/** Whether `host` binds only the loopback interface. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

/** The short block printed on start. */
export function startBanner(config: Config, port: number, logPath?: string): string {
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  const lines = [
    `claude-proxy ${VERSION} listening on ${url}`,
    `  config: ${config.source}`,
    `  log:    ${logPath ?? config.log.file ?? "(none)"}`,
  ];
  for (const rule of config.models) {
    const route = resolveRoute(config, rule.pattern);
    lines.push(`  ${rule.pattern} → ${route.provider.name}/${route.model}`);
  }
  lines.push(`  other models → ${config.defaultProvider}/(same name)`);
  lines.push("", `export ANTHROPIC_BASE_URL=${url}`);
  return lines.join("\n");
}
