// Maps upstream HTTP errors (OpenAI, Anthropic or anything else) to the Anthropic error envelope. Pure.
import type { AnthropicErrorBody, AnthropicErrorType } from "../../wire/anthropic_types.ts";
import { isRecord } from "../../util/is_record.ts";
import {
  type OverflowEstimate,
  promptTooLongMessage,
  readContextOverflow,
} from "./context_overflow.ts";

const MAX_MESSAGE_CHARS = 2000;

/** Every Anthropic error type, to tell one from other strings. */
export const ANTHROPIC_ERROR_TYPES: ReadonlySet<string> = new Set<AnthropicErrorType>([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "api_error",
  "timeout_error",
  "overloaded_error",
]);

/**
 * The error a stream ends with when reading its upstream throws after the first byte. An error that
 * carries an Anthropic type (a ProxyError: the upstream client's, the idle timeout's, the proxy's
 * shutdown) already says what failed and is kept as it is; any other is an `api_error` saying the
 * upstream stream failed, unless it already names the upstream. Both stream paths (the translated
 * one and the passthrough) end with the `event: error` built from this.
 */
export function streamFailure(error: unknown): { type: AnthropicErrorType; message: string } {
  const typed = isRecord(error) && typeof error.type === "string" &&
    ANTHROPIC_ERROR_TYPES.has(error.type);
  const type = typed ? error.type as AnthropicErrorType : "api_error";
  const detail = error instanceof Error ? error.message : String(error);
  const message = typed || detail.startsWith("Upstream ")
    ? detail
    : `Upstream stream failed: ${detail}`;
  return { type, message };
}

/** The `error` event a stream ends with (after its first byte, the status is already sent). */
export function errorEvent(
  error: { type: AnthropicErrorType; message: string },
): AnthropicErrorBody {
  return { type: "error", error: { type: error.type, message: error.message } };
}

/** Maps an upstream HTTP status to the Anthropic error type. */
export function errorTypeForStatus(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
    case 422:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 408:
    case 504:
      return "timeout_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
  }
}

/**
 * Maps an OpenAI error code or type (`rate_limit_exceeded`, `insufficient_quota`, ...), as found in
 * stream errors that carry no HTTP status, to the Anthropic error type; undefined when unknown.
 */
export function errorTypeForCode(code: unknown): AnthropicErrorType | undefined {
  switch (code) {
    case "rate_limit_exceeded":
    case "insufficient_quota":
      return "rate_limit_error";
    case "invalid_prompt":
    case "invalid_request_error":
    case "context_length_exceeded":
      return "invalid_request_error";
    case "server_error":
      return "api_error";
    default:
      return undefined;
  }
}

/** The status the proxy answers with for an upstream status: the same for the mapped ones. */
export function statusForUpstream(status: number): number {
  if (status === 422) return 400;
  if (status === 402) return 403;
  if (status >= 400 && status <= 599) return status;
  return 502;
}

/** Extracts the upstream's own message from an error body of any known shape. */
export function upstreamErrorMessage(body: string): string {
  let message: string | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    message = findMessage(parsed);
  } catch {
    // not JSON: fall back to the text itself
  }
  message ??= body.trim();
  if (message.length === 0) message = "(empty body)";
  return truncate(message, MAX_MESSAGE_CHARS);
}

/**
 * The message for an error the upstream reports inside a stream (an `event: error` payload, an
 * error chunk or event, as JSON or text): "Upstream stream error: " and the upstream's own message.
 */
export function upstreamStreamErrorMessage(payload: unknown): string {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload) ?? "";
  return `Upstream stream error: ${upstreamErrorMessage(text)}`;
}

function findMessage(value: unknown): string | undefined {
  if (Array.isArray(value)) return findMessage(value[0]);
  if (typeof value !== "object" || value === null) {
    return typeof value === "string" ? value : undefined;
  }
  const record = value as Record<string, unknown>;
  const error = record.error;
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const inner = findMessage(error);
    if (inner !== undefined) return inner;
  }
  for (const key of ["message", "detail", "msg", "error_message"]) {
    const candidate = record[key];
    if (typeof candidate === "string" && candidate.length > 0) return candidate;
  }
  return undefined;
}

/** Truncates a string without splitting a UTF-16 surrogate pair. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Options for {@linkcode fromUpstreamError}. */
export interface FromUpstreamErrorOptions {
  /**
   * Report a context overflow in Anthropic's words (`prompt is too long: N tokens > M maximum`),
   * with these numbers where the provider's message has none. Without it the message is kept.
   */
  contextOverflow?: OverflowEstimate;
  /** The upstream's response headers: the retry hints among them are kept for the client. */
  headers?: Headers;
}

/** The statuses a context overflow comes with. */
const OVERFLOW_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);
/** The upstream headers that tell a client when to retry; kept on retryable errors. */
const RETRY_HEADERS: readonly string[] = ["retry-after", "retry-after-ms"];

/**
 * Builds the Anthropic error envelope for an upstream HTTP error: the envelope itself when the
 * upstream sent one, else the upstream's own message (once: a message that already starts with
 * "Upstream returned N:" gets no second prefix). With `contextOverflow`, a prompt that did not fit
 * becomes Anthropic's 400 `prompt is too long`. With `headers`, a retryable error (408, 409, 429,
 * 5xx, 529) keeps the upstream's `retry-after` and `retry-after-ms`.
 *
 * @example
 * ```ts
 * fromUpstreamError(429, '{"error":{"message":"Slow down"}}', { headers });
 * // → { status: 429, body: { type: "error", error: { type: "rate_limit_error", message: "Upstream returned 429: Slow down" } },
 * //     headers: { "retry-after": "7" } }
 * ```
 */
export function fromUpstreamError(
  status: number,
  body: string,
  options: FromUpstreamErrorOptions = {},
): { status: number; body: AnthropicErrorBody; headers?: Record<string, string> } {
  const headers = options.headers ? retryHeaders(status, options.headers) : undefined;
  const withHeaders = <T extends object>(result: T) => headers ? { ...result, headers } : result;
  const parsedAnthropic = anthropicEnvelope(body);
  if (parsedAnthropic) {
    return withHeaders({ status: statusForUpstream(status), body: parsedAnthropic });
  }
  const message = upstreamErrorMessage(body);
  const overflow = options.contextOverflow && OVERFLOW_STATUSES.has(status)
    ? readContextOverflow(message)
    : undefined;
  if (overflow) {
    const text = promptTooLongMessage(overflow, options.contextOverflow!, message);
    return {
      status: 400,
      body: { type: "error", error: { type: "invalid_request_error", message: text } },
    };
  }
  const prefix = `Upstream returned ${status}: `;
  return withHeaders({
    status: statusForUpstream(status),
    body: {
      type: "error",
      error: {
        type: errorTypeForStatus(status),
        message: message.startsWith(prefix) ? message : prefix + message,
      },
    },
  });
}

/** The retry hints among `headers`, for a status a client may retry; undefined when there are none. */
function retryHeaders(status: number, headers: Headers): Record<string, string> | undefined {
  if (!(status === 408 || status === 409 || status === 429 || status >= 500)) return undefined;
  const out: Record<string, string> = {};
  for (const name of RETRY_HEADERS) {
    const value = headers.get(name);
    if (value !== null && value.trim() !== "") out[name] = value.trim();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Returns the body when it already is an Anthropic error envelope. */
export function anthropicEnvelope(body: string): AnthropicErrorBody | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<AnthropicErrorBody>;
    if (
      parsed?.type === "error" && typeof parsed.error?.type === "string" &&
      typeof parsed.error.message === "string"
    ) {
      return { type: "error", error: { type: parsed.error.type, message: parsed.error.message } };
    }
  } catch {
    // not JSON
  }
  return undefined;
}
