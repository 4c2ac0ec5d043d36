// Resolves the `[web_search]` table: the search backend, its URL and key, and the limits. Pure.
import { envValue, fileOrigin, pick, type ResolveContext } from "./resolve_context.ts";
import { DEFAULT_WEB_SEARCH, type WebSearchBackend, type WebSearchConfig } from "./schema.ts";
import type { FileConfig } from "./validate.ts";

/** Each backend's API root when `base_url` is not given (SearXNG has none: it is self-hosted). */
const WEB_SEARCH_BASE_URLS: Readonly<Record<WebSearchBackend, string | undefined>> = {
  brave: "https://api.search.brave.com/res/v1",
  tavily: "https://api.tavily.com",
  searxng: undefined,
};

/** The variable each backend's key is read from when `api_key_env` is not given. */
const WEB_SEARCH_KEY_VARIABLES: Readonly<Record<WebSearchBackend, string | undefined>> = {
  brave: "BRAVE_API_KEY",
  tavily: "TAVILY_API_KEY",
  searxng: undefined,
};

/**
 * Resolves `[web_search]` (undefined without the table); problems (no backend, no base_url for
 * SearXNG, no key for Brave or Tavily) go to `context.problems`, origins to `context.origins`.
 */
export function resolveWebSearch(
  context: ResolveContext,
  options: { file: FileConfig; env: Record<string, string | undefined> },
): WebSearchConfig | undefined {
  const table = options.file.web_search;
  if (table === undefined) return undefined;
  const where = (key: string) => fileOrigin(context, ["web_search", key]);
  const backend = pick(context, "web_search.backend", [[table.backend, where("backend")]]);
  if (backend === undefined) {
    context.problems.push(
      `${fileOrigin(context, ["web_search"])}: [web_search] needs backend: "brave", "tavily" ` +
        `or "searxng"`,
    );
    return undefined;
  }
  const baseUrl = pick(context, "web_search.base_url", [
    [table.base_url?.replace(/\/+$/, ""), where("base_url")],
    [WEB_SEARCH_BASE_URLS[backend], "default"],
  ]);
  if (baseUrl === undefined) {
    context.problems.push(
      `${where("backend")}: [web_search] backend "${backend}" needs base_url, ` +
        `the instance's root, e.g. "http://127.0.0.1:8888"`,
    );
  }
  const variable = table.api_key_env ?? WEB_SEARCH_KEY_VARIABLES[backend];
  const literal = table.api_key?.trim() || undefined;
  const fromEnv = literal === undefined ? envValue(options.env, variable) : undefined;
  const apiKey = pick(context, "web_search.api_key", [
    [literal, where("api_key")],
    [fromEnv, `env ${variable}`],
  ]);
  if (apiKey === undefined && variable !== undefined) {
    const at = table.api_key_env !== undefined ? where("api_key_env") : where("backend");
    context.problems.push(
      `${at}: [web_search] backend "${backend}" needs a key: set ${variable} or api_key`,
    );
  }
  const maxResults = pick(context, "web_search.max_results", [
    [table.max_results, where("max_results")],
    [DEFAULT_WEB_SEARCH.maxResults, "default"],
  ])!;
  const timeoutMs = pick(context, "web_search.timeout_ms", [
    [table.timeout_ms, where("timeout_ms")],
    [DEFAULT_WEB_SEARCH.timeoutMs, "default"],
  ])!;
  if (baseUrl === undefined) return undefined;
  return {
    backend,
    baseUrl,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(fromEnv !== undefined && variable !== undefined ? { apiKeyEnv: variable } : {}),
    maxResults,
    timeoutMs,
  };
}
