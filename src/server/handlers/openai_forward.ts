// The OpenAI handlers' common steps: translate, send (with the quirks' one retry), then answer with a
// stream or a whole message; a dialect says how Chat Completions or Responses is spoken.
import { UpstreamError } from "../../errors.ts";
import { redactSecrets } from "../../log/redact.ts";
import { applyResponseQuirks, quirkChunkTransform, quirkRetry } from "../../quirks/apply_quirks.ts";
import type { QuirkResponseContext } from "../../quirks/quirk.ts";
import { countTokens } from "../../count_tokens/tokens.ts";
import { type AnswerShape, answerShape } from "../../translate/anthropic/answer_shape.ts";
import {
  type OverflowEstimate,
  readContextOverflow,
} from "../../translate/anthropic/context_overflow.ts";
import type { Route } from "../../routing/route.ts";
import { fromUpstreamError, upstreamErrorMessage } from "../../translate/anthropic/errors.ts";
import { makeSignature } from "../../translate/anthropic/signature.ts";
import { toAnthropicResponse } from "../../translate/openai/response.ts";
import { StreamTranslator } from "../../translate/openai/stream.ts";
import {
  anthropicEventStream,
  type ChunkTransform,
} from "../../translate/openai/stream_pipeline.ts";
import { readErrorBody, sendUpstream, type UpstreamResult } from "../../upstream/client.ts";
import { withKeyHint } from "../../upstream/key_hint.ts";
import { upstreamHeaders, upstreamUrl } from "../../upstream/target.ts";
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import type { ChatCompletionRequest, ChatCompletionResponse } from "../../wire/openai_types.ts";
import { messageBody } from "../body.ts";
import { upstreamOptions } from "../deps.ts";
import type { HandlerContext, RouteHandler } from "../handler.ts";
import { messageResponse, SSE_HEADERS } from "../message_response.ts";
import { upstreamSecrets } from "../request_log.ts";
import { readCompletion } from "./completion_json.ts";
import { type OpenAIRequest, openaiRequest } from "./openai_request.ts";

/** How one OpenAI API is spoken, in terms of the Chat Completions shapes the translator uses. */
export interface OpenAIDialect {
  /** The path requests go to, under the provider's base URL. */
  path: string;
  /** The body sent for a finished Chat Completions request; may note changes in `ctx.log`. */
  encode(request: ChatCompletionRequest, ctx: RouteContext): unknown;
  /** The stream stage that turns the answer's chunks into Chat Completions chunks, after `quirks`. */
  chunks(quirks: ChunkTransform | undefined): ChunkTransform | undefined;
  /** A whole answer as a Chat Completions response, or undefined when it is not in this API's shape. */
  decode?(json: Record<string, unknown>): ChatCompletionResponse | undefined;
}

/** A handler's context without the client's body as received, which translation leaves behind. */
export type RouteContext = Omit<HandlerContext, "message">;

/**
 * The handler for an OpenAI-format route: translates the request, sends it, and translates the
 * answer back, streamed or whole. An upstream error answer is thrown as an UpstreamError.
 */
export function openaiHandler(dialect: OpenAIDialect): RouteHandler {
  // Translating is synchronous and done here; the async part gets the context without the client's
  // body as received (JavaScriptCore keeps an async function's locals until it returns, so the
  // body's bytes and text would stay alive through the upstream call of every request in flight).
  return (request, { message, ...ctx }) => {
    try {
      const { deps, log, route } = ctx;
      const translated = openaiRequest(messageBody(message), {
        route,
        log,
        drop: deps.config.drop,
      });
      log.bodies?.set("client", message.text);
      const shape = answerShape(translated.body, request.headers.get("anthropic-beta"));
      return forward(request, { ...ctx, ...translated, dialect, shape });
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** Sends the translated request and translates the answer back, streamed or whole. */
async function forward(request: Request, answer: AnswerContext): Promise<Response> {
  // `answer` is also the translated request `send` may replace with the quirks' retry.
  const result = await send(request, answer, answer.dialect, answer);
  const streamed = answer.body.stream === true;
  const contentType = result.response.headers.get("content-type") ?? "";
  if (streamed && contentType.includes("text/event-stream") && result.body) {
    return streamAnswer(result, answer, upstreamSecrets(answer.deps, request));
  }
  return await wholeAnswer(result, answer);
}

/**
 * Sends the request; when the upstream refuses it and a quirk offers a changed request (a smaller
 * `max_tokens`), sends that once more. Throws the upstream's error (see `upstreamFailure`).
 */
async function send(
  request: Request,
  ctx: RouteContext,
  dialect: OpenAIDialect,
  translated: OpenAIRequest,
): Promise<UpstreamResult> {
  const { deps, log, route } = ctx;
  const once = (sent: ChatCompletionRequest) => {
    const body = JSON.stringify(dialect.encode(sent, ctx));
    log.bodies?.set("upstream", body);
    return sendUpstream(
      {
        url: upstreamUrl(route.provider, dialect.path),
        headers: upstreamHeaders(route.provider, request.headers),
        body,
      },
      upstreamOptions(deps, route.provider, request.signal),
    );
  };
  let result = await once(translated.request);
  let attempts = result.attempts;
  let errorText = result.response.ok ? undefined : await readErrorBody(result.response);
  const retried = errorText === undefined ? undefined : quirkRetry(
    translated.quirks,
    { status: result.response.status, body: errorText },
    { request: translated.request, ctx: translated.quirkContext },
  );
  if (retried) {
    translated.request = retried;
    result = await once(retried);
    attempts += result.attempts;
    errorText = result.response.ok ? undefined : await readErrorBody(result.response);
  }
  log.upstreamAnswered(attempts);
  if (errorText === undefined) return result;
  throw await upstreamFailure(request, ctx, {
    response: result.response,
    text: errorText,
    body: translated.body,
  });
}

/**
 * The upstream's error answer `text` in Anthropic's words: a prompt that did not fit is `prompt is
 * too long: N tokens > M maximum` (N counted here when the provider does not say), a refused key
 * names its variable, retry hints become headers, and secrets are redacted.
 */
async function upstreamFailure(
  request: Request,
  ctx: RouteContext,
  failed: { response: Response; text: string; body: MessagesRequest },
): Promise<UpstreamError> {
  const { deps, log, route } = ctx;
  const { response, text } = failed;
  log.bodies?.set("response", text);
  const overflow = readContextOverflow(upstreamErrorMessage(text));
  const mapped = fromUpstreamError(response.status, text, {
    headers: response.headers,
    ...(overflow ? { contextOverflow: await overflowEstimate(failed.body, route) } : {}),
  });
  const message = withKeyHint(
    response.status,
    redactSecrets(mapped.body.error.message, upstreamSecrets(deps, request)),
    { provider: route.provider, origins: deps.config.origins },
  );
  const headers = mapped.headers ? { headers: mapped.headers } : {};
  return new UpstreamError(mapped.status, mapped.body.error.type, message, headers);
}

/** What answering needs: the handler's context, the translated request, the dialect, the shape asked for. */
type AnswerContext = RouteContext & OpenAIRequest & {
  dialect: OpenAIDialect;
  shape: AnswerShape;
};

/** The ids and signature an answer is translated with, and what the answer quirks see. */
function answerSetup(ctx: AnswerContext) {
  const { deps } = ctx;
  const ids = { messageId: deps.newId("msg_"), newToolId: () => deps.newId("toolu_") };
  const quirkContext: QuirkResponseContext = {
    ...ctx.quirkContext,
    request: ctx.request,
    newToolId: ids.newToolId,
  };
  const translation = {
    model: ctx.body.model,
    signature: makeSignature(ctx.route.provider.name),
    ...ctx.shape,
  };
  return { ids, quirkContext, translation };
}

/** Translates the upstream's event stream as it arrives; the log record ends with the stream. */
function streamAnswer(result: UpstreamResult, ctx: AnswerContext, secrets: string[]): Response {
  const { deps, log } = ctx;
  const { ids, quirkContext, translation } = answerSetup(ctx);
  const translator = new StreamTranslator({ ...translation, ...ids });
  const transform = ctx.dialect.chunks(quirkChunkTransform(ctx.quirks, quirkContext));
  const events = anthropicEventStream(result.chunks(), translator, {
    ...(transform ? { transform } : {}),
    pingIntervalMs: deps.config.upstream.pingIntervalMs,
    onEnd: log.streaming(),
    onFirstToken: () => log.firstToken(),
    redact: (text) => redactSecrets(text, secrets),
  });
  const out = log.bodies ? events.pipeThrough(log.bodies.tap("response")) : events;
  return new Response(out, { status: 200, headers: SSE_HEADERS });
}

/** Reads and translates a whole answer; sent as JSON, or as events when the client asked to stream. */
async function wholeAnswer(result: UpstreamResult, ctx: AnswerContext): Promise<Response> {
  const { log } = ctx;
  const { ids, quirkContext, translation } = answerSetup(ctx);
  const completion = readCompletion(await result.text(), ctx.dialect.decode);
  const json = applyResponseQuirks(ctx.quirks, completion, quirkContext);
  const message = toAnthropicResponse(json, { ...translation, ...ids });
  const text = JSON.stringify(message);
  log.bodies?.set("response", text);
  log.answered({ stopReason: message.stop_reason, usage: message.usage });
  return messageResponse(message, ctx.body.stream === true, text);
}

/** What the proxy knows of an overflowing request: its own token count and the model's context window. */
async function overflowEstimate(
  body: Parameters<typeof countTokens>[0],
  route: Route,
): Promise<OverflowEstimate> {
  const inputTokens = await countTokens(body);
  const contextWindow = route.facts.context_window;
  return contextWindow === undefined ? { inputTokens } : { inputTokens, contextWindow };
}
