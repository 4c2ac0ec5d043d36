// The Brave Search API backend: the request for one search and the hits of its answer. Pure.
import type { WebSearchConfig } from "../config/schema.ts";
import { isRecord } from "../util/is_record.ts";
import { MAX_QUERY_CHARS, type SearchHit } from "../translate/web_search.ts";
import {
  type BackendRequest,
  clamp,
  joinUrl,
  type SearchDomains,
  withSiteOperator,
} from "./backend_request.ts";
import { searchHits } from "./search_hit.ts";

/** The most results Brave gives for one search (its `count` limit). */
const BRAVE_MAX_COUNT = 20;

/**
 * `GET {baseUrl}/web/search?q=…&count=N`. Brave has no domain parameter: one allowed domain
 * becomes a `site:` operator, and any domain list asks for {@linkcode BRAVE_MAX_COUNT} results so
 * that some are left after filtering.
 */
export function braveRequest(
  config: WebSearchConfig,
  query: string,
  options: { domains: SearchDomains; apiKey: string },
): BackendRequest {
  const { domains } = options;
  const filtered = domains.allowed.length > 0 || domains.blocked.length > 0;
  const count = filtered ? BRAVE_MAX_COUNT : clamp(config.maxResults, 1, BRAVE_MAX_COUNT);
  const params = new URLSearchParams({
    q: withSiteOperator(query, domains, MAX_QUERY_CHARS),
    count: String(count),
  });
  return {
    url: `${joinUrl(config.baseUrl, "/web/search")}?${params}`,
    method: "GET",
    headers: { "X-Subscription-Token": options.apiKey, Accept: "application/json" },
  };
}

/** The hits of a Brave answer (`web.results`; none without `web`); titles and snippets are HTML. */
export function braveHits(answer: Record<string, unknown>): SearchHit[] {
  const results = isRecord(answer.web) ? answer.web.results : undefined;
  return searchHits(results, (result) => ({
    title: result.title,
    url: result.url,
    snippet: result.description,
    ages: [result.age, result.page_age],
  }), { html: true });
}

/** Whether a Brave error answer says the key is not valid (Brave answers 422 for that). */
export function braveKeyRefused(status: number, body: string): boolean {
  return status === 422 && body.includes("SUBSCRIPTION_TOKEN_INVALID");
}
