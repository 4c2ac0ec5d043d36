// `--show-config-paths`, and the load options and request-log path every command derives from the command line.
import { homedir } from "node:os";
import type { CliOptions } from "../cli.ts";
import { type LoadConfigOptions, locateConfigFiles, readConfigLayers } from "../config/load.ts";
import { mergeLayers } from "../config/layers.ts";
import { openCodeAuthPath } from "../config/paths.ts";
import { ConfigError } from "../errors.ts";
import { defaultLogPath } from "../config/default_log_path.ts";
import * as runtime from "../runtime.ts";

/** Where a command runs: the environment and the machine facts config loading needs. */
export interface CommandContext {
  env: Record<string, string | undefined>;
  platform?: string;
  cwd?: string;
  home?: string;
  /** Overrides the administrator's file locations (tests). */
  managedPaths?: string[];
  /** Overrides OpenCode's auth.json path; null skips it (tests). */
  openCodeAuthPath?: string | null;
}

/** The {@linkcode LoadConfigOptions} for the command line `cli` in `context`. */
export function loadOptionsFor(cli: CliOptions, context: CommandContext): LoadConfigOptions {
  return {
    ...(cli.config !== undefined ? { configPath: cli.config } : {}),
    cli: {
      ...(cli.port !== undefined ? { port: cli.port } : {}),
      ...(cli.host !== undefined ? { host: cli.host } : {}),
      ...(cli.logFile !== undefined ? { logFile: cli.logFile } : {}),
      ...(cli.provider !== undefined ? { provider: cli.provider } : {}),
      ...(cli.logBodies !== undefined ? { logBodies: cli.logBodies } : {}),
    },
    env: context.env,
    platform: context.platform ?? runtime.platform(),
    cwd: context.cwd ?? runtime.cwd(),
    home: context.home ?? homedir(),
    ...(context.managedPaths ? { managedPaths: context.managedPaths } : {}),
    ...(context.openCodeAuthPath !== undefined
      ? { openCodeAuthPath: context.openCodeAuthPath }
      : {}),
  };
}

/**
 * The request log's path and where it came from: `--log-file` > CLAUDE_PROXY_LOG_FILE >
 * `[log] file` in the config files > the platform default. Throws ConfigError for a broken file.
 */
export async function logFilePath(
  cli: CliOptions,
  context: CommandContext,
): Promise<{ path: string; origin: string }> {
  if (cli.logFile !== undefined) return { path: cli.logFile, origin: "--log-file" };
  const fromEnv = context.env.CLAUDE_PROXY_LOG_FILE?.trim();
  if (fromEnv) return { path: fromEnv, origin: "env CLAUDE_PROXY_LOG_FILE" };
  const options = loadOptionsFor(cli, context);
  const merged = mergeLayers((await readConfigLayers(options)).layers);
  const configured = merged.file.log?.file;
  if (configured !== undefined) {
    return { path: configured, origin: merged.origins["log.file"] ?? "config" };
  }
  const path = defaultLogPath({
    env: context.env,
    platform: options.platform,
    home: options.home!,
  });
  return { path, origin: "default" };
}

/** Prints every config path looked at (which exist, which are used), OpenCode's file and the log path. */
export async function runConfigPaths(
  cli: CliOptions,
  context: CommandContext & { write: (text: string) => void },
): Promise<number> {
  const options = loadOptionsFor(cli, context);
  const lines = [
    "Config files, highest precedence first (managed keys are pinned; project overrides user):",
  ];
  const rows = await locateConfigFiles(options);
  const width = Math.max(0, ...rows.map((r) => r.path.length));
  const kinds = ["managed", "explicit", "project", "user"] as const;
  for (const kind of kinds) {
    for (const row of rows.filter((r) => r.kind === kind)) {
      const state = row.used ? "used" : row.exists ? "exists, not used" : "not found";
      const label = kind === "explicit" ? "--config" : kind;
      lines.push(`  ${label.padEnd(8)} ${row.path.padEnd(width)}  ${state}`);
    }
  }
  const auth = options.openCodeAuthPath === undefined
    ? openCodeAuthPath({ env: context.env, platform: options.platform, home: options.home! })
    : options.openCodeAuthPath;
  if (auth !== null) {
    lines.push(`OpenCode credentials: ${auth} (read when a key variable is unset)`);
  }
  try {
    const log = await logFilePath(cli, context);
    lines.push(`Request log: ${log.path} (${log.origin})`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    lines.push(`Request log: unknown until the config is fixed (run "claude-proxy check")`);
  }
  context.write(lines.join("\n"));
  return 0;
}
