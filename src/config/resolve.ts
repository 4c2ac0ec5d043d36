// Merges CLI flags, environment, config file, provider presets and defaults into one Config. Pure.
import { ConfigError } from "../errors.ts";
import { findPreset, PROVIDER_PRESETS, type ProviderPreset } from "../providers.ts";
import {
  type Config,
  DEFAULT_HOST,
  DEFAULT_LOG_MAX_ENTRIES,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  DEFAULT_UPSTREAM,
  type ModelOptions,
  type ModelRule,
  PROVIDER_FEATURES,
  type ProviderConfig,
  type ProviderFeature,
} from "./schema.ts";
import type { FileConfig, FileModelOptions, FileProvider } from "./validate.ts";

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
  file: FileConfig;
  /** Where the file came from, or "defaults" when none was found. */
  source: string;
}

/** Applies CLI > env > file > preset > default and returns the resolved config. */
export function resolveConfig(input: ResolveInput): Config {
  const { cli, env, file } = input;
  const problems: string[] = [];
  const providers = resolveProviders(file, env, problems);
  const names = Object.keys(providers);
  const preferred = cli.provider ?? env.PREFERRED_PROVIDER ?? file.default_provider;
  let defaultProvider = names[0] ?? "";
  if (preferred !== undefined) {
    const key = preferred.toLowerCase();
    if (providers[key]) defaultProvider = key;
    else {
      problems.push(
        `provider "${preferred}" is not configured (configured: ${names.join(", ") || "none"})`,
      );
    }
  }
  if (names.length === 0) {
    problems.push(
      "no provider configured: add a [provider] table with a preset name, or set a provider key " +
        `such as OPENAI_API_KEY in the environment (presets: ${
          Object.keys(PROVIDER_PRESETS).join(", ")
        })`,
    );
  }
  const models = resolveModels(file, env, providers[defaultProvider], problems);
  for (const rule of models) {
    if (rule.provider !== undefined && !providers[rule.provider]) {
      problems.push(`model "${rule.pattern}" names unknown provider "${rule.provider}"`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `Invalid config "${input.source}":\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      problems,
    );
  }
  const logFile = cli.logFile ?? env.CLAUDE_PROXY_LOG_FILE ?? file.log?.file;
  const authToken = env.CLAUDE_PROXY_AUTH_TOKEN ?? file.auth_token;
  return {
    host: cli.host ?? env.HOST ?? file.host ?? DEFAULT_HOST,
    port: cli.port ?? parsePort(env.PORT, problems) ?? file.port ?? DEFAULT_PORT,
    providers,
    defaultProvider,
    models,
    modelOptions: resolveModelOptions(file.model_options ?? {}),
    drop: file.params?.drop ?? [],
    log: {
      ...(logFile !== undefined ? { file: logFile } : {}),
      maxEntries: file.log?.max_entries ?? DEFAULT_LOG_MAX_ENTRIES,
      bodies: cli.logBodies ?? file.log?.bodies ?? false,
    },
    ...(authToken ? { authToken } : {}),
    maxBodyBytes: file.limits?.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES,
    upstream: {
      retries: file.upstream?.retries ?? DEFAULT_UPSTREAM.retries,
      connectTimeoutMs: file.upstream?.connect_timeout_ms ?? DEFAULT_UPSTREAM.connectTimeoutMs,
      firstByteTimeoutMs: file.upstream?.first_byte_timeout_ms ??
        DEFAULT_UPSTREAM.firstByteTimeoutMs,
      idleTimeoutMs: file.upstream?.idle_timeout_ms ?? DEFAULT_UPSTREAM.idleTimeoutMs,
      pingIntervalMs: file.upstream?.ping_interval_ms ?? DEFAULT_UPSTREAM.pingIntervalMs,
    },
    source: input.source,
  };
}

function parsePort(value: string | undefined, problems: string[]): number | undefined {
  if (value === undefined || value === "") return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a port number from 0 to 65535, got "${value}"`);
    return undefined;
  }
  return port;
}

function resolveProviders(
  file: FileConfig,
  env: Record<string, string | undefined>,
  problems: string[],
): Record<string, ProviderConfig> {
  const entries: Array<[string, FileProvider]> = [];
  if (file.provider) entries.push([(file.provider.name ?? "openai").toLowerCase(), file.provider]);
  for (const [name, table] of Object.entries(file.providers ?? {})) {
    entries.push([name.toLowerCase(), table]);
  }
  if (entries.length === 0) entries.push(...zeroConfigProviders(env));
  const out: Record<string, ProviderConfig> = {};
  for (const [name, table] of entries) {
    const resolved = resolveProvider(name, table, env, problems);
    if (resolved) out[name] = resolved;
  }
  return out;
}

/** With no provider in the file, the first preset whose key is in the environment. */
function zeroConfigProviders(
  env: Record<string, string | undefined>,
): Array<[string, FileProvider]> {
  const preferred = env.PREFERRED_PROVIDER?.toLowerCase();
  const candidates = preferred && findPreset(preferred)
    ? [preferred]
    : Object.keys(PROVIDER_PRESETS).filter((n) => n !== "xai");
  for (const name of candidates) {
    const preset = PROVIDER_PRESETS[name]!;
    if (name === "openai" && env.OPENAI_BASE_URL) {
      return [[name, { name, base_url: env.OPENAI_BASE_URL }]];
    }
    if (preset.apiKeyEnv && env[preset.apiKeyEnv]) return [[name, { name }]];
  }
  return [];
}

function resolveProvider(
  key: string,
  table: FileProvider,
  env: Record<string, string | undefined>,
  problems: string[],
): ProviderConfig | undefined {
  const presetName = (table.name ?? key).toLowerCase();
  const preset = findPreset(presetName);
  if (!preset) {
    problems.push(
      `provider "${key}": unknown preset "${presetName}" (known: ${
        Object.keys(PROVIDER_PRESETS).join(", ")
      }; use "custom" with base_url for others)`,
    );
    return undefined;
  }
  const envBaseUrl = presetName === "openai" ? env.OPENAI_BASE_URL : undefined;
  const baseUrl = (table.base_url ?? envBaseUrl ?? preset.baseUrl).replace(/\/+$/, "");
  if (!baseUrl) {
    problems.push(`provider "${key}": preset "${presetName}" needs base_url`);
    return undefined;
  }
  const apiKeyEnv = table.api_key_env ?? (preset.apiKeyEnv || undefined);
  const apiKey = table.api_key ?? (apiKeyEnv ? env[apiKeyEnv] : undefined);
  return {
    name: key,
    preset: presetName,
    baseUrl,
    format: table.format ?? preset.format,
    ...(apiKey ? { apiKey: apiKey.trim() } : {}),
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
    apiKeyFrom: table.api_key_from ?? "config",
    apiKeyHeader: preset.apiKeyHeader,
    headers: table.headers ?? {},
    query: { ...preset.query, ...table.query },
    reasoningHistory: table.reasoning_history ?? preset.reasoningHistory ?? false,
    supportsDocuments: table.supports_documents ?? preset.supportsDocuments ?? false,
    maxEffort: table.max_effort ?? preset.maxEffort ?? "high",
    sendReasoningEffort: table.send_reasoning_effort ?? preset.sendReasoningEffort ?? false,
    ...(table.timeout_ms !== undefined ? { timeoutMs: table.timeout_ms } : {}),
    ...passthroughSettings(key, table, preset, problems),
  };
}

function resolveModels(
  file: FileConfig,
  env: Record<string, string | undefined>,
  defaultProvider: ProviderConfig | undefined,
  problems: string[],
): ModelRule[] {
  const exact: ModelRule[] = [];
  const globs: ModelRule[] = [];
  let fallback: ModelRule | undefined;
  const add = (pattern: string, target: string) => {
    const rule = parseRule(pattern, target, problems);
    if (!rule) return;
    if (pattern === "*") fallback ??= rule;
    else if (rule.exact) exact.push(rule);
    else globs.push(rule);
  };
  // Environment tiers override the file: they come first in match order.
  const tiers: Array<[string, string | undefined]> = [
    ["*opus*", env.BIG_MODEL],
    ["*sonnet*", env.MIDDLE_MODEL],
    ["*haiku*", env.SMALL_MODEL],
  ];
  for (const [pattern, target] of tiers) if (target) add(pattern, target);
  for (const [pattern, target] of Object.entries(file.models ?? {})) add(pattern, target);
  const hasFileModels = Object.keys(file.models ?? {}).length > 0;
  const defaults = defaultProvider && findPreset(defaultProvider.preset)?.defaultModels;
  if (!hasFileModels && defaults && defaultProvider?.preset) {
    const tierTargets: Array<[string, string]> = [
      ["*opus*", defaults.big],
      ["*sonnet*", defaults.middle],
      ["*haiku*", defaults.small],
    ];
    for (const [pattern, target] of tierTargets) {
      if (!globs.some((g) => g.pattern === pattern)) add(pattern, target);
    }
  }
  return [...exact, ...globs, ...(fallback ? [fallback] : [])];
}

function parseRule(pattern: string, target: string, problems: string[]): ModelRule | undefined {
  const at = target.lastIndexOf("@");
  const model = at > 0 ? target.slice(0, at) : target;
  const provider = at > 0 ? target.slice(at + 1).toLowerCase() : undefined;
  if (!model) {
    problems.push(`model "${pattern}" maps to an empty upstream model`);
    return undefined;
  }
  return {
    pattern,
    exact: !/[*?]/.test(pattern),
    model,
    ...(provider ? { provider } : {}),
  };
}

function resolveModelOptions(
  table: Record<string, FileModelOptions>,
): Record<string, ModelOptions> {
  const out: Record<string, ModelOptions> = {};
  for (const [model, options] of Object.entries(table)) {
    out[model] = {
      ...(options.max_tokens !== undefined ? { maxTokens: options.max_tokens } : {}),
      ...(options.reasoning_effort !== undefined
        ? { reasoningEffort: options.reasoning_effort }
        : {}),
      ...(options.images !== undefined ? { images: options.images } : {}),
      ...(options.reasoning !== undefined ? { reasoning: options.reasoning } : {}),
    };
  }
  return out;
}

/** The Anthropic-format cleaning settings; a list in the file replaces the preset's. */
function passthroughSettings(
  name: string,
  table: FileProvider,
  preset: ProviderPreset,
  problems: string[],
): Pick<ProviderConfig, "dropFields" | "rejectedBetas" | "unsupported"> {
  const dropFields = table.drop_fields ?? preset.dropFields;
  const rejectedBetas = table.rejected_betas ?? preset.rejectedBetas;
  const listed = table.unsupported ?? preset.unsupported;
  const unsupported = listed?.filter((feature): feature is ProviderFeature => {
    const known = (PROVIDER_FEATURES as readonly string[]).includes(feature);
    if (!known) {
      problems.push(
        `provider "${name}": unsupported lists unknown feature "${feature}" ` +
          `(known: ${PROVIDER_FEATURES.join(", ")})`,
      );
    }
    return known;
  });
  return {
    ...(dropFields ? { dropFields: [...dropFields] } : {}),
    ...(rejectedBetas ? { rejectedBetas: [...rejectedBetas] } : {}),
    ...(unsupported ? { unsupported } : {}),
  };
}
