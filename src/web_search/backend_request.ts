// What a search backend module produces: the HTTP request for one search, and shared helpers. Pure.
import { bareDomain, type SearchDomains } from "../translate/web_search.ts";

/** One HTTP request to a search API, ready for `fetch` (the signal is added by the caller). */
export interface BackendRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

export type { SearchDomains } from "../translate/web_search.ts";

/** `baseUrl` and `path` joined with exactly one slash (`https://a.b/v1/` + `/search`). */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/**
 * `query` with a `site:` operator when exactly one domain is allowed (search engines then look
 * there only), unless that would make the query longer than `maxChars`.
 */
export function withSiteOperator(query: string, domains: SearchDomains, maxChars: number): string {
  const [only] = domains.allowed;
  if (domains.allowed.length !== 1 || only === undefined) return query;
  const site = bareDomain(only);
  const scoped = `${query} site:${site}`;
  return site !== "" && scoped.length <= maxChars ? scoped : query;
}

/** `value` as a whole number within `min`…`max` (a result count a backend accepts). */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}
