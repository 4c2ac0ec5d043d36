// The serve command: load the config, start the server, print where it listens, drain on SIGINT/SIGTERM.
import { homedir } from "node:os";
import type { CliOptions } from "../cli.ts";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { NULL_LOGGER, type RequestLogger } from "../log/record.ts";
import { resolveRoute } from "../routing.ts";
import * as runtime from "../runtime.ts";
import { createApp } from "../server/app.ts";
import { type AppDeps, type MetricsSink, randomId } from "../server/deps.ts";
import { VERSION } from "../version.ts";

/** Options for {@linkcode runServe}. */
export interface ServeCommandOptions {
  write: (text: string) => void;
  openLogger?: (config: Config) => Promise<RequestLogger>;
  metrics?: MetricsSink;
}

/** Loads the config and serves until SIGINT or SIGTERM; resolves with the exit code. */
export async function runServe(cli: CliOptions, options: ServeCommandOptions): Promise<number> {
  const env = runtime.env();
  const config = await loadConfig({
    ...(cli.config !== undefined ? { configPath: cli.config } : {}),
    cli: {
      ...(cli.port !== undefined ? { port: cli.port } : {}),
      ...(cli.host !== undefined ? { host: cli.host } : {}),
      ...(cli.logFile !== undefined ? { logFile: cli.logFile } : {}),
      ...(cli.provider !== undefined ? { provider: cli.provider } : {}),
      ...(cli.logBodies !== undefined ? { logBodies: cli.logBodies } : {}),
    },
    env,
    platform: runtime.platform(),
    cwd: runtime.cwd(),
    home: homedir(),
  });
  const logger = options.openLogger ? await options.openLogger(config) : NULL_LOGGER;
  const deps: AppDeps = {
    config,
    logger,
    now: () => Date.now(),
    newId: randomId,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
  const app = createApp(deps);
  const server = runtime.serve(app.fetch, { hostname: config.host, port: config.port });
  options.write(startBanner(config, server.port));
  await new Promise<void>((resolve) => {
    let stopping = false;
    const remove = runtime.onShutdownSignal(() => {
      if (stopping) runtime.exit(130);
      stopping = true;
      options.write("Shutting down: waiting for requests in flight");
      server.shutdown().then(resolve, resolve);
    });
    server.finished.then(() => {
      remove();
      resolve();
    });
  });
  await logger.close();
  return 0;
}

/** The short block printed on start. */
export function startBanner(config: Config, port: number): string {
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  const lines = [
    `claude-proxy ${VERSION} listening on ${url}`,
    `  config: ${config.source}`,
    `  log:    ${config.log.file ?? "(none)"}`,
  ];
  for (const rule of config.models) {
    const route = resolveRoute(config, rule.pattern);
    lines.push(`  ${rule.pattern} → ${route.provider.name}/${route.model}`);
  }
  lines.push(`  other models → ${config.defaultProvider}/(same name)`);
  lines.push("", `export ANTHROPIC_BASE_URL=${url}`);
  return lines.join("\n");
}
