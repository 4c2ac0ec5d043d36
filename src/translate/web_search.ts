// Web search answered by the proxy: which requests ask for it, the query, and the answer message. Pure.
import { fromBase64, toBase64 } from "../util/bytes.ts";
import type {
  Message,
  MessagesRequest,
  MessagesResponse,
  ResponseBlock,
  Tool,
  WebSearchErrorCode,
  WebSearchResult,
} from "../wire/anthropic_types.ts";

/** One search result as a backend returns it. */
export interface SearchHit {
  title: string;
  url: string;
  /** A short extract of the page, plain text. */
  snippet?: string;
  /** How old the page is, as the backend words it ("2 days ago", "2025-04-30"). */
  age?: string;
}

/** Anthropic's web search server tool types: `web_search_20250305`, `web_search_20260209`, … */
const WEB_SEARCH_TYPE = /^web_search_\d{8}$/;

/** The prefix Claude Code's WebSearch tool puts before the query it wants searched. */
const CLAUDE_CODE_SEARCH_PREFIX = "Perform a web search for the query:";

/** Backends refuse long queries (Brave: 400 characters); longer ones are cut at a word. */
export const MAX_QUERY_CHARS = 400;

/** The web search server tool a request declares, if any. */
export function findWebSearchTool(request: Pick<MessagesRequest, "tools">): Tool | undefined {
  if (!Array.isArray(request.tools)) return undefined;
  return request.tools.find((tool) =>
    typeof tool?.type === "string" && WEB_SEARCH_TYPE.test(tool.type)
  );
}

/**
 * The web search tool when the request makes the model search: `tool_choice` names it, or is
 * `any` with no other tool, or (Claude Code 2.1.3xx) is `auto` with no other tool and a last user
 * message that is Claude Code's "Perform a web search for the query:". That is Claude Code's
 * WebSearch request; only then is the outcome known without a model.
 */
export function forcedWebSearchTool(
  request: Pick<MessagesRequest, "tools" | "tool_choice"> & { messages?: readonly Message[] },
): Tool | undefined {
  // Most requests set no tool_choice: they are done before the tools are scanned.
  const choice = request.tool_choice;
  if (choice?.type !== "tool" && choice?.type !== "any" && choice?.type !== "auto") {
    return undefined;
  }
  const tool = findWebSearchTool(request);
  if (!tool) return undefined;
  if (choice.type === "tool") return choice.name === tool.name ? tool : undefined;
  if (request.tools!.length !== 1) return undefined;
  if (choice.type === "any") return tool;
  return isClaudeCodeSearch(request.messages ?? []) ? tool : undefined;
}

/** Whether the last user message is Claude Code's WebSearch prompt. */
function isClaudeCodeSearch(messages: readonly Message[]): boolean {
  const last = messages.findLast((message) => message.role === "user");
  if (!last) return false;
  const text = typeof last.content === "string"
    ? last.content
    : last.content.flatMap((block) => block.type === "text" ? [block.text] : []).join("\n");
  return text.trimStart().startsWith(CLAUDE_CODE_SEARCH_PREFIX);
}

/** The domain lists of one search (Anthropic's `allowed_domains` and `blocked_domains`). */
export interface SearchDomains {
  allowed: readonly string[];
  blocked: readonly string[];
}

/** The domain lists of a web search tool (`allowed_domains`, `blocked_domains`), strings only. */
export function searchDomains(tool: Tool): SearchDomains {
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((d): d is string => typeof d === "string" && d !== "") : [];
  return { allowed: list(tool.allowed_domains), blocked: list(tool.blocked_domains) };
}

/**
 * What to search for: the text of the last user message, without Claude Code's "Perform a web
 * search for the query:" prefix, whitespace collapsed, cut at a word to {@linkcode MAX_QUERY_CHARS}.
 * Empty when the last user message has no text.
 */
export function webSearchQuery(messages: readonly Message[]): string {
  const last = messages.findLast((message) => message.role === "user");
  if (!last) return "";
  const text = typeof last.content === "string"
    ? last.content
    : last.content.flatMap((block) => block.type === "text" ? [block.text] : []).join("\n");
  let query = text.replace(/\s+/g, " ").trim();
  if (query.startsWith(CLAUDE_CODE_SEARCH_PREFIX)) {
    query = query.slice(CLAUDE_CODE_SEARCH_PREFIX.length).trim();
  }
  if (query.length <= MAX_QUERY_CHARS) return query;
  const cut = query.slice(0, MAX_QUERY_CHARS + 1);
  const space = cut.lastIndexOf(" ");
  return (space > 0 ? cut.slice(0, space) : cut.slice(0, MAX_QUERY_CHARS)).trimEnd();
}

/** Whether `url`'s host is `domain` or one of its subdomains (`docs.deno.com` is in `deno.com`). */
export function inDomain(url: string, domain: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  const wanted = bareDomain(domain);
  return wanted !== "" && (host === wanted || host.endsWith(`.${wanted}`));
}

/**
 * A domain from a tool's lists as a bare host: lower case, without scheme, `*.` or path
 * (`https://Docs.Example.com/x` → `docs.example.com`).
 */
export function bareDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/^\*\./, "")
    .replace(/\/.*$/, "");
}

/** Keeps the hits inside `allowed` (when given) and outside `blocked`. */
export function filterHits(
  hits: readonly SearchHit[],
  domains: SearchDomains,
): SearchHit[] {
  return hits.filter((hit) =>
    (domains.allowed.length === 0 || domains.allowed.some((d) => inDomain(hit.url, d))) &&
    !domains.blocked.some((d) => inDomain(hit.url, d))
  );
}

/** The outcome of one search: the hits, or why there are none. */
export type SearchOutcome =
  | { hits: readonly SearchHit[] }
  | { error: WebSearchErrorCode; detail: string };

/** What {@linkcode webSearchMessage} needs besides the outcome. */
export interface WebSearchMessageOptions {
  messageId: string;
  /** The id of the `server_tool_use` block (`srvtoolu_…`). */
  toolUseId: string;
  /** The model the client asked for, echoed back. */
  model: string;
  /** The web search tool's name (`web_search`). */
  toolName: string;
  query: string;
  /** Which backend searched, for the text block ("brave"). */
  backend: string;
}

/**
 * The answer to a web search request as Anthropic gives it: a `server_tool_use` block with the
 * query, a `web_search_tool_result` block with the results (or the error code), and a text block
 * that lists each result with its extract, so a model reading the answer sees the content too.
 */
export function webSearchMessage(
  outcome: SearchOutcome,
  options: WebSearchMessageOptions,
): MessagesResponse {
  const { toolUseId, query } = options;
  const content: ResponseBlock[] = [
    { type: "server_tool_use", id: toolUseId, name: options.toolName, input: { query } },
  ];
  if ("error" in outcome) {
    content.push({
      type: "web_search_tool_result",
      tool_use_id: toolUseId,
      content: { type: "web_search_tool_result_error", error_code: outcome.error },
    });
    content.push({ type: "text", text: `Web search failed: ${outcome.detail}` });
  } else {
    content.push({
      type: "web_search_tool_result",
      tool_use_id: toolUseId,
      content: outcome.hits.map(searchResultBlock),
    });
    content.push({ type: "text", text: resultsText(query, outcome.hits, options.backend) });
  }
  return {
    id: options.messageId,
    type: "message",
    role: "assistant",
    model: options.model,
    content,
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      server_tool_use: { web_search_requests: "error" in outcome ? 0 : 1 },
    },
  };
}

/** A result block; `encrypted_content` carries the extract (base64 UTF-8) for later turns. */
function searchResultBlock(hit: SearchHit): WebSearchResult {
  return {
    type: "web_search_result",
    title: hit.title,
    url: hit.url,
    encrypted_content: toBase64(new TextEncoder().encode(hit.snippet ?? "")),
    page_age: hit.age ?? null,
  };
}

/** The extract a result block carries (see {@linkcode searchResultBlock}); "" when unreadable. */
export function resultExtract(result: { encrypted_content?: unknown }): string {
  if (typeof result.encrypted_content !== "string") return "";
  const bytes = fromBase64(result.encrypted_content);
  try {
    return bytes ? new TextDecoder("utf-8", { fatal: true }).decode(bytes) : "";
  } catch {
    return "";
  }
}

/**
 * A `web_search_tool_result` block from history as text for a model that cannot read the block:
 * each result's title, URL and extract (when the proxy made it), or the error code.
 */
export function searchResultsText(content: unknown): string {
  if (!Array.isArray(content)) {
    const code = (content as { error_code?: unknown } | null)?.error_code;
    return `Web search failed${typeof code === "string" ? `: ${code}` : ""}.`;
  }
  const lines = ["Web search results:"];
  content.forEach((result: Partial<WebSearchResult>, i) => {
    const url = typeof result?.url === "string" ? result.url : "";
    const title = typeof result?.title === "string" && result.title ? result.title : url;
    lines.push(`${i + 1}. ${title}${url && url !== title ? ` (${url})` : ""}`);
    const extract = resultExtract(result ?? {});
    if (extract) lines.push(`   ${extract}`);
  });
  if (content.length === 0) lines.push("(none)");
  return lines.join("\n");
}

function resultsText(query: string, hits: readonly SearchHit[], backend: string): string {
  if (hits.length === 0) return `No results for "${query}" (searched with ${backend}).`;
  const lines = [`Results for "${query}" (searched with ${backend}):`];
  hits.forEach((hit, i) => {
    lines.push("", `${i + 1}. ${hit.title || hit.url}`, `   ${hit.url}`);
    if (hit.age) lines.push(`   ${hit.age}`);
    if (hit.snippet) lines.push(`   ${hit.snippet}`);
  });
  return lines.join("\n");
}
