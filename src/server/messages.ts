// POST /v1/messages and /v1/messages/count_tokens: validate → route → translate → upstream → JSON or SSE.
import type { Context } from "hono";
import { InvalidRequestError, ProxyError, toAnthropicError, UpstreamError } from "../errors.ts";
import type { RequestLogRecord } from "../log/record.ts";
import { resolveRoute, type Route } from "../routing/route.ts";
import {
  applyAnthropicQuirks,
  applyRequestQuirks,
  applyResponseQuirks,
  quirkChunkTransform,
  quirkRetry,
} from "../quirks/apply_quirks.ts";
import { quirksByName } from "../quirks/registry.ts";
import { countTokens } from "../count_tokens/tokens.ts";
import type { MessagesRequest, MessagesResponse } from "../wire/anthropic_types.ts";
import { completionShapeProblem } from "../translate/openai/completion_shape.ts";
import { anthropicEnvelope, fromUpstreamError } from "../translate/anthropic/errors.ts";
import { isRecord } from "../util/is_record.ts";
import { messageToEvents } from "../translate/anthropic/message_events.ts";
import type { ChatCompletionRequest, ChatCompletionResponse } from "../wire/openai_types.ts";
import { toOpenAIRequest } from "../translate/openai/request.ts";
import { toAnthropicResponse } from "../translate/openai/response.ts";
import { fromResponsesResponse, toResponsesRequest } from "../translate/responses/responses.ts";
import { responsesChunkTransform } from "../translate/responses/responses_stream.ts";
import { makeSignature } from "../translate/anthropic/signature.ts";
import { encodeSseEvent } from "../translate/anthropic/sse.ts";
import { StreamTranslator } from "../translate/openai/stream.ts";
import { anthropicEventStream } from "../translate/openai/stream_pipeline.ts";
import { readErrorBody, sendUpstream } from "../upstream/client.ts";
import { clientKey, upstreamHeaders, upstreamUrl } from "../upstream/target.ts";
import { parseJsonObject, readBodyBytes, validateMessagesRequest } from "./body.ts";
import { type AppDeps, configSecrets, upstreamOptions } from "./deps.ts";
import { capBody, DEFAULT_BODY_CAP, redactSecrets } from "../log/redact.ts";
import { directPassthrough, forwardCountTokens, proxyPassthrough } from "./passthrough.ts";
import { answerWebSearch, proxiedWebSearchTool } from "./web_search.ts";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "connection": "keep-alive",
};

/** Handles `POST /v1/messages`. */
export async function handleMessages(c: Context, deps: AppDeps): Promise<Response> {
  const started = deps.now();
  const record: RequestLogRecord = {
    time: new Date(started).toISOString(),
    id: deps.newId("req_"),
    method: "POST",
    path: "/v1/messages",
    status: 0,
    total_ms: 0,
  };
  const userAgent = c.req.header("user-agent");
  if (userAgent) record.user_agent = userAgent;
  const finish = (status: number, extra: Partial<RequestLogRecord> = {}) => {
    Object.assign(record, extra);
    record.status = status;
    record.total_ms = Math.round(deps.now() - started);
    deps.logger.write(record);
    deps.metrics?.observe(record);
  };
  try {
    const bytes = await readBodyBytes(c.req.raw, deps.config.maxBodyBytes);
    const text = new TextDecoder().decode(bytes);
    const direct = directPassthrough(deps.config, text, bytes);
    if (direct) {
      const { model, route } = direct;
      Object.assign(record, { model, provider: route.provider.name, upstream_model: route.model });
      return await proxyPassthrough(c, deps, { direct, route, record, finish, text, bytes });
    }
    const body = validateMessagesRequest(parseJsonObject(text));
    const route = resolveRoute(deps.config, body.model);
    Object.assign(record, {
      model: body.model,
      provider: route.provider.name,
      upstream_model: route.model,
      stream: body.stream === true,
    });
    const searchTool = proxiedWebSearchTool(body, route.provider);
    if (searchTool) {
      const answer = await answerWebSearch(c, deps, { body, tool: searchTool, record, finish });
      return messageResponse(answer, body.stream === true);
    }
    if (route.provider.format === "anthropic") {
      return await proxyPassthrough(c, deps, { body, route, record, finish, text, bytes });
    }
    return await forwardOpenAI(c, deps, { body, route, record, finish, text });
  } catch (err) {
    return errorResponse(err, finish, c.req.raw.signal);
  }
}

/** The status logged for a request whose client went away before the answer (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

/** Renders an error as the Anthropic envelope and logs it. */
export function errorResponse(
  err: unknown,
  finish: (status: number, extra?: Partial<RequestLogRecord>) => void,
  signal?: AbortSignal,
): Response {
  if (signal?.aborted) {
    finish(CLIENT_CLOSED_STATUS, {
      error_type: "client_closed",
      error_message: "Client closed the connection before the answer",
    });
    return new Response(null, { status: CLIENT_CLOSED_STATUS });
  }
  const { status, body } = toAnthropicError(err);
  finish(status, { error_type: body.error.type, error_message: body.error.message });
  return Response.json(body, { status });
}

interface ForwardContext {
  body: MessagesRequest;
  /** The client's body text, for body logging. */
  text: string;
  route: Route;
  record: RequestLogRecord;
  finish: (status: number, extra?: Partial<RequestLogRecord>) => void;
}

async function forwardOpenAI(c: Context, deps: AppDeps, ctx: ForwardContext): Promise<Response> {
  const { route, record, finish } = ctx;
  const provider = route.provider;
  const quirks = quirksByName(provider.quirks);
  const changes: string[] = [];
  const quirkContext = {
    provider: provider.name,
    model: route.model,
    note(change: string) {
      changes.push(change);
      record.changes = changes;
    },
  };
  const body = applyAnthropicQuirks(quirks, ctx.body, quirkContext);
  checkImages(body, route);
  const translated = toOpenAIRequest(body, {
    model: route.model,
    ...(route.options.reasoning !== undefined ? { reasoningModel: route.options.reasoning } : {}),
    ...(provider.sendReasoningEffort ? { sendReasoningEffort: true } : {}),
    maxEffort: provider.maxEffort,
    reasoningHistory: provider.reasoningHistory,
    supportsDocuments: provider.supportsDocuments,
    providerName: provider.name,
    drop: deps.config.drop,
  });
  changes.push(...translated.changes);
  applyModelOptions(translated.request, route, changes);
  const requestContext = { ...quirkContext, anthropic: body };
  let request = applyRequestQuirks(quirks, translated.request, requestContext);
  if (changes.length > 0) record.changes = changes;
  const stream = body.stream === true;
  const bodies = deps.config.log.bodies ? bodyLogger(c, deps, record) : undefined;
  bodies?.set("client", ctx.text);
  // The Responses format sends the finished Chat Completions request converted, and converts back.
  const responses = provider.format === "openai-responses";
  const send = (sent: ChatCompletionRequest) => {
    const upstreamBody = JSON.stringify(responses ? responsesRequest(sent, changes, record) : sent);
    bodies?.set("upstream", upstreamBody);
    return sendUpstream({
      url: upstreamUrl(provider, responses ? "/responses" : "/chat/completions"),
      headers: upstreamHeaders(provider, c.req.raw.headers),
      body: upstreamBody,
    }, upstreamOptions(deps, provider, c.req.raw.signal));
  };
  let { response, attempts, body: responseBody, chunks, text: bodyText } = await send(request);
  let errorText = response.ok ? undefined : await readErrorBody(response);
  const retried = errorText === undefined ? undefined : quirkRetry(quirks, {
    status: response.status,
    body: errorText,
  }, { request, ctx: requestContext });
  if (retried) {
    const first = attempts;
    request = retried;
    ({ response, attempts, body: responseBody, chunks, text: bodyText } = await send(request));
    attempts += first;
    errorText = response.ok ? undefined : await readErrorBody(response);
  }
  record.retries = attempts - 1;
  record.ttfb_ms = Math.round(deps.now() - Date.parse(record.time));
  if (errorText !== undefined) {
    const text = errorText;
    bodies?.set("response", text);
    const mapped = fromUpstreamError(response.status, text);
    mapped.body.error.message = redactSecrets(mapped.body.error.message, upstreamSecrets(c, deps));
    finish(mapped.status, {
      error_type: mapped.body.error.type,
      error_message: mapped.body.error.message,
    });
    return Response.json(mapped.body, { status: mapped.status });
  }
  const signature = makeSignature(provider.name);
  const ids = { messageId: deps.newId("msg_"), newToolId: () => deps.newId("toolu_") };
  const contentType = response.headers.get("content-type") ?? "";
  const responseContext = { ...requestContext, request, newToolId: ids.newToolId };
  if (stream && contentType.includes("text/event-stream") && responseBody) {
    const translator = new StreamTranslator({ model: body.model, signature, ...ids });
    const quirkTransform = quirkChunkTransform(quirks, responseContext);
    const transform = responses ? responsesChunkTransform(quirkTransform) : quirkTransform;
    deps.metrics?.streamStarted();
    const events = anthropicEventStream(chunks(), translator, {
      ...(transform ? { transform } : {}),
      pingIntervalMs: deps.config.upstream.pingIntervalMs,
      redact: (text) => redactSecrets(text, upstreamSecrets(c, deps)),
      onEnd: (summary) => {
        deps.metrics?.streamEnded();
        finish(200, {
          stop_reason: summary.stopReason,
          ...usageFields(summary.usage),
          ...(summary.error
            ? { error_type: summary.error.type, error_message: summary.error.message }
            : {}),
        });
      },
    });
    const out = bodies ? events.pipeThrough(bodies.tap("response")) : events;
    return new Response(out, { status: 200, headers: SSE_HEADERS });
  }
  const json = applyResponseQuirks(
    quirks,
    readUpstreamJson(await bodyText(), responses),
    responseContext,
  );
  const message = toAnthropicResponse(json, { model: body.model, signature, ...ids });
  const messageText = JSON.stringify(message);
  bodies?.set("response", messageText);
  finish(200, { stop_reason: message.stop_reason, ...usageFields(message.usage) });
  return messageResponse(message, stream, messageText);
}

/** A whole message as the client asked for it: JSON, or the stream events that deliver it at once. */
function messageResponse(
  message: MessagesResponse,
  stream: boolean,
  json = JSON.stringify(message),
): Response {
  if (!stream) return new Response(json, { headers: { "content-type": "application/json" } });
  const sse = messageToEvents(message).map(encodeSseEvent).join("");
  return new Response(sse, { status: 200, headers: SSE_HEADERS });
}

/** The keys that may show up in upstream answers: configured ones and the client's own. */
function upstreamSecrets(c: Context, deps: AppDeps): string[] {
  const secrets = configSecrets(deps.config);
  const key = clientKey(c.req.raw.headers);
  if (key) secrets.push(key);
  return secrets;
}

/** Collects capped, redacted bodies into the log record (with `--log-bodies`). */
function bodyLogger(c: Context, deps: AppDeps, record: RequestLogRecord) {
  const secrets = upstreamSecrets(c, deps);
  const bodies: NonNullable<RequestLogRecord["bodies"]> = (record.bodies = {});
  const set = (name: keyof typeof bodies, text: string) => {
    bodies[name] = capBody(redactSecrets(text, secrets));
  };
  return {
    set,
    /** A pass-through stream that keeps the first DEFAULT_BODY_CAP characters it sees. */
    tap(name: keyof typeof bodies): TransformStream<Uint8Array, Uint8Array> {
      const decoder = new TextDecoder();
      let seen = "";
      return new TransformStream({
        transform(chunk, controller) {
          if (seen.length < DEFAULT_BODY_CAP) {
            seen += decoder.decode(chunk, { stream: true });
            set(name, seen);
          }
          controller.enqueue(chunk);
        },
      });
    },
  };
}

/** Reads a successful upstream JSON body; a 200 that carries an error or no choices is an error. */
/** The Responses request for `chat`; its changes are noted once (a retry converts again). */
function responsesRequest(
  chat: ChatCompletionRequest,
  changes: string[],
  record: RequestLogRecord,
): unknown {
  const converted = toResponsesRequest(chat);
  for (const change of converted.changes) if (!changes.includes(change)) changes.push(change);
  if (changes.length > 0) record.changes = changes;
  return converted.request;
}

/** Reads a whole upstream answer as a Chat Completions response (converted from `responses`). */
function readUpstreamJson(text: string, responses = false): ChatCompletionResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const looksHtml = /^\s*</.test(text);
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned ${looksHtml ? "an HTML page" : "invalid JSON"} instead of a completion: ${
        text.slice(0, 200)
      }`,
    );
  }
  if (!isRecord(json)) {
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned JSON that is not an object instead of a completion: ${text.slice(0, 200)}`,
    );
  }
  // A Responses answer carries `error: null`; one with an error has no output to convert.
  if (responses && json.error == null && Array.isArray(json.output)) {
    return fromResponsesResponse(json);
  }
  if (json.error != null || !Array.isArray(json.choices)) {
    const envelope = anthropicEnvelope(text);
    if (envelope) throw new UpstreamError(502, envelope.error.type, envelope.error.message);
    const mapped = fromUpstreamError(502, text);
    throw new UpstreamError(502, "api_error", mapped.body.error.message);
  }
  const problem = completionShapeProblem(json);
  if (problem) {
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned a malformed completion: ${problem}`,
    );
  }
  return json as unknown as ChatCompletionResponse;
}

function usageFields(usage: {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
}): Partial<RequestLogRecord> {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    ...(usage.cache_read_input_tokens ? { cached_tokens: usage.cache_read_input_tokens } : {}),
  };
}

/** Caps max_tokens and forces the reasoning effort from the per-model options. */
function applyModelOptions(request: ChatCompletionRequest, route: Route, changes: string[]): void {
  const cap = route.options.maxTokens;
  if (cap !== undefined) {
    for (const field of ["max_tokens", "max_completion_tokens"] as const) {
      const value = request[field];
      if (typeof value === "number" && value > cap) {
        request[field] = cap;
        changes.push(`max_tokens capped ${value} → ${cap}`);
      }
    }
  }
  const effort = route.options.reasoningEffort;
  if (effort !== undefined && request.reasoning_effort !== effort) {
    request.reasoning_effort = effort;
    changes.push(`reasoning_effort set to ${effort} by model options`);
  }
}

/** Refuses images for models configured without image support, naming where the image is. */
function checkImages(body: MessagesRequest, route: Route): void {
  if (route.options.images !== false) return;
  body.messages.forEach((message, i) => {
    if (typeof message.content === "string") return;
    message.content.forEach((block, j) => {
      const nested = block.type === "tool_result" && Array.isArray(block.content) &&
        block.content.some((b) => b.type === "image");
      if (block.type === "image" || nested) {
        throw new InvalidRequestError(
          `messages.${i}.content.${j}: model "${route.model}" does not accept images ` +
            `(model_options images = false)`,
        );
      }
    });
  });
}

/** Handles `POST /v1/messages/count_tokens`. */
export async function handleCountTokens(c: Context, deps: AppDeps): Promise<Response> {
  try {
    const bytes = await readBodyBytes(c.req.raw, deps.config.maxBodyBytes);
    const text = new TextDecoder().decode(bytes);
    const body = validateMessagesRequest(parseJsonObject(text), { countTokens: true });
    const route = resolveRoute(deps.config, body.model);
    if (route.provider.format === "anthropic") {
      const forwarded = await forwardCountTokens(c, deps, { body, text, bytes, route });
      if (forwarded) return forwarded;
    }
    return Response.json({ input_tokens: await countTokens(body, { signal: c.req.raw.signal }) });
  } catch (err) {
    const { status, body } = toAnthropicError(err);
    return Response.json(body, { status });
  }
}

export { ProxyError };
