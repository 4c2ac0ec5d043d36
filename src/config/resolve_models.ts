// Builds the ordered `[models]` rules from the file, the seeds' BIG/MIDDLE/SMALL_MODEL and preset defaults. Pure.
import { CLAUDE_CODE_MODELS, CLAUDE_FAMILIES } from "../providers/claude_models.ts";
import { findPreset } from "../providers/presets.ts";
import { globMatch, isGlob } from "../util/glob.ts";
import { keyPath } from "./key_path.ts";
import { envValue, fileOrigin, isPinned, type ResolveContext } from "./resolve_context.ts";
import { findProviderName, suggestProvider } from "./resolve_providers.ts";
import type { ModelOptions, ModelRule, ProviderConfig, RouteTarget } from "./schema.ts";
import { suggest } from "./validate.ts";
import type { FileConfig, FileModelOptions } from "./validate.ts";

/** The Claude model families and the seeds' variables for them (opus = big, sonnet = middle, haiku = small). */
const TIERS = [
  { pattern: "*opus*", variable: "BIG_MODEL", tier: "big" },
  { pattern: "*sonnet*", variable: "MIDDLE_MODEL", tier: "middle" },
  { pattern: "*haiku*", variable: "SMALL_MODEL", tier: "small" },
] as const;

/** The catch-all for other Claude names when no `[models]` is given ("unknown → big", as the seeds do). */
const OTHER_CLAUDE = "claude-*";

/**
 * Returns the rules in match order: exact names, the environment's tier globs, the file's globs in
 * file order, preset defaults (only without `[models]`), then `*`.
 */
export function resolveModels(
  context: ResolveContext,
  options: {
    file: FileConfig;
    env: Record<string, string | undefined>;
    providers: Record<string, ProviderConfig>;
    defaultProvider: ProviderConfig | undefined;
  },
): ModelRule[] {
  const { file, env, providers, defaultProvider } = options;
  const exact: ModelRule[] = [];
  const globs: ModelRule[] = [];
  let fallback: ModelRule | undefined;
  // Providers the file defines but that did not resolve were reported already (an unknown preset).
  const declared = new Set(
    [...Object.keys(file.providers ?? {}), file.provider?.name ?? ""].map((n) => n.toLowerCase()),
  );
  const add = (pattern: string, target: string, origin: string) => {
    const rule = parseRule(context, { pattern, target, origin, providers, declared });
    if (!rule) return;
    context.origins[keyPath(["models", pattern])] = origin;
    if (pattern === "*") fallback = rule;
    else if (rule.exact) exact.push(rule);
    else globs.push(rule);
  };
  const fileModels = Object.entries(file.models ?? {});
  const envTiers = new Map<string, [string, string]>();
  for (const { pattern, variable } of TIERS) {
    // MIDDLE_MODEL defaults to BIG_MODEL (as in the seeds), but a default never beats the file.
    const fallback = variable === "MIDDLE_MODEL" && fileModels.length === 0
      ? envValue(env, "BIG_MODEL")
      : undefined;
    const value = envValue(env, variable) ?? fallback;
    if (value === undefined) continue;
    const origin = envValue(env, variable)
      ? `env ${variable}`
      : "env BIG_MODEL (MIDDLE_MODEL unset)";
    if (isPinned(context, ["models", pattern])) {
      context.notices.push(
        `Ignoring ${origin.replace(/^env /, "")} from the environment: ${
          keyPath(["models", pattern])
        } is pinned by "${fileOrigin(context, ["models", pattern])}"`,
      );
      continue;
    }
    envTiers.set(pattern, [value, origin]);
    add(pattern, value, origin);
  }
  for (const [pattern, target] of fileModels) {
    if (!envTiers.has(pattern)) add(pattern, target, fileOrigin(context, ["models", pattern]));
  }
  if (fileModels.length === 0) addDefaults(add, envTiers, defaultProvider);
  for (const [pattern] of fileModels) {
    const notice = unmatchedPattern(pattern, fileOrigin(context, ["models", pattern]));
    if (notice) context.notices.push(notice);
  }
  return [...exact, ...globs, ...(fallback ? [fallback] : [])];
}

/**
 * A notice for a `[models]` pattern no Claude model matches: a glob that matches none of the ids
 * Claude Code sends and no family, or a `claude-…` name with no family in it (likely typos).
 */
function unmatchedPattern(pattern: string, origin: string): string | undefined {
  const glob = isGlob(pattern);
  if (pattern === "*" || (!glob && !/^claude-/i.test(pattern))) return undefined;
  const samples = CLAUDE_CODE_MODELS.flatMap((id) => [id, `${id}[1m]`]);
  const families = CLAUDE_FAMILIES.map((family) => `claude-${family}-9`);
  const matches = glob
    ? [...samples, ...families].some((name) => globMatch(pattern, name))
    : CLAUDE_FAMILIES.some((family) => pattern.toLowerCase().includes(`-${family}`));
  if (matches) return undefined;
  const word = pattern.toLowerCase().replace(/^claude-/, "").replace(/[*?]/g, "").split(/[-.\d]/)
    .find((part) => part.length > 2) ?? "";
  const close = suggest(word, [...CLAUDE_FAMILIES]).match(/"(\w+)"/)?.[1];
  const hint = close ? ` (did you mean "${pattern.toLowerCase().replace(word, close)}"?)` : "";
  return `${origin}: [models] "${pattern}" matches no model Claude Code sends ` +
    `(families: ${CLAUDE_FAMILIES.join(", ")}; e.g. ${CLAUDE_CODE_MODELS[0]})${hint}`;
}

function addDefaults(
  add: (pattern: string, target: string, origin: string) => void,
  envTiers: Map<string, [string, string]>,
  defaultProvider: ProviderConfig | undefined,
): void {
  const defaults = defaultProvider && findPreset(defaultProvider.preset)?.defaultModels;
  const origin = `preset ${defaultProvider?.preset}`;
  if (defaults) {
    for (const { pattern, tier } of TIERS) {
      if (!envTiers.has(pattern)) add(pattern, defaults[tier], origin);
    }
  }
  const big = envTiers.get("*opus*");
  if (big) add(OTHER_CLAUDE, big[0], big[1]);
  else if (defaults) add(OTHER_CLAUDE, defaults.big, origin);
}

function parseRule(
  context: ResolveContext,
  options: {
    pattern: string;
    target: string;
    origin: string;
    providers: Record<string, ProviderConfig>;
    declared: ReadonlySet<string>;
  },
): ModelRule | undefined {
  const { pattern, target, origin, providers, declared } = options;
  const label = `model rule ${JSON.stringify(pattern)}`;
  const parsed = parseTarget(context, { target, origin, label, providers, declared });
  if (!parsed) return undefined;
  return { pattern, exact: !/[*?]/.test(pattern), ...parsed };
}

/** Options for {@linkcode parseTarget}. */
export interface ParseTargetOptions {
  /** What the config says: `model` or `model@provider`. */
  target: string;
  /** Where it was set ("FILE:LINE"). */
  origin: string;
  /** What messages call it, e.g. `model rule "*opus*"` or `[router] think`. */
  label: string;
  providers: Record<string, ProviderConfig>;
  /** Providers the file defines that did not resolve (already reported): not reported again. */
  declared?: ReadonlySet<string>;
}

/**
 * Reads a `[models]`-style target, `model` or `model@provider` (the provider by its name, alias
 * or preset); reports an empty model, an empty provider or one that is not configured.
 */
export function parseTarget(
  context: ResolveContext,
  options: ParseTargetOptions,
): RouteTarget | undefined {
  const { target, origin, label, providers } = options;
  const at = target.lastIndexOf("@");
  const model = (at >= 0 ? target.slice(0, at) : target).trim();
  const wanted = at >= 0 ? target.slice(at + 1).trim() : undefined;
  if (!model) {
    context.problems.push(`${origin}: ${label} maps to an empty upstream model`);
    return undefined;
  }
  if (wanted === "") {
    context.problems.push(`${origin}: ${label} ends with "@" but names no provider`);
    return undefined;
  }
  if (wanted === undefined) return { model };
  const provider = findProviderName(providers, wanted);
  if (provider === undefined && options.declared?.has(wanted.toLowerCase())) return undefined;
  if (provider === undefined) {
    const configured = Object.keys(providers).join(", ") || "none";
    context.problems.push(
      `${origin}: ${label} routes to provider "${wanted}", which is not configured` +
        `${suggestProvider(providers, wanted)} (configured: ${configured})`,
    );
    return undefined;
  }
  return { model, provider };
}

/** Converts the `[model_options."name"]` tables (names may be globs). */
export function resolveModelOptions(
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
      ...(options.context_window !== undefined ? { contextWindow: options.context_window } : {}),
      ...(options.price !== undefined ? { price: { ...options.price } } : {}),
      ...(options.api !== undefined ? { api: options.api } : {}),
    };
  }
  return out;
}
