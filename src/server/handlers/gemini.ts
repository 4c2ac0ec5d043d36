// The Gemini route: a Messages request translated to generateContent / streamGenerateContent and back.
import { UpstreamError } from "../../errors.ts";
import { redactSecrets } from "../../log/redact.ts";
import { clientToolNames } from "../../quirks/tool_names.ts";
import { fromGeminiError } from "../../translate/gemini/errors.ts";
import { fromGeminiResponse } from "../../translate/gemini/response.ts";
import {
  GeminiStreamTranslator,
  type GeminiStreamTranslatorOptions,
} from "../../translate/gemini/stream.ts";
import { anthropicEventStream } from "../../translate/openai/stream_pipeline.ts";
import { readErrorBody, sendUpstream, type UpstreamResult } from "../../upstream/client.ts";
import { geminiUrl, upstreamHeaders } from "../../upstream/target.ts";
import type { GeminiResponse } from "../../wire/gemini_types.ts";
import { messageBody } from "../body.ts";
import { upstreamOptions } from "../deps.ts";
import type { HandlerContext, RouteHandler } from "../handler.ts";
import { messageResponse, SSE_HEADERS } from "../message_response.ts";
import { upstreamSecrets } from "../request_log.ts";
import { geminiRequest } from "./gemini_request.ts";

/**
 * Answers a request routed to a Gemini-format provider: translates it, sends it to
 * `:streamGenerateContent?alt=sse` (or `:generateContent` when the client does not stream) with the
 * key in `x-goog-api-key`, and translates the answer back as it arrives. Gemini's error answers are
 * thrown as UpstreamErrors carrying `retry-after` from `RetryInfo`.
 */
export const gemini: RouteHandler = async (request, ctx) => {
  const { deps, log, route } = ctx;
  const { provider } = route;
  const body = messageBody(ctx.message);
  const translated = geminiRequest(body, { route, note: (change) => log.note(change) });
  const stream = body.stream === true;
  const upstreamBody = JSON.stringify(translated.request);
  log.bodies?.set("client", ctx.message.text);
  log.bodies?.set("upstream", upstreamBody);
  const result = await sendUpstream({
    url: geminiUrl(provider, route.model, stream ? "streamGenerateContent" : "generateContent"),
    headers: upstreamHeaders(provider, request.headers),
    body: upstreamBody,
  }, upstreamOptions(deps, provider, request.signal));
  log.upstreamAnswered(result.attempts);
  if (!result.response.ok) await throwGeminiError(result, request, ctx);
  const options: GeminiStreamTranslatorOptions = {
    model: body.model,
    messageId: deps.newId("msg_"),
    signatureOrigin: provider.name,
    newToolId: () => deps.newId("toolu_"),
  };
  const names = clientToolNames(body.tools);
  if (names.size > 0) options.clientToolName = (name) => names.get(name) ?? name;
  const contentType = result.response.headers.get("content-type") ?? "";
  if (stream && contentType.includes("text/event-stream") && result.body) {
    return streamAnswer(result, options, { ...ctx, secrets: upstreamSecrets(deps, request) });
  }
  const text = await result.text();
  log.bodies?.set("response", text);
  const message = fromGeminiResponse(readGeminiJson(text), options);
  const json = JSON.stringify(message);
  log.bodies?.set("response", json);
  log.answered({ stopReason: message.stop_reason, usage: message.usage });
  return messageResponse(message, stream, json);
};

/** Translates Gemini's event stream as it arrives; the log record is written when it ends. */
function streamAnswer(
  result: UpstreamResult,
  options: GeminiStreamTranslatorOptions,
  ctx: HandlerContext & { secrets: string[] },
): Response {
  const { deps, log } = ctx;
  const events = anthropicEventStream<GeminiResponse>(
    result.chunks(),
    new GeminiStreamTranslator(options),
    {
      pingIntervalMs: deps.config.upstream.pingIntervalMs,
      onEnd: log.streaming(),
      onFirstToken: () => log.firstToken(),
      redact: (text) => redactSecrets(text, ctx.secrets),
    },
  );
  const out = log.bodies ? events.pipeThrough(log.bodies.tap("response")) : events;
  return new Response(out, { status: 200, headers: SSE_HEADERS });
}

/** Throws Gemini's error answer as an UpstreamError, keys redacted, `retry-after` when Gemini said. */
async function throwGeminiError(
  result: UpstreamResult,
  request: Request,
  ctx: HandlerContext,
): Promise<never> {
  const text = await readErrorBody(result.response);
  ctx.log.bodies?.set("response", text);
  const mapped = fromGeminiError(result.response.status, text);
  const message = redactSecrets(mapped.body.error.message, upstreamSecrets(ctx.deps, request));
  const headers = mapped.retryAfter === undefined
    ? undefined
    : { "retry-after": String(mapped.retryAfter) };
  throw new UpstreamError(
    mapped.status,
    mapped.body.error.type,
    message,
    headers ? { headers } : {},
  );
}

/** A successful whole answer as JSON; anything that is not a Gemini answer is a 502 naming it. */
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
    throw new UpstreamError(502, "api_error", fromGeminiError(502, text).body.error.message);
  }
  return json;
}
