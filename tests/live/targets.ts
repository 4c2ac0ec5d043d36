// Which real providers a live run checks, and the proxy config for each: read from the environment.
import { resolveConfig } from "../../src/config/resolve.ts";
import type { Config } from "../../src/config/schema.ts";
import { findPreset, presetName, PROVIDER_PRESETS } from "../../src/providers/presets.ts";
import type { LiveModels } from "./checks.ts";

/** The variable that turns live runs on: preset names separated by commas, or "all". */
export const LIVE_VARIABLE = "CLAUDE_PROXY_LIVE";

/** The variable that points every provider of a live run at another base URL (Azure, a gateway). */
const BASE_URL_VARIABLE = `${LIVE_VARIABLE}_BASE_URL`;

/** What the client asks for; the config maps these names. */
export const LIVE_MODELS: LiveModels = {
  model: "claude-live",
  missing: "claude-live-missing",
};

/** An upstream model name no provider has. */
const MISSING_UPSTREAM = "no-such-model-claude-proxy-live";

/** Checks a provider cannot pass by design, with the reason. */
const NOT_APPLICABLE: Record<string, Record<string, string>> = {
  "deepseek-anthropic": {
    "answers an unknown model with an Anthropic error":
      "DeepSeek's Anthropic endpoint answers any model name with deepseek-chat",
  },
};

/** One provider to check, or why it cannot be. */
export interface LiveTarget {
  preset: string;
  /** The provider's model the checks use. */
  model?: string;
  /** Why the provider cannot be checked (no key, no model, unknown preset). */
  problem?: string;
  /** Checks skipped for this provider, with the reason. */
  notApplicable: Record<string, string>;
}

/** The model variable for a preset: CLAUDE_PROXY_LIVE_MODEL_DEEPSEEK_ANTHROPIC for deepseek-anthropic. */
export function modelVariable(preset: string): string {
  return `${LIVE_VARIABLE}_MODEL_${preset.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * The providers `env` asks to check: each preset named in CLAUDE_PROXY_LIVE, or with "all" every
 * preset whose key variable is set (keyless local servers only when named). The model is
 * CLAUDE_PROXY_LIVE_MODEL_<PRESET>, else the preset's small default, else (Anthropic format)
 * claude-haiku-4-5.
 */
export function liveTargets(env: Record<string, string | undefined>): LiveTarget[] {
  const wanted = (env[LIVE_VARIABLE] ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  if (wanted.length === 0) return [];
  const all = wanted.some((name) => name.toLowerCase() === "all");
  const names = all
    ? Object.keys(PROVIDER_PRESETS).filter((name) => {
      const preset = PROVIDER_PRESETS[name]!;
      return !preset.keyless && !preset.needsBaseUrl && Boolean(env[preset.apiKeyEnv]);
    })
    : wanted;
  return names.map((name) => {
    const canonical = presetName(name);
    if (canonical === undefined) {
      return { preset: name, problem: `Unknown preset "${name}"`, notApplicable: {} };
    }
    const preset = PROVIDER_PRESETS[canonical]!;
    const target: LiveTarget = {
      preset: canonical,
      notApplicable: NOT_APPLICABLE[canonical] ?? {},
    };
    const model = env[modelVariable(canonical)] ?? preset.defaultModels?.small ??
      (preset.format === "anthropic" ? "claude-haiku-4-5" : undefined);
    if (model === undefined) target.problem = `Set ${modelVariable(canonical)} to a model to check`;
    else target.model = model;
    if (!preset.keyless && !env[preset.apiKeyEnv]) {
      target.problem ??= `Set ${preset.apiKeyEnv} to check "${canonical}"`;
    }
    if (preset.needsBaseUrl && !env[BASE_URL_VARIABLE]) {
      target.problem ??= `Set ${BASE_URL_VARIABLE}: "${canonical}" has no fixed base URL`;
    }
    return target;
  });
}

/**
 * The proxy's config for a target: its preset as the only provider, its key from the preset's
 * variable in `env` (no other variable, so a developer's BIG_MODEL or PORT changes nothing),
 * LIVE_MODELS.model mapped to the target's model and LIVE_MODELS.missing to a model that does not
 * exist.
 */
export function liveConfig(target: LiveTarget, env: Record<string, string | undefined>): Config {
  const baseUrl = env[BASE_URL_VARIABLE];
  const keyVariable = findPreset(target.preset)?.apiKeyEnv ?? "";
  return resolveConfig({
    cli: {},
    env: keyVariable ? { [keyVariable]: env[keyVariable] } : {},
    file: {
      provider: { name: target.preset, ...(baseUrl ? { base_url: baseUrl } : {}) },
      models: { [LIVE_MODELS.model]: target.model!, [LIVE_MODELS.missing]: MISSING_UPSTREAM },
    },
    source: "live",
  });
}
