// How a route is named to people (the /v1/models list, Claude Code's model picker): where it goes. Pure.
import type { Route } from "./route.ts";

/** The upstream model and the provider a route goes to: "deepseek-v4-pro on deepseek". */
export function routeLabel(route: Pick<Route, "model" | "provider">): string {
  return `${route.model} on ${route.provider.name}`;
}

/** A context window in tokens, as people write it: "128k", "1M", "1.05M". */
export function formatTokens(tokens: number): string {
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(2))}M`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}k`;
  return String(tokens);
}
