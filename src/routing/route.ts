// Maps the model a client asks for to a provider and an upstream model. Pure.
import type {
  Config,
  ModelOptions,
  ModelRule,
  ProviderConfig,
  RouteTarget,
} from "../config/schema.ts";
import { NotFoundError } from "../errors.ts";
import type { ProviderFormat } from "../providers/provider_format.ts";
import { type ModelFacts, modelFacts } from "../providers/model_catalog.ts";
import { presetName } from "../providers/presets.ts";
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
 * Resolves the route for the model a client asked for: an exact `[models]` name, else a
 * `model@provider` the client named (see {@linkcode explicitTarget}), else the first glob that
 * matches, else the same name on the default provider. A `model@name` whose `name` is no
 * configured provider, and that no rule but `*` matches, is a 404 that names the providers.
 *
 * @example
 * resolveRoute(config, "claude-sonnet-4-5-20250929[1m]").model; // what "*sonnet*" maps to
 * resolveRoute(config, "deepseek-chat@deepseek").provider.name; // "deepseek"
 */
export function resolveRoute(config: Config, model: string): Route {
  const rule = findRule(config.models, model);
  if (!rule?.exact) {
    const explicit = explicitTarget(config, model);
    if (explicit) return routeTo(config, explicit);
    if (rule === undefined || rule.pattern === "*") refuseUnknownProvider(config, model);
  }
  const provider = rule?.provider === undefined ? undefined : config.providers[rule.provider];
  return buildRoute(config, provider, rule?.model ?? normalizeModelName(model), rule);
}

/** The route to a target: its model on its provider (the default provider when it names none). */
export function routeTo(config: Config, target: RouteTarget): Route {
  const provider = target.provider === undefined ? undefined : config.providers[target.provider];
  return buildRoute(config, provider, target.model);
}

function buildRoute(
  config: Config,
  named: ProviderConfig | undefined,
  model: string,
  rule?: ModelRule,
): Route {
  const provider = named ?? config.providers[config.defaultProvider]!;
  const options = findModelOptions(config.modelOptions, model);
  const facts = routeFacts(provider, model, options);
  return {
    provider,
    model,
    options,
    format: routeFormat(provider, facts, options),
    facts,
    ...(rule ? { rule } : {}),
  };
}

/** A provider name as written after `@` (Vertex's dated ids, `model@20250514`, are not one). */
const PROVIDER_NAME = /^[a-z][a-z0-9._-]*$/i;

/**
 * The target a client named as `model@provider` (as typed into Claude Code's `/model` or given to
 * `--model`), when the part after the last `@` is a configured provider (by name, alias or
 * preset, in any case); a `[1m]` suffix is ignored. Undefined for any other name.
 *
 * @example
 * explicitTarget(config, "deepseek-chat@DeepSeek[1m]"); // { model: "deepseek-chat", provider: "deepseek" }
 */
export function explicitTarget(config: Config, model: string): RouteTarget | undefined {
  const split = splitTarget(model);
  if (!split) return undefined;
  const provider = findProvider(config.providers, split.provider);
  return provider === undefined ? undefined : { model: split.model, provider };
}

function splitTarget(model: string): { model: string; provider: string } | undefined {
  const name = normalizeModelName(model);
  const at = name.lastIndexOf("@");
  if (at < 1) return undefined;
  const provider = name.slice(at + 1).trim();
  const upstream = name.slice(0, at).trim();
  return upstream && PROVIDER_NAME.test(provider) ? { model: upstream, provider } : undefined;
}

/** The configured provider `wanted` names: its key, or the provider of that preset (or alias). */
function findProvider(
  providers: Readonly<Record<string, ProviderConfig>>,
  wanted: string,
): string | undefined {
  const key = wanted.toLowerCase();
  if (Object.hasOwn(providers, key)) return key;
  const preset = presetName(key);
  if (preset === undefined) return undefined;
  if (Object.hasOwn(providers, preset)) return preset;
  return Object.values(providers).find((p) => p.preset === preset)?.name;
}

function refuseUnknownProvider(config: Config, model: string): void {
  const split = splitTarget(model);
  if (!split) return;
  const configured = Object.keys(config.providers).join(", ");
  throw new NotFoundError(
    `model: "${model}" names provider "${split.provider}", which is not configured ` +
      `(configured: ${configured})`,
  );
}

/** The catalog's facts about `model` on `provider`, with the `[model_options]` overrides. */
function routeFacts(
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
