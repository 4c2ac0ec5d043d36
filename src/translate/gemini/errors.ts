// Maps Gemini's HTTP errors (Google API error bodies) to Anthropic envelopes, with Retry-After. Pure.
import type { AnthropicErrorBody } from "../../wire/anthropic_types.ts";
import type { GeminiErrorDetail } from "../../wire/gemini_types.ts";
import { isRecord } from "../../util/is_record.ts";
import {
  errorTypeForStatus,
  statusForUpstream,
  truncate,
  upstreamErrorMessage,
} from "../anthropic/errors.ts";

/** An upstream error as the client gets it: status, envelope and, when Gemini said, the wait. */
export interface GeminiErrorAnswer {
  status: number;
  body: AnthropicErrorBody;
  /** Whole seconds to wait before trying again (`google.rpc.RetryInfo.retryDelay`, rounded up). */
  retryAfter?: number;
}

const MAX_MESSAGE_CHARS = 2000;
const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const TOO_LONG =
  /input token count(?:\s*\(?(\d+)\)?)? exceeds the maximum number of tokens allowed(?:\s*\(?(\d+)\)?)?/i;

/**
 * Maps a Gemini error answer to the Anthropic envelope. The status and type follow the HTTP status,
 * except that an invalid API key (which Gemini answers with 400) is a 401, and a prompt over the
 * context window says "prompt is too long: N tokens > M maximum", as Anthropic words it (clients
 * compact on it). `RetryInfo`'s delay becomes `retryAfter`.
 *
 * @example
 * ```ts
 * fromGeminiError(429, body); // → { status: 429, body: { …rate_limit_error… }, retryAfter: 37 }
 * ```
 */
export function fromGeminiError(status: number, text: string): GeminiErrorAnswer {
  const detail = errorDetail(text);
  const own = typeof detail?.message === "string" && detail.message !== ""
    ? detail.message
    : upstreamErrorMessage(text);
  const name = typeof detail?.status === "string" && detail.status !== ""
    ? ` ${detail.status}`
    : "";
  const retryAfter = retryDelaySeconds(detail);
  const answer = (answerStatus: number, message: string): GeminiErrorAnswer => ({
    status: answerStatus,
    body: {
      type: "error",
      error: {
        type: errorTypeForStatus(answerStatus),
        message: truncate(message, MAX_MESSAGE_CHARS),
      },
    },
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
  const upstream = `Upstream returned ${status}${name}: ${own}`;
  if (
    status === 400 && (errorReason(detail) === "API_KEY_INVALID" || /API key not valid/i.test(own))
  ) {
    return answer(401, upstream);
  }
  const tooLong = TOO_LONG.exec(own);
  if (tooLong && status >= 400 && status < 500) {
    const [, tokens, limit] = tooLong;
    const numbers = tokens && limit ? `: ${tokens} tokens > ${limit} maximum` : "";
    return answer(400, `prompt is too long${numbers} (${upstream})`);
  }
  return answer(statusForUpstream(status), upstream);
}

/** The `error` object of a Google error body (also when the body is a one-element array). */
function errorDetail(text: string): GeminiErrorDetail | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  const error = isRecord(parsed) ? parsed.error : undefined;
  return isRecord(error) ? error as GeminiErrorDetail : undefined;
}

/** `ErrorInfo.reason` (e.g. "API_KEY_INVALID"), if the error carries one. */
function errorReason(detail: GeminiErrorDetail | undefined): string | undefined {
  const info = detailOf(detail, ERROR_INFO);
  return typeof info?.reason === "string" ? info.reason : undefined;
}

/** `RetryInfo.retryDelay` ("37s", "1.5s") in whole seconds, rounded up; undefined without one. */
function retryDelaySeconds(detail: GeminiErrorDetail | undefined): number | undefined {
  const delay = detailOf(detail, RETRY_INFO)?.retryDelay;
  const match = typeof delay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
  if (!match) return undefined;
  return Math.max(1, Math.ceil(Number(match[1])));
}

function detailOf(
  detail: GeminiErrorDetail | undefined,
  type: string,
): Record<string, unknown> | undefined {
  const details = Array.isArray(detail?.details) ? detail.details : [];
  return details.find((d) => isRecord(d) && d["@type"] === type);
}
