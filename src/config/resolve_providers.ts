// Resolves the provider tables (or the zero-config provider from the environment) against the presets. Pure.
import {
  findPreset,
  presetName,
  PROVIDER_PRESETS,
  type ProviderPreset,
} from "../providers/presets.ts";
import { QUIRK_NAMES } from "../providers/quirk_names.ts";
import { baseUrlProblem } from "./base_url.ts";
import type { OpenCodeAuth } from "./opencode_auth.ts";
import { resolveProviderKeys } from "./resolve_keys.ts";
import { envValue, fileOrigin, isPinned, pick, type ResolveContext } from "./resolve_context.ts";
import { PROVIDER_FEATURES, type ProviderFeature } from "../providers/provider_format.ts";
import type { ProviderConfig } from "./schema.ts";
import type { FileConfig, FileProvider } from "./validate.ts";
import { suggest } from "./validate.ts";

/** One provider table and where it sits in the file. */
interface ProviderEntry {
  name: string;
  table: FileProvider;
  /** Key path of the table in the file (`["provider"]` or `["providers", NAME]`), if from a file. */
  path?: string[];
  /** Why a zero-config provider was picked ("env DEEPSEEK_API_KEY"). */
  detectedFrom?: string;
}

/** Inputs of {@linkcode resolveProviders}. */
export interface ResolveProvidersOptions {
  file: FileConfig;
  env: Record<string, string | undefined>;
  openCode?: OpenCodeAuth;
  /** `--provider` / PREFERRED_PROVIDER, for zero-config picking. */
  preferred?: string;
}

/** Resolves every provider, keyed by lower-case name, in file order (the `[provider]` table first). */
export function resolveProviders(
  context: ResolveContext,
  options: ResolveProvidersOptions,
): Record<string, ProviderConfig> {
  const entries = fileProviders(options.file);
  if (entries.length === 0) entries.push(...zeroConfigProviders(options));
  const out: Record<string, ProviderConfig> = {};
  let usedOpenCode = false;
  for (const entry of entries) {
    if (out[entry.name]) continue; // a duplicate: reported by validateConfig
    const resolved = resolveProvider(context, entry, options);
    if (!resolved) continue;
    out[entry.name] = resolved.provider;
    usedOpenCode ||= resolved.consultedOpenCode;
  }
  if (usedOpenCode && options.openCode) context.notices.push(...options.openCode.notices);
  return out;
}

function fileProviders(file: FileConfig): ProviderEntry[] {
  const entries: ProviderEntry[] = [];
  if (file.provider) {
    const name = (file.provider.name ?? "openai").toLowerCase();
    entries.push({ name, table: file.provider, path: ["provider"] });
  }
  for (const [name, table] of Object.entries(file.providers ?? {})) {
    entries.push({ name: name.toLowerCase(), table, path: ["providers", name] });
  }
  return entries;
}

/**
 * With no provider in any file: every preset whose key is in the environment (then in OpenCode's
 * auth.json), in preset order, plus the preferred preset when it needs no key.
 */
function zeroConfigProviders(options: ResolveProvidersOptions): ProviderEntry[] {
  const { env, openCode } = options;
  const out: ProviderEntry[] = [];
  const preferred = options.preferred === undefined ? undefined : presetName(options.preferred);
  const seenKeys = new Set<string>();
  for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
    // One provider per key: the first preset that reads a variable (openai before openai-like ones).
    const firstForKey = !preset.apiKeyEnv || !seenKeys.has(preset.apiKeyEnv);
    if (preset.apiKeyEnv) seenKeys.add(preset.apiKeyEnv);
    if (name !== preferred && (preset.autoDetect === false || !firstForKey)) continue;
    const keyVar = envValue(env, preset.apiKeyEnv) ? preset.apiKeyEnv : undefined;
    const baseUrlVar = name === "openai" && envValue(env, "OPENAI_BASE_URL");
    const fromOpenCode = preset.openCodeId !== undefined && openCode?.keys[preset.openCodeId];
    const detectedFrom = keyVar
      ? `env ${keyVar}`
      : baseUrlVar
      ? "env OPENAI_BASE_URL"
      : fromOpenCode
      ? `OpenCode "${openCode!.path}"`
      : name === preferred && preset.keyless
      ? "preferred provider"
      : undefined;
    if (detectedFrom) out.push({ name, table: { name }, detectedFrom });
  }
  return out;
}

function resolveProvider(
  context: ResolveContext,
  entry: ProviderEntry,
  options: ResolveProvidersOptions,
): { provider: ProviderConfig; consultedOpenCode: boolean } | undefined {
  const { name, table, path } = entry;
  const where = (key: string) => (path ? fileOrigin(context, [...path, key]) : context.source);
  const at = (key: string) => (path ? `${fileOrigin(context, [...path, key])}: ` : "");
  const presetKey = geminiPreset(context, entry, presetName(table.name ?? name));
  const preset = presetKey === undefined ? undefined : findPreset(presetKey);
  if (presetKey === undefined || !preset) return undefined; // reported by validateConfig
  const out = `providers.${name}`;
  context.origins[`${out}.preset`] = entry.detectedFrom ??
    (table.name !== undefined ? where("name") : path ? fileOrigin(context, path) : context.source);
  const baseUrl = resolveBaseUrl(context, entry, preset, options.env)?.replace(/\/+$/, "");
  const urlProblem = baseUrl ? baseUrlProblem(baseUrl) : undefined;
  if (urlProblem) {
    const from = context.origins[`providers.${name}.base_url`] ?? context.source;
    // Reported, and the provider kept, so rules naming it add no second problem.
    context.problems.push(`${from}: provider "${name}": base_url "${baseUrl}" ${urlProblem}`);
  }
  if (!baseUrl) {
    context.problems.push(
      `${at("name")}provider "${name}" (preset "${presetKey}") needs base_url` +
        (presetKey === "azure"
          ? `, e.g. "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT"`
          : ""),
    );
    return undefined;
  }
  const openCodeKey = preset.openCodeId && options.openCode?.keys[preset.openCodeId];
  const { apiKey, keyPool, apiKeyEnv, variables, consultedOpenCode } = resolveProviderKeys(
    context,
    {
      name,
      table,
      preset,
      env: options.env,
      ...(path ? { path } : {}),
      ...(openCodeKey
        ? {
          openCode: {
            key: openCodeKey,
            origin: `OpenCode "${options.openCode?.path}" (${preset.openCodeId})`,
          },
        }
        : {}),
    },
  );
  const apiKeyFrom = table.api_key_from ?? "config";
  // Keyless presets (custom, local servers) need no key, unless the table names a variable.
  const wantsKey = !preset.keyless || table.api_key_env !== undefined;
  if (!apiKey && wantsKey && apiKeyFrom === "config") {
    context.notices.push(
      apiKeyEnv
        ? `Provider "${name}" has no API key: ${variables.join(", ")} ${
          variables.length > 1 ? "are" : "is"
        } not set` +
          (preset.openCodeId ? " (set it, or sign in with OpenCode)" : "")
        : `Provider "${name}" has no API key: set api_key_env to the variable that holds it`,
    );
  }
  return {
    consultedOpenCode,
    provider: {
      name,
      preset: presetKey,
      baseUrl,
      format: table.format ?? preset.format,
      ...(apiKey ? { apiKey } : {}),
      ...(keyPool ? { keyPool } : {}),
      ...(apiKeyEnv ? { apiKeyEnv } : {}),
      apiKeyFrom,
      apiKeyHeader: preset.apiKeyHeader,
      headers: table.headers ?? {},
      query: { ...preset.query, ...table.query },
      reasoningHistory: table.reasoning_history ?? preset.reasoningHistory ?? false,
      supportsDocuments: table.supports_documents ?? preset.supportsDocuments ?? false,
      maxEffort: table.max_effort ?? preset.maxEffort ?? "high",
      sendReasoningEffort: table.send_reasoning_effort ?? preset.sendReasoningEffort ?? false,
      quirks: resolveQuirks(table, preset),
      ...(table.timeout_ms !== undefined ? { timeoutMs: table.timeout_ms } : {}),
      ...passthroughSettings(name, table, preset, context.problems),
    },
  };
}

/** The base URL of Gemini's OpenAI-compatible endpoint, as configs written for it end. */
const GEMINI_OPENAI_URL = /\/v1beta\/openai\/?$/;

/**
 * The preset for a file's provider table that names `gemini`, which moved from Gemini's
 * OpenAI-compatible endpoint to its own API: a table that says `format = "openai"` or points
 * base_url at the OpenAI-compatible endpoint keeps it (`gemini-openai`); any other table without
 * `format` gets a notice saying what changed and how to keep the old endpoint.
 */
function geminiPreset(
  context: ResolveContext,
  entry: ProviderEntry,
  presetKey: string | undefined,
): string | undefined {
  const { name, table, path } = entry;
  if (presetKey !== "gemini" || !path || table.format === "gemini") return presetKey;
  const where = fileOrigin(context, path);
  if (table.format === "openai" || GEMINI_OPENAI_URL.test(table.base_url ?? "")) {
    const why = table.format === "openai" ? 'format = "openai"' : "its base_url";
    context.notices.push(
      `Provider "${name}" (${where}) stays on Gemini's OpenAI-compatible endpoint, as ${why} ` +
        `says; the gemini preset now uses Gemini's own API. Write name = "gemini-openai" to ` +
        `keep this endpoint without this notice`,
    );
    return "gemini-openai";
  }
  context.notices.push(
    `Provider "${name}" (${where}) now uses Gemini's own API (format = "gemini") instead of its ` +
      `OpenAI-compatible endpoint: thinking, thought signatures and token counting work natively. ` +
      `To keep the old endpoint, write name = "gemini-openai"; to hide this notice, add ` +
      `format = "gemini"`,
  );
  return presetKey;
}

/** OPENAI_BASE_URL > file base_url > preset, for the provider named "openai" only. */
function resolveBaseUrl(
  context: ResolveContext,
  entry: ProviderEntry,
  preset: ProviderPreset,
  env: Record<string, string | undefined>,
): string | undefined {
  const { name, table, path } = entry;
  const filePath = path ? [...path, "base_url"] : undefined;
  const pinned = filePath !== undefined && isPinned(context, filePath);
  const envBaseUrl = name === "openai" ? envValue(env, "OPENAI_BASE_URL") : undefined;
  if (envBaseUrl && pinned) {
    context.notices.push(
      `Ignoring OPENAI_BASE_URL from the environment: "${filePath!.join(".")}" is pinned by ` +
        `"${fileOrigin(context, filePath!)}"`,
    );
  }
  return pick(context, `providers.${name}.base_url`, [
    [pinned ? undefined : envBaseUrl, "env OPENAI_BASE_URL"],
    [table.base_url, filePath ? fileOrigin(context, filePath) : context.source],
    [preset.baseUrl || undefined, `preset ${presetName(table.name ?? name)}`],
  ]);
}

/** The configured provider a user-given name refers to (exact key, alias, or preset), if any. */
export function findProviderName(
  providers: Record<string, ProviderConfig>,
  wanted: string,
): string | undefined {
  const key = wanted.toLowerCase();
  if (Object.hasOwn(providers, key)) return key;
  const preset = presetName(key);
  if (preset !== undefined && Object.hasOwn(providers, preset)) return preset;
  return Object.values(providers).find((p) => preset !== undefined && p.preset === preset)?.name;
}

/** ` (did you mean "x"?)` for a provider name that is not configured. */
export function suggestProvider(providers: Record<string, ProviderConfig>, wanted: string): string {
  return suggest(wanted, Object.keys(providers));
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

/**
 * The quirks a provider applies: the file's `quirks` list (else the preset's), less
 * `disable_quirks`, plus `enable_quirks`. Unknown names were reported by validateConfig.
 */
function resolveQuirks(table: FileProvider, preset: ProviderPreset): string[] {
  const disabled = new Set(table.disable_quirks ?? []);
  const listed = [...(table.quirks ?? preset.quirks ?? []), ...(table.enable_quirks ?? [])];
  return [...new Set(listed)].filter((name) => !disabled.has(name) && QUIRK_NAMES.includes(name));
}
