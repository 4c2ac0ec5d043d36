// What an Anthropic-format provider answered, on its way back: headers, errors, and a whole message
// with its model renamed and signatures marked.
import { type ProxyError, UpstreamEnvelopeError, UpstreamError } from "../errors.ts";
import { redactSecrets } from "../log/redact.ts";
import type { StreamSummary } from "../translate/anthropic/stream_summary.ts";
import { anthropicEnvelope, fromUpstreamError } from "../translate/anthropic/errors.ts";
import { markMessageSignatures } from "./signature_origin.ts";
import { type AnthropicStreamTeeOptions, spliceModel } from "./anthropic_stream_tee.ts";

/** Upstream response headers that describe the upstream connection, not the answer. */
const HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "content-encoding",
  "content-length",
  "date",
  "keep-alive",
  "proxy-connection",
  "server",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * What changes in an answer: signatures get their origin when several providers are configured, and a
 * mapped model is reported under the name the client asked for (Claude Code drops thinking blocks
 * from history when the answer names another model).
 */
export type AnswerRewrite = AnthropicStreamTeeOptions;

/** The upstream's answer headers (request-id, rate limits, retry hints), minus connection ones. */
export function answerHeaders(response: Response): Headers {
  const headers = new Headers();
  for (const [name, value] of response.headers) {
    if (!HOP_HEADERS.has(name)) headers.set(name, value);
  }
  return headers;
}

/**
 * The error for an upstream error answer `text`: its own status, headers and bytes when it already
 * is an Anthropic envelope, else the envelope that wraps it (with the upstream's headers, such as
 * `retry-after`). `secrets` are kept out of the message and the bytes.
 */
export function passthroughError(
  response: Response,
  text: string,
  secrets: readonly string[],
): ProxyError {
  const headers = answerHeaders(response);
  const envelope = anthropicEnvelope(text);
  if (envelope) {
    const { type } = envelope.error;
    const message = redactSecrets(envelope.error.message, secrets);
    // The upstream's own bytes, unless they quote a key (a provider echoing the key it refused).
    const body = redactSecrets(text, secrets);
    return new UpstreamEnvelopeError(response.status, { type, message }, body, { headers });
  }
  const mapped = fromUpstreamError(response.status, text);
  const message = redactSecrets(mapped.body.error.message, secrets);
  return new UpstreamError(mapped.status, mapped.body.error.type, message, { headers });
}

/**
 * A whole (not streamed) answer as the client gets it, rewritten as {@linkcode AnswerRewrite} says,
 * and what it said for the log (undefined when it is not a JSON object).
 */
export function rewriteAnswer(
  text: string,
  rewrite: AnswerRewrite,
): { out: string; summary?: StreamSummary } {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
    if (typeof json !== "object" || json === null) return { out: text };
  } catch {
    return { out: text };
  }
  const usage = (json.usage ?? {}) as Record<string, unknown>;
  const count = (key: string) => (typeof usage[key] === "number" ? usage[key] as number : 0);
  const summary: StreamSummary = {
    stopReason: typeof json.stop_reason === "string" ? json.stop_reason : null,
    usage: {
      input_tokens: count("input_tokens"),
      output_tokens: count("output_tokens"),
      cache_read_input_tokens: count("cache_read_input_tokens"),
      cache_creation_input_tokens: count("cache_creation_input_tokens"),
    },
  };
  const marked = rewrite.markOrigin === undefined
    ? json
    : markMessageSignatures(json, rewrite.markOrigin);
  const rename = rewrite.model !== undefined && typeof json.model === "string" &&
    json.model !== rewrite.model;
  if (marked === json && !rename) return { out: text, summary };
  if (marked === json) {
    // Only the model differs: swap it in the upstream's text rather than re-serialise the answer.
    const spliced = spliceModel(text, json.model as string, rewrite.model!);
    if (spliced !== undefined) return { out: spliced, summary };
  }
  const out = rename ? { ...marked, model: rewrite.model } : marked;
  return { out: JSON.stringify(out), summary };
}
