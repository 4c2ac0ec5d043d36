// Maps the model a client asks for to a provider and an upstream model. Pure.
import type { Config, ModelOptions, ModelRule, ProviderConfig } from "../config/schema.ts";

/** Where one request goes. */
export interface Route {
  provider: ProviderConfig;
  /** The model name sent upstream. */
  model: string;
  /** The per-model options that apply. */
  options: ModelOptions;
  /** The rule that matched, if any (unmapped names pass through). */
  rule?: ModelRule;
}

/** Removes Claude Code's `[1m]` long-context suffix. */
export function normalizeModelName(model: string): string {
  return model.replace(/\[[^\]]*\]$/, "").trim();
}

/** Removes a trailing date (`-20250514`) or `-latest`. */
function withoutDate(model: string): string {
  return model.replace(/-(\d{8}|latest)$/, "");
}

// Compiled globs, by pattern: the config's few patterns are matched on every request.
const globs = new Map<string, RegExp>();
/** Enough for any config; patterns past it are compiled on each call. */
const MAX_GLOBS = 256;

/** Whether `name` matches the glob `pattern` (`*` any run, `?` one character), case-insensitively. */
export function globMatch(pattern: string, name: string): boolean {
  let regex = globs.get(pattern);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, "i");
    if (globs.size < MAX_GLOBS) globs.set(pattern, regex);
  }
  return regex.test(name);
}

/** Finds the rule for `model`: exact names first, then globs in file order, then `*`. */
export function findRule(rules: readonly ModelRule[], model: string): ModelRule | undefined {
  const normalized = normalizeModelName(model);
  const candidates = [...new Set([model, normalized, withoutDate(normalized)])];
  for (const name of candidates) {
    const rule = rules.find((r) => r.exact && r.pattern === name);
    if (rule) return rule;
  }
  return rules.find((r) => !r.exact && candidates.some((name) => globMatch(r.pattern, name)));
}

/** The options for an upstream model: its exact `[model_options]` entry, else the first glob that matches. */
export function findModelOptions(
  table: Readonly<Record<string, ModelOptions>>,
  model: string,
): ModelOptions {
  // Own keys only: a model named `constructor` has no options unless the config gives it some.
  const exact = Object.hasOwn(table, model) ? table[model] : undefined;
  if (exact) return exact;
  for (const [pattern, options] of Object.entries(table)) {
    if (/[*?]/.test(pattern) && globMatch(pattern, model)) return options;
  }
  return {};
}

/**
 * Resolves the route for the model a client asked for.
 *
 * @example
 * resolveRoute(config, "claude-sonnet-4-5-20250929[1m]").model; // what "*sonnet*" maps to
 */
export function resolveRoute(config: Config, model: string): Route {
  const rule = findRule(config.models, model);
  const providerName = rule?.provider ?? config.defaultProvider;
  const provider = config.providers[providerName] ?? config.providers[config.defaultProvider]!;
  const upstreamModel = rule?.model ?? normalizeModelName(model);
  return {
    provider,
    model: upstreamModel,
    options: findModelOptions(config.modelOptions, upstreamModel),
    ...(rule ? { rule } : {}),
  };
}
