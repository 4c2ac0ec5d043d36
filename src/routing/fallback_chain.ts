// The targets a request may go to, in order: its route, then the fallback list that applies to it. Pure.
import type { Config } from "../config/schema.ts";
import { type Route, routeTo } from "./route.ts";

/**
 * The route, then its fallbacks: the model's `[model_options]` `fallback` when it has one, else
 * its provider's. A fallback without a provider stays on the route's provider; a target already
 * in the chain is left out. Fallbacks' own fallback lists do not apply.
 *
 * @example
 * fallbackChain(config, route).map((r) => `${r.provider.name}/${r.model}`); // ["openai/gpt-5", "deepseek/deepseek-chat"]
 */
export function fallbackChain(config: Config, route: Route): Route[] {
  const list = route.options.fallback ?? route.provider.fallback ?? [];
  const chain = [route];
  const seen = new Set([routeKey(route)]);
  for (const target of list) {
    const next = routeTo(config, {
      model: target.model,
      provider: target.provider ?? route.provider.name,
    });
    const key = routeKey(next);
    if (seen.has(key)) continue;
    seen.add(key);
    chain.push(next);
  }
  return chain;
}

/** A route as `provider/model`, for messages and the log. */
export function routeKey(route: Route): string {
  return `${route.provider.name}/${route.model}`;
}
