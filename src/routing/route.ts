// Maps the model a client asks for to a provider and an upstream model. Pure.
import type {
  Config,
  ModelOptions,
  ModelRule,
  ProviderConfig,
  ProviderFormat,
} from "../config/schema.ts";
import { type ModelFacts, modelFacts } from "../providers/model_catalog.ts";
import { globMatch } from "../util/glob.ts";

export { globMatch };

/** Where one request goes. */
export interface Route {
  provider: ProviderConfig;
  /** The model name sent upstream. */
  model: string;
  /** The per-model options that apply. */
  options: ModelOptions;
  /**
   * The API the request goes out in: the provider's, except that an `openai` provider sends the
   * models that need it (gpt-5.x, gpt-6) to the Responses API; `[model_options] api` decides first.
   */
  format: ProviderFormat;
  /** What is known about the upstream model: the model catalog, overridden by `[model_options]`. */
  facts: ModelFacts;
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
  const options = findModelOptions(config.modelOptions, upstreamModel);
  const facts = routeFacts(provider, upstreamModel, options);
  return {
    provider,
    model: upstreamModel,
    options,
    format: routeFormat(provider, facts, options),
    facts,
    ...(rule ? { rule } : {}),
  };
}

/** The catalog's facts about `model` on `provider`, with the `[model_options]` overrides. */
export function routeFacts(
  provider: ProviderConfig,
  model: string,
  options: ModelOptions,
): ModelFacts {
  const facts: ModelFacts = { ...modelFacts(provider.preset, model) };
  if (options.contextWindow !== undefined) facts.context_window = options.contextWindow;
  if (options.price !== undefined) facts.price = options.price;
  if (options.images !== undefined) facts.images = options.images;
  if (options.api !== undefined) facts.api = options.api;
  return facts;
}

/**
 * The API a request to `provider` goes out in. The catalog moves a model to the Responses API on
 * OpenAI's own API only (other OpenAI-compatible servers may lack /responses); `api` in
 * `[model_options]` moves it on any OpenAI-format provider, either way.
 */
function routeFormat(
  provider: ProviderConfig,
  facts: ModelFacts,
  options: ModelOptions,
): ProviderFormat {
  if (provider.format !== "openai" && provider.format !== "openai-responses") {
    return provider.format;
  }
  const api = options.api ?? (provider.preset === "openai" ? facts.api : undefined);
  if (api === "responses") return "openai-responses";
  if (api === "chat") return "openai";
  return provider.format;
}
