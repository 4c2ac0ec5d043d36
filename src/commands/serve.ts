// The serve command: load the config, start the server, print where it listens, drain on SIGINT/SIGTERM.
import process from "node:process";
import type { CliOptions } from "../cli.ts";
import { loadOptionsFor } from "./config_paths.ts";
import { listenError } from "./listen_error.ts";
import { withRequestLines } from "./request_line.ts";
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { openRequestLog } from "../log/request_log.ts";
import { Metrics, modelLabels } from "../log/metrics.ts";
import type { RequestLogger } from "../log/record.ts";
import { resolveRoute } from "../routing/route.ts";
import * as runtime from "../runtime.ts";
import { UpstreamError } from "../errors.ts";
import { createApp } from "../server/app.ts";
import { type AppDeps, configSecrets, type MetricsSink, randomId } from "../server/deps.ts";
import { Dashboard } from "../server/ui/dashboard.ts";
import { VERSION } from "../version.ts";

/** Options for {@linkcode runServe}. */
export interface ServeCommandOptions {
  write: (text: string) => void;
  /** Receives warnings that belong on stderr (default: the process's stderr). */
  writeError?: (text: string) => void;
  openLogger?: (config: LoadedConfig) => Promise<RequestLogger>;
  metrics?: MetricsSink;
  /** Where the per-request lines go (default: stderr). */
  writeRequestLine?: (line: string) => void;
  /** Grace period for in-flight requests on shutdown; overrides `[limits] shutdown_grace_ms`. */
  shutdownGraceMs?: number;
}

/** Loads the config and serves until SIGINT or SIGTERM; resolves with the exit code. */
export async function runServe(cli: CliOptions, options: ServeCommandOptions): Promise<number> {
  const env = runtime.env();
  const config = await loadConfig(loadOptionsFor(cli, { env }));
  const logPath = config.log.file;
  const logger = options.openLogger ? await options.openLogger(config) : await openRequestLog({
    path: logPath,
    maxEntries: config.log.maxEntries,
    secrets: configSecrets(config),
    warn: options.write,
  });
  const cut = new AbortController();
  const writeError = options.writeError ?? ((text: string) => runtime.writeStderr(`${text}\n`));
  const dashboard = new Dashboard({ config, logPath });
  const deps: AppDeps = {
    config,
    // One line per finished request on stderr, unless --quiet.
    logger: cli.quiet ? logger : withRequestLines(logger, options.writeRequestLine ?? writeStderr),
    observers: [dashboard.observer],
    now: () => Date.now(),
    newId: randomId,
    metrics: options.metrics ?? new Metrics({ models: modelLabels(config) }),
    shutdown: cut.signal,
    // Warnings about providers as they happen (a circuit opened, a key refused).
    warn: (text) => writeError(text),
  };
  const removeLastResort = runtime.installLastResort(writeError);
  const app = createApp(deps, { dashboard });
  const onWarning = (message: string) => writeError(`claude-proxy: ${message}`);
  const server = await listen(app.fetch, config, onWarning).catch(async (err) => {
    removeLastResort();
    await logger.close();
    throw err;
  });
  // The dashboard reads the log once, in the background: serving does not wait for it.
  dashboard.load().catch((err) => {
    options.write(`warning: the dashboard cannot read "${logPath}": ${(err as Error).message}`);
  });
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
      const timer = setTimeout(() => endOpenRequests(server, cut), graceMs);
      dashboard.close(); // Open dashboards would keep the server from stopping.
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
  try {
    return await code;
  } finally {
    dashboard.close();
    await logger.close();
    removeLastResort();
  }
}

/** How long cut streams get to send their error event before every connection is closed. */
const CUT_FLUSH_MS = 2000;

/**
 * The grace is over: requests still open end with an `overloaded_error` (a stream with an error
 * event, each logged as usual), then whatever connection is left (idle, or a client that does not
 * read) is closed.
 */
function endOpenRequests(server: runtime.Server, cut: AbortController): void {
  cut.abort(new UpstreamError(529, "overloaded_error", "Proxy shutting down"));
  setTimeout(() => void server.close(), CUT_FLUSH_MS);
}

/** Writes to stderr without waiting: a slow terminal must not hold up a request. */
function writeStderr(line: string): void {
  process.stderr.write(line);
}

/** Serves `handler` on the configured address; a failure to listen says what to do. */
async function listen(
  handler: Parameters<typeof runtime.serve>[0],
  config: Config,
  onWarning: (message: string) => void,
) {
  try {
    return runtime.serve(handler, { hostname: config.host, port: config.port, onWarning });
  } catch (err) {
    throw await listenError(err, config) ?? err;
  }
}

/** Whether `host` binds only the loopback interface. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

/** The short block printed on start. */
function startBanner(config: Config, port: number, logPath?: string): string {
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  const lines = [
    `claude-proxy ${VERSION} listening on ${url}`,
    `  config: ${config.source}`,
    `  log:    ${logPath ?? config.log.file ?? "(none)"}`,
    `  ui:     ${url}/ui`,
  ];
  for (const rule of config.models) {
    const route = resolveRoute(config, rule.pattern);
    lines.push(`  ${rule.pattern} → ${route.provider.name}/${route.model}`);
  }
  lines.push(`  other models → ${config.defaultProvider}/(same name)`);
  lines.push("", `export ANTHROPIC_BASE_URL=${url}`);
  return lines.join("\n");
}
