// What the router looks at in a request (thinking, tools, images, who sent it, its size), each read cheaply
// and only when a rule asks. Pure.
import type { MessagesRequestFields } from "../wire/anthropic_types.ts";

/** What routing rules look at in one request; each is worked out on first use, then kept. */
export interface RequestSignals {
  /** The model the client asked for. */
  readonly model: string;
  /** The thinking the request asks for, `enabled` or `adaptive`; undefined when none. */
  thinking(): "enabled" | "adaptive" | undefined;
  /** Whether the request carries the web search server tool (`web_search_…`). */
  webSearch(): boolean;
  /** Whether a message holds an image (a tool result's included). */
  images(): boolean;
  /** How the request shows it comes from a Claude Code subagent, or undefined when it does not. */
  subagent(): "x-claude-code-agent-id" | "cc_is_subagent" | undefined;
  /** The input's size in tokens, estimated from its bytes (see {@linkcode estimateInputTokens}). */
  inputTokens(): number;
}

/** The request a {@linkcode RequestSignals} reads: its headers, its body as text, and parsed when it is. */
export interface SignalSource {
  headers: Headers;
  /** The body as received. */
  text: string;
  /** Its length in bytes. */
  byteLength: number;
  /** The parsed body; without it the text is searched (see {@linkcode requestSignals}). */
  body?: MessagesRequestFields;
}

/** The header Claude Code sends on every request a subagent (or teammate) makes. */
const AGENT_ID_HEADER = "x-claude-code-agent-id";

const BILLING_PREFIX = "x-anthropic-billing-header:";
const SUBAGENT_FLAG = /\bcc_is_subagent=true\b/;

/**
 * The signals of one request. A parsed body is looked at field by field. An unparsed one (a body
 * forwarded as its client sent it) is searched as text for the JSON that only the structure can
 * hold: a quote inside a JSON string is escaped, so `"type":"image"` cannot come from a message's
 * words. Each search is one linear scan, made only when a rule needs it.
 *
 * @example
 * requestSignals("claude-haiku-4-5", { headers, text, byteLength }).inputTokens(); // ≈ byteLength / 3
 */
export function requestSignals(model: string, source: SignalSource): RequestSignals {
  const { body, text, headers } = source;
  const memo = new Map<string, unknown>();
  const once = <T>(key: string, compute: () => T): T => {
    if (!memo.has(key)) memo.set(key, compute());
    return memo.get(key) as T;
  };
  return {
    model,
    thinking: () => once("thinking", () => body ? bodyThinking(body) : textThinking(text)),
    webSearch: () => once("webSearch", () => body ? bodyWebSearch(body) : WEB_SEARCH.test(text)),
    images: () => once("images", () => body ? bodyImages(body) : IMAGE.test(text)),
    subagent: () =>
      once("subagent", () => {
        if (headers.has(AGENT_ID_HEADER)) return AGENT_ID_HEADER;
        return (body ? bodySubagent(body) : textSubagent(text)) ? "cc_is_subagent" : undefined;
      }),
    inputTokens: () => once("inputTokens", () => estimateInputTokens(text, source.byteLength)),
  };
}

const THINKING = /"thinking"\s*:\s*\{[^{}]*?"type"\s*:\s*"(enabled|adaptive)"/;
const WEB_SEARCH = /"type"\s*:\s*"web_search_\d/;
const IMAGE = /"type"\s*:\s*"image"/;

function bodyThinking(body: MessagesRequestFields): "enabled" | "adaptive" | undefined {
  const type = (body.thinking as { type?: unknown } | undefined)?.type;
  return type === "enabled" || type === "adaptive" ? type : undefined;
}

function textThinking(text: string): "enabled" | "adaptive" | undefined {
  return THINKING.exec(text)?.[1] as "enabled" | "adaptive" | undefined;
}

function bodyWebSearch(body: MessagesRequestFields): boolean {
  return Array.isArray(body.tools) &&
    body.tools.some((tool) =>
      typeof tool?.type === "string" && tool.type.startsWith("web_search_")
    );
}

function bodyImages(body: MessagesRequestFields): boolean {
  return body.messages.some((message) =>
    Array.isArray(message.content) && message.content.some((block) =>
      block.type === "image" ||
      (block.type === "tool_result" && Array.isArray(block.content) &&
        block.content.some((inner) => inner.type === "image"))
    )
  );
}

function bodySubagent(body: MessagesRequestFields): boolean {
  const first = Array.isArray(body.system) ? body.system[0]?.text : undefined;
  return typeof first === "string" && first.startsWith(BILLING_PREFIX) && SUBAGENT_FLAG.test(first);
}

/** The billing block's text is short: its flags are within this many characters of its start. */
const BILLING_MAX_CHARS = 400;

function textSubagent(text: string): boolean {
  for (
    let at = text.indexOf(BILLING_PREFIX);
    at !== -1;
    at = text.indexOf(BILLING_PREFIX, at + 1)
  ) {
    const end = text.indexOf('"', at);
    const block = text.slice(
      at,
      end === -1 ? at + BILLING_MAX_CHARS : Math.min(end, at + BILLING_MAX_CHARS),
    );
    if (SUBAGENT_FLAG.test(block)) return true;
  }
  return false;
}

/**
 * Bytes of request JSON per input token, set low so that the estimate errs high: Claude Code's
 * requests measure about 4.4 bytes per token with the o200k tokenizer, English prose about 3.9,
 * and Claude's own tokenizer makes up to a third more tokens of the same text.
 */
export const BYTES_PER_TOKEN = 3;
/** An image costs at most about 1,600 tokens, whatever its size (Anthropic resizes larger ones). */
export const IMAGE_TOKENS = 1_600;
/** A PDF costs about 3,000 tokens a page (its text and a page image)... */
export const PDF_TOKENS_PER_PAGE = 3_000;
/** ... and a page takes about 50 KB. */
const PDF_BYTES_PER_PAGE = 50_000;
/** Shorter base64 strings are counted as text. */
const MEDIA_MIN_CHARS = 1_024;

/**
 * Estimates a request's input tokens without tokenizing it: its byte length over
 * {@linkcode BYTES_PER_TOKEN}, except that base64 media under a `"data"` key count by what they
 * are (an image {@linkcode IMAGE_TOKENS}, a PDF by its pages, other opaque data nothing) instead
 * of by their length. One pass of `indexOf` over the text.
 *
 * @example
 * estimateInputTokens('{"model":"m","messages":[]}', 30); // 10
 */
export function estimateInputTokens(text: string, byteLength: number): number {
  let mediaChars = 0;
  let mediaTokens = 0;
  for (let at = text.indexOf('"data"'); at !== -1; at = text.indexOf('"data"', at + 6)) {
    const start = valueStart(text, at + 6);
    if (start === undefined) continue;
    const end = text.indexOf('"', start);
    if (end === -1) break;
    const length = end - start;
    at = end;
    if (length < MEDIA_MIN_CHARS || !BASE64_HEAD.test(text.slice(start, start + 64))) continue;
    mediaChars += length;
    mediaTokens += mediaCost(text.slice(start, start + 8), length);
  }
  return Math.ceil(Math.max(0, byteLength - mediaChars) / BYTES_PER_TOKEN) + mediaTokens;
}

const BASE64_HEAD = /^[A-Za-z0-9+/\\]+$/;

/** Where the string value after a key starts (past `:` and a quote), or undefined when it is no string. */
function valueStart(text: string, from: number): number | undefined {
  let i = from;
  while (text[i] === " " || text[i] === "\n" || text[i] === "\t" || text[i] === "\r") i++;
  if (text[i] !== ":") return undefined;
  i++;
  while (text[i] === " " || text[i] === "\n" || text[i] === "\t" || text[i] === "\r") i++;
  return text[i] === '"' ? i + 1 : undefined;
}

/** What base64 data of `length` characters costs, by its first bytes: image, PDF, or opaque. */
function mediaCost(head: string, length: number): number {
  if (head.startsWith("JVBER")) {
    const pages = Math.max(1, Math.ceil((length * 3) / 4 / PDF_BYTES_PER_PAGE));
    return pages * PDF_TOKENS_PER_PAGE;
  }
  const image = ["iVBOR", "/9j/", "\\/9j\\/", "R0lGOD", "UklGR"].some((magic) =>
    head.startsWith(magic)
  );
  return image ? IMAGE_TOKENS : 0;
}
