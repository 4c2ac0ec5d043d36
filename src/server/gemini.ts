// The Gemini route: a Messages request translated to generateContent / streamGenerateContent and back.
//
// A self-contained handler (the Request and a small context in, a Response out), so that it can be
// called without Hono and moved into a per-route handler as it is.
import { UpstreamError } from "../errors.ts";
import type { RequestLogRecord } from "../log/record.ts";
import { redactSecrets } from "../log/redact.ts";
import { applyAnthropicQuirks } from "../quirks/apply_quirks.ts";
import { quirksByName } from "../quirks/registry.ts";
import { clientToolNames, upstreamToolName } from "../quirks/tool_names.ts";
import type { Route } from "../routing/route.ts";
import { messageToEvents } from "../translate/anthropic/message_events.ts";
import { encodeSseEvent } from "../translate/anthropic/sse.ts";
import { fromGeminiError } from "../translate/gemini/errors.ts";
import { toGeminiRequest, type TranslatedGeminiRequest } from "../translate/gemini/request.ts";
import { fromGeminiResponse } from "../translate/gemini/response.ts";
import {
  GeminiStreamTranslator,
  type GeminiStreamTranslatorOptions,
} from "../translate/gemini/stream.ts";
import { anthropicEventStream } from "../translate/openai/stream_pipeline.ts";
import type { StreamSummary } from "../translate/openai/stream.ts";
import { readErrorBody, sendUpstream, type UpstreamResult } from "../upstream/client.ts";
import { clientKey, geminiUrl, upstreamHeaders } from "../upstream/target.ts";
import type { MessagesRequest, MessagesResponse } from "../wire/anthropic_types.ts";
import type { GeminiResponse } from "../wire/gemini_types.ts";
import { type AppDeps, configSecrets, upstreamOptions } from "./deps.ts";

/** Where the Gemini route records what happened: the request's log record and how to finish it. */
export interface GeminiRouteLog {
  record: RequestLogRecord;
  /** Writes the record with `status` (once; for a stream, when it ends). */
  finish(status: number, extra?: Partial<RequestLogRecord>): void;
  /** With `--log-bodies`: keeps the client, upstream and response bodies. */
  bodies?: {
    set(name: "client" | "upstream" | "response", text: string): void;
    tap(name: "response"): TransformStream<Uint8Array, Uint8Array>;
  };
}

/** What the Gemini route needs besides the Request. */
export interface GeminiRouteContext {
  deps: AppDeps;
  /** The client's checked body, and its text as received (for body logging). */
  body: MessagesRequest;
  text: string;
  route: Route;
  log: GeminiRouteLog;
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "connection": "keep-alive",
};

/**
 * Answers a Messages request routed to a Gemini-format provider: translates it, sends it to
 * `:streamGenerateContent?alt=sse` (or `:generateContent` when the client does not stream) with
 * the key in `x-goog-api-key`, and translates the answer back as it arrives. Gemini's errors come
 * back as Anthropic envelopes, with `retry-after` from `RetryInfo`. Throws a ProxyError for a
 * request it cannot translate or an answer it cannot read; the caller renders it.
 *
 * @example
 * ```ts
 * if (route.provider.format === "gemini") return await geminiMessages(c.req.raw, context);
 * ```
 */
export async function geminiMessages(request: Request, ctx: GeminiRouteContext): Promise<Response> {
  const { deps, route, log } = ctx;
  const { provider } = route;
  const translated = geminiRequest(ctx.body, route, (change) => {
    (log.record.changes ??= []).push(change);
  });
  const stream = ctx.body.stream === true;
  const upstreamBody = JSON.stringify(translated.request);
  log.bodies?.set("client", ctx.text);
  log.bodies?.set("upstream", upstreamBody);
  const result = await sendUpstream({
    url: geminiUrl(provider, route.model, stream ? "streamGenerateContent" : "generateContent"),
    headers: upstreamHeaders(provider, request.headers),
    body: upstreamBody,
  }, upstreamOptions(deps, provider, request.signal));
  log.record.retries = result.attempts - 1;
  log.record.ttfb_ms = Math.round(deps.now() - Date.parse(log.record.time));
  if (!result.response.ok) return await errorAnswer(result, request, ctx);
  const options: GeminiStreamTranslatorOptions = {
    model: ctx.body.model,
    messageId: deps.newId("msg_"),
    signatureOrigin: provider.name,
    newToolId: () => deps.newId("toolu_"),
  };
  const names = clientToolNames(ctx.body.tools);
  if (names.size > 0) options.clientToolName = (name) => names.get(name) ?? name;
  const contentType = result.response.headers.get("content-type") ?? "";
  if (stream && contentType.includes("text/event-stream") && result.body) {
    return streamAnswer(result, options, ctx);
  }
  return wholeAnswer(await result.text(), options, ctx);
}

/**
 * The Gemini request for a route: the provider's history quirks, the translation, the model's
 * options (max_tokens cap, forced effort); every change goes to `note`.
 */
export function geminiRequest(
  client: MessagesRequest,
  route: Route,
  note: (change: string) => void,
  options: { countTokens?: boolean } = {},
): TranslatedGeminiRequest {
  const { provider } = route;
  const quirks = quirksByName(provider.quirks);
  const body = applyAnthropicQuirks(quirks, client, {
    provider: provider.name,
    model: route.model,
    note,
  });
  const renames = provider.quirks.includes("tool_names");
  const translated = toGeminiRequest(body, {
    model: route.model,
    providerName: provider.name,
    ...(renames ? { upstreamToolName } : {}),
    ...(route.options.maxTokens !== undefined ? { maxTokens: route.options.maxTokens } : {}),
    ...(route.options.reasoningEffort ? { forcedEffort: route.options.reasoningEffort } : {}),
    ...(options.countTokens ? { countTokens: true } : {}),
  });
  for (const change of translated.changes) note(change);
  return translated;
}

/** Translates Gemini's event stream as it arrives; the log record is written when it ends. */
function streamAnswer(
  result: UpstreamResult,
  options: GeminiStreamTranslatorOptions,
  ctx: GeminiRouteContext,
): Response {
  const { deps, log } = ctx;
  deps.metrics?.streamStarted();
  const events = anthropicEventStream<GeminiResponse>(
    result.chunks(),
    new GeminiStreamTranslator(options),
    {
      pingIntervalMs: deps.config.upstream.pingIntervalMs,
      onEnd: (summary) => {
        deps.metrics?.streamEnded();
        log.finish(200, summaryFields(summary));
      },
    },
  );
  const out = log.bodies ? events.pipeThrough(log.bodies.tap("response")) : events;
  return new Response(out, { status: 200, headers: SSE_HEADERS });
}

/** Reads and translates a whole answer; sent as JSON, or as events when the client streams. */
function wholeAnswer(
  text: string,
  options: GeminiStreamTranslatorOptions,
  ctx: GeminiRouteContext,
): Response {
  const { log } = ctx;
  log.bodies?.set("response", text);
  const message = fromGeminiResponse(readGeminiJson(text), options);
  const json = JSON.stringify(message);
  log.bodies?.set("response", json);
  log.finish(200, summaryFields({ stopReason: message.stop_reason, usage: message.usage }));
  return messageResponse(message, ctx.body.stream === true, json);
}

/** Gemini's error answer as the Anthropic envelope, with `retry-after` when Gemini said how long. */
async function errorAnswer(
  result: UpstreamResult,
  request: Request,
  ctx: GeminiRouteContext,
): Promise<Response> {
  const { deps, log } = ctx;
  const text = await readErrorBody(result.response);
  log.bodies?.set("response", text);
  const mapped = fromGeminiError(result.response.status, text);
  const secrets = configSecrets(deps.config);
  const key = clientKey(request.headers);
  if (key) secrets.push(key);
  mapped.body.error.message = redactSecrets(mapped.body.error.message, secrets);
  log.finish(mapped.status, {
    error_type: mapped.body.error.type,
    error_message: mapped.body.error.message,
  });
  const headers: Record<string, string> = {};
  if (mapped.retryAfter !== undefined) headers["retry-after"] = String(mapped.retryAfter);
  return Response.json(mapped.body, { status: mapped.status, headers });
}

/** A successful whole answer as JSON; anything that is not a JSON object is a 502 naming it. */
function readGeminiJson(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const what = /^\s*</.test(text) ? "an HTML page" : "invalid JSON";
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned ${what} instead of a Gemini answer: ${text.slice(0, 200)}`,
    );
  }
  const error = (json as { error?: unknown } | null)?.error;
  if (error !== undefined && error !== null) {
    const mapped = fromGeminiError(502, text);
    throw new UpstreamError(502, "api_error", mapped.body.error.message);
  }
  return json;
}

/** `message` as JSON, or as the events that deliver it at once when the client streams. */
function messageResponse(message: MessagesResponse, stream: boolean, json: string): Response {
  if (!stream) return new Response(json, { headers: { "content-type": "application/json" } });
  const sse = messageToEvents(message).map(encodeSseEvent).join("");
  return new Response(sse, { status: 200, headers: SSE_HEADERS });
}

/** The log fields for how an answer ended: stop reason, tokens, and the error it ended with. */
function summaryFields(summary: StreamSummary): Partial<RequestLogRecord> {
  const { usage, error } = summary;
  return {
    stop_reason: summary.stopReason,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    ...(usage.cache_read_input_tokens ? { cached_tokens: usage.cache_read_input_tokens } : {}),
    ...(error ? { error_type: error.type, error_message: error.message } : {}),
  };
}
