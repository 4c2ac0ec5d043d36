// The Tavily search API backend: the request for one search and the hits of its answer. Pure.
import type { WebSearchConfig } from "../config/schema.ts";
import { bareDomain, type SearchHit } from "../translate/web_search.ts";
import { type BackendRequest, clamp, joinUrl, type SearchDomains } from "./backend_request.ts";
import { searchHits } from "./search_hit.ts";

/** The most results Tavily gives for one search (its `max_results` limit). */
const TAVILY_MAX_RESULTS = 20;

/** Tavily's search request body. */
export interface TavilySearchBody {
  query: string;
  max_results: number;
  search_depth: "basic";
  include_domains?: string[];
  exclude_domains?: string[];
}

/** `POST {baseUrl}/search` with the domain lists as `include_domains` and `exclude_domains`. */
export function tavilyRequest(
  config: WebSearchConfig,
  query: string,
  options: { domains: SearchDomains; apiKey: string },
): BackendRequest {
  const { domains } = options;
  const body: TavilySearchBody = {
    query,
    max_results: clamp(config.maxResults, 1, TAVILY_MAX_RESULTS),
    search_depth: "basic",
  };
  const allowed = bareDomains(domains.allowed);
  const blocked = bareDomains(domains.blocked);
  if (allowed.length > 0) body.include_domains = allowed;
  if (blocked.length > 0) body.exclude_domains = blocked;
  return {
    url: joinUrl(config.baseUrl, "/search"),
    method: "POST",
    headers: {
      Authorization: `Bearer ${options.apiKey}`,
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: JSON.stringify(body),
  };
}

/** The hits of a Tavily answer (`results`: title, url, content, published_date). */
export function tavilyHits(answer: Record<string, unknown>): SearchHit[] {
  return searchHits(answer.results, (result) => ({
    title: result.title,
    url: result.url,
    snippet: result.content,
    ages: [result.published_date],
  }));
}

function bareDomains(domains: readonly string[]): string[] {
  return [...new Set(domains.map(bareDomain).filter((d) => d !== ""))];
}
