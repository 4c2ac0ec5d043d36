// Runs one web search on the configured backend (Brave, Tavily, SearXNG) and maps its failures.
import type { WebSearchBackend, WebSearchConfig } from "../config/schema.ts";
import { redactSecrets } from "../log/redact.ts";
import type { WebSearchErrorCode } from "../wire/anthropic_types.ts";
import { truncate } from "../translate/anthropic/errors.ts";
import { isRecord } from "../util/is_record.ts";
import { filterHits, type SearchHit } from "../translate/web_search.ts";
import { readErrorBody } from "../upstream/client.ts";
import type { BackendRequest, SearchDomains } from "./backend_request.ts";
import { braveHits, braveKeyRefused, braveRequest } from "./brave.ts";
import { SEARXNG_FORBIDDEN_HINT, searxngHits, searxngRequest } from "./searxng.ts";
import { tavilyHits, tavilyRequest } from "./tavily.ts";
import { SYSTEM_TIMERS, type Timers } from "../util/timers.ts";

/** Thrown when a search fails; `code` is what the web_search_tool_result error carries. */
export class WebSearchError extends Error {
  readonly code: WebSearchErrorCode;
  /** The backend's HTTP status, when it answered with one. */
  readonly status?: number;
  constructor(
    code: WebSearchErrorCode,
    message: string,
    options?: ErrorOptions & { status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WebSearchError";
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** Options for {@linkcode searchWeb}. */
export interface SearchWebOptions {
  /** Only hits on these domains (or their subdomains) are kept. */
  allowedDomains?: readonly string[];
  /** Hits on these domains (or their subdomains) are dropped. */
  blockedDomains?: readonly string[];
  /** The client's signal: aborting it aborts the search and rejects with its reason. */
  signal?: AbortSignal;
  /** Replaces the global `fetch`; it must honour `init.signal`. */
  fetch?: typeof fetch;
  /** The timers of `timeoutMs` (default: the runtime's). */
  timers?: Timers;
}

/** The backends' names as people write them, for messages. */
const BACKEND_LABELS: Readonly<Record<WebSearchBackend, string>> = {
  brave: "Brave",
  tavily: "Tavily",
  searxng: "SearXNG",
};

/** How much of an error answer a message quotes. */
const MAX_DETAIL_CHARS = 200;

/**
 * Runs one search on the configured backend; hits are filtered by the domain lists and capped at
 * config.maxResults, in the backend's order, without URL duplicates or non-http(s) URLs. Failures
 * throw a {@linkcode WebSearchError}; aborting `options.signal` rejects with its reason instead.
 *
 * @example
 * const hits = await searchWeb(config.webSearch, "deno 2 release notes", {
 *   allowedDomains: ["deno.com"],
 *   signal: c.req.raw.signal,
 * });
 */
export async function searchWeb(
  config: WebSearchConfig,
  query: string,
  options: SearchWebOptions = {},
): Promise<SearchHit[]> {
  options.signal?.throwIfAborted();
  const domains = { allowed: options.allowedDomains ?? [], blocked: options.blockedDomains ?? [] };
  if (query.trim() === "") {
    throw new WebSearchError("invalid_tool_input", "Cannot search: the query is empty");
  }
  const answer = await fetchAnswer(config, backendRequest(config, query.trim(), domains), options);
  const hits = backendHits(config.backend, answer);
  return filterHits(uniqueHits(hits), domains).slice(0, Math.max(0, config.maxResults));
}

function backendRequest(
  config: WebSearchConfig,
  query: string,
  domains: SearchDomains,
): BackendRequest {
  const { backend, apiKey } = config;
  switch (backend) {
    case "brave":
      return braveRequest(config, query, { domains, apiKey: requireKey(config) });
    case "tavily":
      return tavilyRequest(config, query, { domains, apiKey: requireKey(config) });
    case "searxng":
      return searxngRequest(config, query, apiKey ? { domains, apiKey } : { domains });
    default: {
      const unknown: never = backend;
      throw new WebSearchError("unavailable", `Unknown web search backend "${unknown}"`);
    }
  }
}

function backendHits(backend: WebSearchBackend, answer: Record<string, unknown>): SearchHit[] {
  switch (backend) {
    case "brave":
      return braveHits(answer);
    case "tavily":
      return tavilyHits(answer);
    case "searxng":
      return searxngHits(answer);
  }
}

function requireKey(config: WebSearchConfig): string {
  if (config.apiKey) return config.apiKey;
  const where = config.apiKeyEnv ? `: set "${config.apiKeyEnv}"` : "";
  throw new WebSearchError(
    "unavailable",
    `${BACKEND_LABELS[config.backend]} needs an API key${where}`,
  );
}

function uniqueHits(hits: readonly SearchHit[]): SearchHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const key = new URL(hit.url).href;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Sends the request within `config.timeoutMs` (body included) and returns the JSON object. */
async function fetchAnswer(
  config: WebSearchConfig,
  request: BackendRequest,
  options: SearchWebOptions,
): Promise<Record<string, unknown>> {
  const label = BACKEND_LABELS[config.backend];
  const { signal } = options;
  const timers = options.timers ?? SYSTEM_TIMERS;
  const deadline = new AbortController();
  const timer = config.timeoutMs > 0 && config.timeoutMs < 2 ** 31
    ? timers.setTimeout(() => deadline.abort(), config.timeoutMs)
    : undefined;
  try {
    const response = await (options.fetch ?? fetch)(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
    });
    if (!response.ok) throw await statusError(config, response);
    return parseAnswer(label, response.status, await response.text(), config.apiKey);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof WebSearchError) throw error;
    if (deadline.signal.aborted) {
      throw new WebSearchError(
        "unavailable",
        `${label} did not answer within ${config.timeoutMs} ms`,
      );
    }
    throw unreachableError(label, request.url, error);
  } finally {
    timers.clearTimeout(timer);
  }
}

function parseAnswer(
  label: string,
  status: number,
  text: string,
  apiKey: string | undefined,
): Record<string, unknown> {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch (error) {
    const start = quoteDetail(text, apiKey);
    throw new WebSearchError(
      "unavailable",
      `${label} answered HTTP ${status} with invalid JSON${start ? `: ${start}` : ""}`,
      { status, cause: error },
    );
  }
  if (!isRecord(answer)) {
    throw new WebSearchError("unavailable", `${label} answered with JSON that is not an object`, {
      status,
    });
  }
  return answer;
}

async function statusError(config: WebSearchConfig, response: Response): Promise<WebSearchError> {
  const { status } = response;
  const label = BACKEND_LABELS[config.backend];
  const body = await readErrorBody(response, 16 * 1024);
  const detail = quoteDetail(body, config.apiKey);
  const tail = detail ? `: ${detail}` : "";
  if (status === 429) {
    return new WebSearchError(
      "too_many_requests",
      `${label} answered HTTP 429 (too many requests)${tail}`,
      { status },
    );
  }
  if (config.backend === "searxng" && status === 403) {
    const token = config.apiKey ? " (or it refused the token)" : "";
    return new WebSearchError(
      "unavailable",
      `SearXNG answered HTTP 403: ${SEARXNG_FORBIDDEN_HINT}${token}${tail}`,
      { status },
    );
  }
  if (status === 401 || status === 403 || braveKeyRefused(status, body)) {
    const from = config.apiKeyEnv ? ` from "${config.apiKeyEnv}"` : "";
    return new WebSearchError(
      "unavailable",
      `${label} refused the API key${from} (HTTP ${status})${tail}`,
      { status },
    );
  }
  return new WebSearchError("unavailable", `${label} answered HTTP ${status}${tail}`, { status });
}

/** The start of an answer for a message: secrets redacted first, then cut, whitespace collapsed. */
function quoteDetail(text: string, apiKey: string | undefined): string {
  const safe = redactSecrets(text.replace(/\s+/g, " ").trim(), apiKey ? [apiKey] : []);
  return truncate(safe, MAX_DETAIL_CHARS);
}

function unreachableError(label: string, url: string, error: unknown): WebSearchError {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return new WebSearchError("unavailable", `Cannot reach ${label}: the base URL is invalid`);
  }
  const reason = innermostMessage(error)
    .replace(/^error sending request\b.*?\):\s*/, "")
    .replace(
      /\bhttps?:\/\/[^\s()<>"']+/g,
      (match) => URL.canParse(match) ? new URL(match).host : "<url>",
    );
  return new WebSearchError("unavailable", `Cannot reach ${label} at ${host}: ${reason}`, {
    cause: error,
  });
}

function innermostMessage(error: unknown): string {
  let reason = String(error);
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.message) reason = current.message;
    current = current.cause;
  }
  return reason;
}
