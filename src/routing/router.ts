// Routing by kind of request: the `[router]` rules, in their documented order, over the `[models]` route. Pure.
import type { Config, RouterConfig, RouteTarget } from "../config/schema.ts";
import type { RequestSignals } from "./request_signals.ts";
import {
  explicitTarget,
  findRule,
  normalizeModelName,
  resolveRoute,
  type Route,
  routeTo,
} from "./route.ts";

/** Where a request goes, and why when a `[router]` rule moved it. */
export interface RoutingDecision {
  route: Route;
  /** The rules that moved it, each with its reason, e.g. `long_context: 131k > 100k`. */
  reasons: string[];
}

/** A `[router]` rule as written in the file. */
export type RouterRule =
  | "web_search"
  | "long_context"
  | "subagent"
  | "background"
  | "think"
  | "image";

/**
 * The rules in the order they are tried: the first that matches picks the target; then `image`
 * moves a request with images whose target cannot see them.
 */
export const RULE_ORDER: readonly RouterRule[] = [
  "web_search",
  "long_context",
  "subagent",
  "background",
  "think",
  "image",
];

/** The config field of each rule. */
export const RULE_FIELDS: Readonly<
  Record<RouterRule, Exclude<keyof RouterConfig, "longContextTokens">>
> = {
  web_search: "webSearch",
  long_context: "longContext",
  subagent: "subagent",
  background: "background",
  think: "think",
  image: "image",
};

/**
 * Routes a request. An exact `[models]` name, or a `model@provider` the client named, goes where
 * it says and no rule moves it. Otherwise the first `[router]` rule that matches, in
 * {@linkcode RULE_ORDER}, picks the target (else the `[models]` route stands); then a request with
 * images whose target cannot see images goes to `image`.
 *
 * @example
 * routeRequest(config, requestSignals("claude-haiku-4-5", source)).reasons; // ["background: haiku-class model"]
 */
export function routeRequest(config: Config, signals: RequestSignals): RoutingDecision {
  const { model } = signals;
  const router = config.router;
  if (!router || findRule(config.models, model)?.exact || explicitTarget(config, model)) {
    return { route: resolveRoute(config, model), reasons: [] };
  }
  const reasons: string[] = [];
  let route: Route | undefined;
  for (const rule of RULE_ORDER) {
    const target = router[RULE_FIELDS[rule]];
    if (rule === "image" || target === undefined) continue;
    const reason = matches(rule, signals, router);
    if (reason === undefined) continue;
    route = routeTo(config, target);
    reasons.push(`${rule}: ${reason}`);
    break;
  }
  route ??= resolveRoute(config, model);
  if (router.image && !seesImages(route) && signals.images()) {
    reasons.push(`image: ${route.model} cannot see images`);
    route = routeTo(config, router.image);
  }
  return { route, reasons };
}

/** Why `rule` applies to the request, or undefined when it does not. */
function matches(
  rule: Exclude<RouterRule, "image">,
  signals: RequestSignals,
  router: RouterConfig,
): string | undefined {
  switch (rule) {
    case "web_search":
      return signals.webSearch() ? "the web search tool" : undefined;
    case "long_context": {
      const tokens = signals.inputTokens();
      const limit = router.longContextTokens;
      if (tokens <= limit) return undefined;
      const [over, under] = [formatTokens(tokens), formatTokens(limit)];
      return over === under ? `${tokens} > ${limit}` : `${over} > ${under}`;
    }
    case "subagent":
      return signals.subagent();
    case "background":
      return isBackgroundModel(signals.model) ? "haiku-class model" : undefined;
    case "think": {
      const thinking = signals.thinking();
      return thinking === undefined ? undefined : `thinking ${thinking}`;
    }
  }
}

/** Whether a model name is of Claude Code's small background class (its haiku calls). */
function isBackgroundModel(model: string): boolean {
  return /haiku/i.test(normalizeModelName(model));
}

/**
 * Whether a route's model can see images: not when the model catalog says it cannot, or
 * `[model_options]` says `images = false`; a model neither knows is taken to see them.
 */
function seesImages(route: Route): boolean {
  return route.facts.images !== false;
}

/** A target as `provider/model` for messages, the default provider named when the target names none. */
export function targetLabel(config: Config, target: RouteTarget): string {
  return `${target.provider ?? config.defaultProvider}/${target.model}`;
}

/** A token count in a few characters: `950`, `131k`, `1.2M`. */
export function formatTokens(tokens: number): string {
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(1))}M`;
  if (tokens >= 1_000) return `${Math.round(tokens / 1_000)}k`;
  return String(tokens);
}
