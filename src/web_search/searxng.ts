// The SearXNG backend (a self-hosted metasearch engine): the request and its answer's hits. Pure.
import type { WebSearchConfig } from "../config/schema.ts";
import { MAX_QUERY_CHARS, type SearchHit } from "../translate/web_search.ts";
import {
  type BackendRequest,
  joinUrl,
  type SearchDomains,
  withSiteOperator,
} from "./backend_request.ts";
import { searchHits } from "./search_hit.ts";

/**
 * `GET {baseUrl}/search?q=…&format=json`, with `Authorization: Bearer` when a key is set (for an
 * instance behind an authenticating reverse proxy). One allowed domain becomes a `site:` operator,
 * which the big engines SearXNG asks understand; the hits are filtered anyway.
 */
export function searxngRequest(
  config: WebSearchConfig,
  query: string,
  options: { domains: SearchDomains; apiKey?: string },
): BackendRequest {
  const params = new URLSearchParams({
    q: withSiteOperator(query, options.domains, MAX_QUERY_CHARS),
    format: "json",
  });
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  return { url: `${joinUrl(config.baseUrl, "/search")}?${params}`, method: "GET", headers };
}

/** The hits of a SearXNG answer (`results`: title, url, content, publishedDate). */
export function searxngHits(answer: Record<string, unknown>): SearchHit[] {
  return searchHits(answer.results, (result) => ({
    title: result.title,
    url: result.url,
    snippet: result.content,
    ages: [result.publishedDate],
  }));
}

/** Why SearXNG answers 403 to a JSON search, as a hint for the error message. */
export const SEARXNG_FORBIDDEN_HINT =
  'the JSON format is probably not enabled: add "json" to "search.formats" in its settings.yml';
