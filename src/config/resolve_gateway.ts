// The gateway settings: the `[router]` rules, and the fallback lists of providers and models, as targets. Pure.
import { fileOrigin, type ResolveContext } from "./resolve_context.ts";
import { parseTarget } from "./resolve_models.ts";
import {
  DEFAULT_LONG_CONTEXT_TOKENS,
  type ModelOptions,
  type ProviderConfig,
  type RouterConfig,
  type RouteTarget,
} from "./schema.ts";
import type { FileConfig, FileRouter } from "./validate.ts";

/** The `[router]` keys that name a target, and the config field each becomes. */
const RULE_KEYS = {
  background: "background",
  think: "think",
  long_context: "longContext",
  image: "image",
  subagent: "subagent",
  web_search: "webSearch",
} as const satisfies Record<string, keyof RouterConfig>;

/**
 * Resolves `[router]`: each rule's target (`model` on the default provider, or `model@provider`),
 * and `long_context_tokens`. Undefined when the table sets no rule.
 */
export function resolveRouter(
  context: ResolveContext,
  options: { file: FileConfig; providers: Record<string, ProviderConfig> },
): RouterConfig | undefined {
  const table: FileRouter = options.file.router ?? {};
  const router: RouterConfig = {
    longContextTokens: table.long_context_tokens ?? DEFAULT_LONG_CONTEXT_TOKENS,
  };
  let rules = 0;
  const declared = declaredProviders(options.file);
  for (const [key, field] of Object.entries(RULE_KEYS)) {
    const target = table[key as keyof typeof RULE_KEYS];
    if (target === undefined) continue;
    const origin = fileOrigin(context, ["router", key]);
    const parsed = parseTarget(context, {
      target,
      origin,
      label: `[router] ${key}`,
      providers: options.providers,
      declared,
    });
    if (!parsed) continue;
    router[field] = parsed;
    context.origins[`router.${key}`] = origin;
    rules++;
  }
  if (table.long_context_tokens !== undefined && table.long_context === undefined) {
    context.notices.push(
      `[router] long_context_tokens (${
        fileOrigin(context, ["router", "long_context_tokens"])
      }) does nothing without long_context`,
    );
  }
  return rules > 0 ? router : undefined;
}

/**
 * Sets each provider's `fallback` (a bare model stays on that provider) and each model's
 * `[model_options]` `fallback` (a bare model stays on whichever provider failed).
 */
export function resolveFallbacks(
  context: ResolveContext,
  options: {
    file: FileConfig;
    providers: Record<string, ProviderConfig>;
    modelOptions: Record<string, ModelOptions>;
  },
): void {
  const { file, providers, modelOptions } = options;
  const declared = declaredProviders(file);
  const tables: Array<[string[], string, string[] | undefined]> = [];
  if (file.provider) {
    tables.push([
      ["provider"],
      (file.provider.name ?? "openai").toLowerCase(),
      file.provider.fallback,
    ]);
  }
  for (const [name, table] of Object.entries(file.providers ?? {})) {
    tables.push([["providers", name], name.toLowerCase(), table.fallback]);
  }
  for (const [path, name, list] of tables) {
    const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
    if (!provider || list === undefined) continue;
    const targets = parseList(context, {
      list,
      path: [...path, "fallback"],
      label: `provider "${name}" fallback`,
      providers,
      declared,
    });
    provider.fallback = targets.map((t) => ({ ...t, provider: t.provider ?? name }));
  }
  for (const [model, table] of Object.entries(file.model_options ?? {})) {
    const options = Object.hasOwn(modelOptions, model) ? modelOptions[model] : undefined;
    if (!options || table.fallback === undefined) continue;
    options.fallback = parseList(context, {
      list: table.fallback,
      path: ["model_options", model, "fallback"],
      label: `[model_options."${model}"] fallback`,
      providers,
      declared,
    });
  }
}

function parseList(
  context: ResolveContext,
  options: {
    list: string[];
    path: string[];
    label: string;
    providers: Record<string, ProviderConfig>;
    declared: ReadonlySet<string>;
  },
): RouteTarget[] {
  const origin = fileOrigin(context, options.path);
  return options.list.flatMap((target) => {
    const parsed = parseTarget(context, {
      target,
      origin,
      label: options.label,
      providers: options.providers,
      declared: options.declared,
    });
    return parsed ? [parsed] : [];
  });
}

/** Providers the file defines, resolved or not (one that did not resolve was reported already). */
function declaredProviders(file: FileConfig): Set<string> {
  return new Set(
    [...Object.keys(file.providers ?? {}), file.provider?.name ?? ""].map((n) => n.toLowerCase()),
  );
}
