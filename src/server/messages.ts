// POST /v1/messages: read the body, resolve its route once, and hand it to the handler for the route's
// kind (OpenAI Chat, OpenAI Responses, Anthropic passthrough, Gemini, web search).
import type { Config } from "../config/schema.ts";
import { leadingModel } from "../passthrough/anthropic_clean.ts";
import { passesUnparsed } from "../passthrough/passthrough_request.ts";
import { resolveRoute, type Route } from "../routing/route.ts";
import { parseJsonObject, readBodyBytes, validateMessagesRequest } from "./body.ts";
import type { AppDeps } from "./deps.ts";
import type { ClientMessage, HandlerContext, RouteHandler } from "./handler.ts";
import { anthropicPassthrough } from "./handlers/anthropic_passthrough.ts";
import { gemini } from "./handlers/gemini.ts";
import { openaiChat } from "./handlers/openai_chat.ts";
import { openaiResponses } from "./handlers/openai_responses.ts";
import { proxiedWebSearchTool, webSearch } from "./handlers/web_search.ts";
import type { RequestLog } from "./request_log.ts";

/**
 * Handles `POST /v1/messages`: reads the body, then {@linkcode dispatch}es it. Not an async
 * function: JavaScriptCore keeps an async function's locals until it returns, and the body's bytes
 * and text would then stay alive for the whole upstream call.
 */
export function handleMessages(
  request: Request,
  deps: AppDeps,
  log: RequestLog,
): Promise<Response> {
  return readBodyBytes(request, deps.config.maxBodyBytes).then((bytes) =>
    dispatch(request, { deps, log, bytes, text: new TextDecoder().decode(bytes) })
  );
}

/** What {@linkcode dispatch} needs: the app, the request's log and the body as received. */
export interface DispatchContext {
  deps: AppDeps;
  log: RequestLog;
  bytes: Uint8Array<ArrayBuffer>;
  text: string;
}

/** Resolves the route once, picks the handler for its kind and calls it: the one place a request is routed. */
export function dispatch(request: Request, ctx: DispatchContext): Promise<Response> {
  const { message, route } = routeMessage(ctx.deps.config, ctx);
  ctx.log.routed(message.model, route, message.body && message.body.stream === true);
  const handler = pickHandler(message, route);
  const handlerContext: HandlerContext = { deps: ctx.deps, log: ctx.log, message, route };
  return handler(request, handlerContext);
}

/** The handler for a routed message. */
function pickHandler(message: ClientMessage, route: Route): RouteHandler {
  if (message.body && proxiedWebSearchTool(message.body, route.provider)) return webSearch;
  switch (route.format) {
    case "anthropic":
      return anthropicPassthrough;
    case "openai-responses":
      return openaiResponses;
    case "openai":
      return openaiChat;
    case "gemini":
      return gemini;
  }
}

/**
 * The message and its route. When Anthropic-format providers are configured and the model leads the
 * body, the route is resolved from that model, unparsed; a body that can go to its provider as sent
 * (see `passesUnparsed`) is not parsed at all. Otherwise the body is parsed and checked, and the
 * route resolved from its model.
 */
function routeMessage(
  config: Config,
  received: { bytes: Uint8Array<ArrayBuffer>; text: string },
): { message: ClientMessage; route: Route } {
  const { bytes, text } = received;
  const leading = hasAnthropicProvider(config) ? leadingModel(text) : undefined;
  const early = leading === undefined ? undefined : resolveRoute(config, leading);
  if (leading !== undefined && early && passesUnparsed(early, config, text)) {
    return { message: { bytes, text, model: leading }, route: early };
  }
  const body = validateMessagesRequest(parseJsonObject(text));
  const route = early && body.model === leading ? early : resolveRoute(config, body.model);
  return { message: { bytes, text, model: body.model, body }, route };
}

/** Whether any provider speaks the Anthropic format (only then can a body skip parsing). */
function hasAnthropicProvider(config: Config): boolean {
  return Object.values(config.providers).some((provider) => provider.format === "anthropic");
}
