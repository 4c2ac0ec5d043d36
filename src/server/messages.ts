// POST /v1/messages: read the body, route it once (models, router rules, the client's model@provider), and
// answer it from that target or its fallbacks, each with the handler for its kind.
import type { Config } from "../config/schema.ts";
import { leadingModel } from "../passthrough/body_bytes.ts";
import { passesUnparsed } from "../passthrough/passthrough_request.ts";
import { fallbackChain } from "../routing/fallback_chain.ts";
import { requestSignals } from "../routing/request_signals.ts";
import { routeRequest, type RoutingDecision } from "../routing/router.ts";
import { parseJsonObject, readBodyBytes, validateMessagesRequest } from "./body.ts";
import type { AppDeps } from "./deps.ts";
import { answerWithFallback } from "./fallback.ts";
import type { ClientMessage } from "./handler.ts";
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

/**
 * Routes the request once (its `[models]` route, or where a `[router]` rule sends it), notes why,
 * and answers it from that target or, when it fails before answering, from its fallbacks: the
 * one place a request is routed.
 */
function dispatch(request: Request, ctx: DispatchContext): Promise<Response> {
  const { config } = ctx.deps;
  const { message, decision } = routeMessage(request, ctx);
  for (const reason of decision.reasons) ctx.log.decided(reason);
  ctx.log.routed(message.model, decision.route, message.body && message.body.stream === true);
  const chain = fallbackChain(config, decision.route);
  return answerWithFallback(request, { deps: ctx.deps, log: ctx.log, message }, chain);
}

/**
 * The message and where it goes. When Anthropic-format providers are configured and the model
 * leads the body, the request is routed from that model and its text, unparsed; a body that can
 * go to its target as sent (see `passesUnparsed`) is not parsed at all. Otherwise the body is
 * parsed and checked, and routed from its fields.
 */
function routeMessage(
  request: Request,
  received: DispatchContext,
): { message: ClientMessage; decision: RoutingDecision } {
  const { bytes, text } = received;
  const config = received.deps.config;
  const source = { headers: request.headers, text, byteLength: bytes.byteLength };
  const leading = hasAnthropicProvider(config) ? leadingModel(text) : undefined;
  if (leading !== undefined) {
    const early = routeRequest(config, requestSignals(leading, source));
    if (passesUnparsed(early.route, config, text)) {
      return { message: { bytes, text, model: leading }, decision: early };
    }
  }
  const body = validateMessagesRequest(parseJsonObject(text));
  const decision = routeRequest(config, requestSignals(body.model, { ...source, body }));
  return { message: { bytes, text, model: body.model, body }, decision };
}

/** Whether any provider speaks the Anthropic format (only then can a body skip parsing). */
function hasAnthropicProvider(config: Config): boolean {
  return Object.values(config.providers).some((provider) => provider.format === "anthropic");
}
