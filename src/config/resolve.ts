// Merges CLI flags, environment, config file, provider presets and defaults into one Config. Pure.
import { ConfigError } from "../errors.ts";
import { findPreset, PROVIDER_PRESETS } from "../providers/presets.ts";
import type { OpenCodeAuth } from "./opencode_auth.ts";
import { envValue, fileOrigin, pick, type ResolveContext } from "./resolve_context.ts";
import { resolveFallbacks, resolveRouter } from "./resolve_gateway.ts";
import { resolveModelOptions, resolveModels } from "./resolve_models.ts";
import { findProviderName, resolveProviders, suggestProvider } from "./resolve_providers.ts";
import { resolveWebSearch } from "./resolve_web_search.ts";
import {
  type Config,
  DEFAULT_HOST,
  DEFAULT_LOG_MAX_ENTRIES,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_UPSTREAM,
  type ProviderConfig,
} from "./schema.ts";
import { type FileConfig, suggest } from "./validate.ts";

/** The flags from the command line that affect the config. */
export interface CliConfigOptions {
  port?: number;
  host?: string;
  logFile?: string;
  provider?: string;
  logBodies?: boolean;
}

/** Inputs of {@linkcode resolveConfig}. */
export interface ResolveInput {
  cli: CliConfigOptions;
  env: Record<string, string | undefined>;
  /** The config file content (all layers merged). */
  file: FileConfig;
  /** Where the file came from, or "defaults" when none was found. */
  source: string;
  /** The files merged, highest precedence first. */
  files?: string[];
  /** File key path → "FILE:LINE" (from mergeLayers). */
  origins?: Record<string, string>;
  /** File key paths the administrator pinned: CLI and environment cannot change them. */
  pinned?: readonly string[];
  /** API keys from OpenCode's auth.json, used when a provider's key variable is unset. */
  openCode?: OpenCodeAuth;
  /** The request log used when nothing names one (the platform's default path); none if omitted. */
  defaultLogFile?: string;
  /** What was looked for, for the message when nothing at all is configured. */
  searched?: { configs: readonly string[]; openCode?: string };
}

/** CLI flag and environment variable that set each file key, for pinning. */
const OVERRIDES: ReadonlyArray<
  [key: string, flag: keyof CliConfigOptions | undefined, variable?: string]
> = [
  ["port", "port", "PORT"],
  ["host", "host", "HOST"],
  ["default_provider", "provider", "PREFERRED_PROVIDER"],
  ["log.file", "logFile", "CLAUDE_PROXY_LOG_FILE"],
  ["log.bodies", "logBodies"],
  ["auth_token", undefined, "CLAUDE_PROXY_AUTH_TOKEN"],
];

const FLAGS: Record<keyof CliConfigOptions, string> = {
  port: "--port",
  host: "--host",
  logFile: "--log-file",
  provider: "--provider",
  logBodies: "--log-bodies",
};

/**
 * Applies CLI > env > file > preset > default (keys pinned by the administrator's file win over
 * all) and returns the resolved config; throws one ConfigError listing every problem.
 *
 * @example
 * const config = resolveConfig({ cli: {}, env: { DEEPSEEK_API_KEY: "sk-1" }, file: {}, source: "defaults" });
 * config.defaultProvider; // "deepseek"
 */
export function resolveConfig(input: ResolveInput): Config {
  const context: ResolveContext = {
    problems: [],
    notices: [],
    origins: {},
    fileOrigins: input.origins ?? {},
    pinned: new Set(input.pinned ?? []),
    source: input.source,
  };
  const { cli, env } = applyPins(context, input);
  const { file } = input;
  const preferred = pick<string>(context, "default_provider", [
    [cli.provider, "--provider"],
    [envValue(env, "PREFERRED_PROVIDER"), "env PREFERRED_PROVIDER"],
    [file.default_provider, fileOrigin(context, ["default_provider"])],
  ]);
  const providers = resolveProviders(context, {
    file,
    env,
    ...(input.openCode ? { openCode: input.openCode } : {}),
    ...(preferred !== undefined ? { preferred } : {}),
  });
  if (Object.keys(providers).length === 0 && context.problems.length === 0) {
    throw nothingConfigured(input);
  }
  const defaultProvider = chooseDefault(context, { providers, preferred, env });
  const models = resolveModels(context, {
    file,
    env,
    providers,
    defaultProvider: providers[defaultProvider],
  });
  const settings = resolveSettings(context, {
    cli,
    env,
    file,
    defaultLogFile: input.defaultLogFile,
  });
  const webSearch = resolveWebSearch(context, { file, env });
  const router = resolveRouter(context, { file, providers });
  const modelOptions = resolveModelOptions(file.model_options ?? {});
  resolveFallbacks(context, { file, providers, modelOptions });
  if (context.problems.length > 0) {
    const count = context.problems.length === 1
      ? "1 problem"
      : `${context.problems.length} problems`;
    throw new ConfigError(
      `Invalid config (${count}):\n${context.problems.map((p) => `  - ${p}`).join("\n")}`,
      context.problems,
    );
  }
  return {
    ...settings,
    providers,
    defaultProvider,
    models,
    modelOptions,
    ...(webSearch ? { webSearch } : {}),
    ...(router ? { router } : {}),
    source: input.source,
    files: input.files ?? [],
    origins: context.origins,
    notices: context.notices,
  };
}

/** Drops CLI flags and environment variables that would change a pinned key, with a notice. */
function applyPins(
  context: ResolveContext,
  input: ResolveInput,
): { cli: CliConfigOptions; env: Record<string, string | undefined> } {
  const cli = { ...input.cli };
  const env = { ...input.env };
  for (const [key, flag, variable] of OVERRIDES) {
    if (!context.pinned.has(key)) continue;
    const by = `"${key}" is pinned by "${fileOrigin(context, key.split("."))}"`;
    if (flag !== undefined && cli[flag] !== undefined) {
      context.notices.push(`Ignoring ${FLAGS[flag]}: ${by}`);
      delete cli[flag];
    }
    if (variable !== undefined && envValue(env, variable) !== undefined) {
      context.notices.push(`Ignoring ${variable} from the environment: ${by}`);
      delete env[variable];
    }
  }
  return { cli, env };
}

function chooseDefault(
  context: ResolveContext,
  options: {
    providers: Record<string, ProviderConfig>;
    preferred: string | undefined;
    env: Record<string, string | undefined>;
  },
): string {
  const { providers, preferred, env } = options;
  const names = Object.keys(providers);
  if (preferred === undefined) {
    const first = names[0];
    if (first !== undefined) {
      context.origins.default_provider = context.origins[`providers.${first}.preset`] ??
        "first provider";
    }
    return first ?? "";
  }
  const found = findProviderName(providers, preferred);
  if (found !== undefined) return found;
  const preset = findPreset(preferred);
  const hint = preset?.apiKeyEnv && !envValue(env, preset.apiKeyEnv)
    ? `; set ${preset.apiKeyEnv}, or add it to a config file (run "claude-proxy init")`
    : "";
  // A name that is no preset either is likely a typo of one: suggest configured names, then presets.
  const suggestion = suggestProvider(providers, preferred) ||
    (preset ? "" : suggest(preferred, Object.keys(PROVIDER_PRESETS)));
  context.problems.push(
    `${context.origins.default_provider}: provider "${preferred}" is not configured` +
      `${suggestion} (configured: ${names.join(", ") || "none"})${hint}`,
  );
  return names[0] ?? "";
}

type Settings = Pick<
  Config,
  | "host"
  | "port"
  | "log"
  | "authToken"
  | "allowedOrigins"
  | "allowedHosts"
  | "claudeCode"
  | "maxBodyBytes"
  | "shutdownGraceMs"
  | "upstream"
  | "drop"
>;

function resolveSettings(
  context: ResolveContext,
  input: {
    cli: CliConfigOptions;
    env: Record<string, string | undefined>;
    file: FileConfig;
    defaultLogFile: string | undefined;
  },
): Settings {
  const { cli, env, file, defaultLogFile } = input;
  const from = (key: string) => fileOrigin(context, key.split("."));
  const host = pick(context, "host", [
    [cli.host, "--host"],
    [envValue(env, "HOST"), "env HOST"],
    [file.host, from("host")],
    [DEFAULT_HOST, "default"],
  ])!;
  const port = pick(context, "port", [
    [cli.port, "--port"],
    [parsePort(context, envValue(env, "PORT")), "env PORT"],
    [file.port, from("port")],
    [DEFAULT_PORT, "default"],
  ])!;
  const logFile = pick(context, "log.file", [
    [cli.logFile, "--log-file"],
    [envValue(env, "CLAUDE_PROXY_LOG_FILE"), "env CLAUDE_PROXY_LOG_FILE"],
    [file.log?.file, from("log.file")],
    [defaultLogFile, "default"],
  ]);
  const bodies = pick(context, "log.bodies", [
    [cli.logBodies, "--log-bodies"],
    [file.log?.bodies, from("log.bodies")],
    [false, "default"],
  ])!;
  const authToken = pick(context, "auth_token", [
    [envValue(env, "CLAUDE_PROXY_AUTH_TOKEN"), "env CLAUDE_PROXY_AUTH_TOKEN"],
    [file.auth_token || undefined, from("auth_token")],
  ]);
  const upstream = file.upstream ?? {};
  if (upstream.connect_timeout_ms !== undefined) {
    context.notices.push(
      `Ignoring upstream.connect_timeout_ms (${from("upstream.connect_timeout_ms")}): ` +
        "connecting counts against first_byte_timeout_ms, the upstream's time to answer",
    );
  }
  return {
    host,
    port,
    drop: file.params?.drop ?? [],
    log: {
      ...(logFile !== undefined ? { file: logFile } : {}),
      maxEntries: file.log?.max_entries ?? DEFAULT_LOG_MAX_ENTRIES,
      bodies,
    },
    ...(authToken ? { authToken } : {}),
    allowedOrigins: file.allowed_origins ?? [],
    allowedHosts: (file.allowed_hosts ?? []).map((name) => name.toLowerCase()),
    ...(file.claude_code?.subagent_model
      ? { claudeCode: { subagentModel: file.claude_code.subagent_model } }
      : {}),
    maxBodyBytes: file.limits?.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES,
    shutdownGraceMs: file.limits?.shutdown_grace_ms ?? DEFAULT_SHUTDOWN_GRACE_MS,
    upstream: {
      retries: upstream.retries ?? DEFAULT_UPSTREAM.retries,
      firstByteTimeoutMs: upstream.first_byte_timeout_ms ?? DEFAULT_UPSTREAM.firstByteTimeoutMs,
      deadlineMs: upstream.deadline_ms ?? defaultDeadline(file),
      idleTimeoutMs: upstream.idle_timeout_ms ?? DEFAULT_UPSTREAM.idleTimeoutMs,
      pingIntervalMs: upstream.ping_interval_ms ?? DEFAULT_UPSTREAM.pingIntervalMs,
      circuitFailures: upstream.circuit_failures ?? DEFAULT_UPSTREAM.circuitFailures,
      circuitCooldownMs: upstream.circuit_cooldown_ms ?? DEFAULT_UPSTREAM.circuitCooldownMs,
    },
  };
}

/**
 * The deadline when the file sets none: the default, or the longest first-byte timeout the file
 * sets when that is longer, so a provider given more time to answer gets it. A deadline the file
 * sets is kept as it is, shorter than a first-byte timeout or not.
 */
function defaultDeadline(file: FileConfig): number {
  const firstByte = [
    file.upstream?.first_byte_timeout_ms,
    file.provider?.timeout_ms,
    ...Object.values(file.providers ?? {}).map((provider) => provider.timeout_ms),
  ].filter((ms): ms is number => ms !== undefined && ms > 0);
  return Math.max(DEFAULT_UPSTREAM.deadlineMs, ...firstByte);
}

function parsePort(context: ResolveContext, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    context.problems.push(`env PORT: must be a port number from 0 to 65535, got "${value}"`);
    return undefined;
  }
  return port;
}

/** The keys zero-config looks for, in the order it tries them. */
function zeroConfigKeyVariables(): string[] {
  const names = Object.values(PROVIDER_PRESETS)
    .filter((p) => p.autoDetect !== false && p.apiKeyEnv)
    .map((p) => p.apiKeyEnv);
  return [...new Set(names)];
}

function nothingConfigured(input: ResolveInput): ConfigError {
  const lines = ["No provider configured"];
  const searched = input.searched;
  if ((input.files ?? []).length > 0) {
    lines[0] += `: add a [provider] table to "${input.files![0]}" (run "claude-proxy check")`;
  } else if (searched) {
    lines.push("  Config files looked for (none found):");
    for (const path of searched.configs) lines.push(`    ${path}`);
  }
  lines.push("  Provider keys looked for in the environment:");
  lines.push(...wrapList(zeroConfigKeyVariables(), "    "));
  if (searched?.openCode) {
    lines.push(`  OpenCode credentials looked for: ${searched.openCode} (no API keys found)`);
  }
  lines.push(
    `To start, run "claude-proxy init" to write a config, or set a key, e.g. ` +
      `"DEEPSEEK_API_KEY=sk-... claude-proxy"`,
  );
  const problem = `no provider configured (presets: ${Object.keys(PROVIDER_PRESETS).join(", ")})`;
  return new ConfigError(lines.join("\n"), [problem]);
}

function wrapList(items: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const [i, item] of items.entries()) {
    const word = i < items.length - 1 ? `${item}, ` : item;
    if (line.length + word.length > width && line !== indent) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += word;
  }
  lines.push(line);
  return lines;
}
