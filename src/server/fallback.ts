// Answers a request from its fallback chain: the first target that does not fail before answering, open
// circuits skipped, the whole chain within one deadline.
import type { Config } from "../config/schema.ts";
import { UpstreamError } from "../errors.ts";
import { passesUnparsed } from "../passthrough/passthrough_request.ts";
import { routeKey } from "../routing/fallback_chain.ts";
import type { Route } from "../routing/route.ts";
import { messageBody } from "./body.ts";
import type { AppDeps } from "./deps.ts";
import { gatewayOf } from "./gateway.ts";
import type { ClientMessage, RouteHandler } from "./handler.ts";
import { anthropicPassthrough } from "./handlers/anthropic_passthrough.ts";
import { gemini } from "./handlers/gemini.ts";
import { openaiChat } from "./handlers/openai_chat.ts";
import { openaiResponses } from "./handlers/openai_responses.ts";
import { proxiedWebSearchTool, webSearch } from "./handlers/web_search.ts";
import type { RequestLog } from "./request_log.ts";

/** What {@linkcode answerWithFallback} needs besides the Request and the chain. */
export interface FallbackContext {
  deps: AppDeps;
  log: RequestLog;
  message: ClientMessage;
}

/**
 * Sends the request to the chain's first target. When it fails before answering (it cannot be
 * reached, does not answer in time, or answers 429, 5xx or `overloaded_error`, after its own
 * retries), nothing has reached the client yet, and the request goes to the next target, translated
 * for that target's format by its handler. A target whose circuit is open is skipped unless it is
 * the last one left. With more than one target, the whole chain must start answering within
 * `[upstream] deadline_ms`. Every step is noted in the log record's `routing`.
 */
export async function answerWithFallback(
  request: Request,
  ctx: FallbackContext,
  chain: readonly Route[],
): Promise<Response> {
  const { log } = ctx;
  const breakers = gatewayOf(ctx.deps).breakers;
  const deadline = chain.length > 1 ? chainDeadline(ctx.deps.config, request) : undefined;
  let failed: string | undefined;
  try {
    for (const [i, route] of chain.entries()) {
      const name = route.provider.name;
      const admission = breakers.admit(name);
      if (admission.state === "open" && i < chain.length - 1) {
        const left = admission.retryInMs > 0
          ? `${Math.ceil(admission.retryInMs / 1000)} s left`
          : "probing";
        log.decided(`circuit open: ${routeKey(route)} skipped (${left})`);
        continue;
      }
      if (failed !== undefined) log.decided(`fallback: ${failed} → ${routeKey(route)}`);
      if (i > 0) log.routed(ctx.message.model, route, ctx.message.body?.stream === true);
      try {
        const response = await answerOn(deadline?.request ?? request, ctx, route);
        breakers.succeeded(name);
        return response;
      } catch (error) {
        if (request.signal.aborted) {
          breakers.released(name);
          throw error;
        }
        const failure = providerFailure(error);
        if (failure === undefined) {
          breakers.succeeded(name);
          throw error;
        }
        if (breakers.failed(name)) gatewayOf(ctx.deps).circuitOpened(name, log);
        if (deadline?.request.signal.aborted) throw deadline.request.signal.reason;
        if (i === chain.length - 1) throw error;
        failed = `${routeKey(route)} ${failure}`;
      }
    }
  } finally {
    deadline?.clear();
  }
  // Unreachable: the last target is never skipped, and it returns or throws.
  throw new TypeError("Fallback chain ended without an answer");
}

/**
 * Why an error is a provider failure that a fallback may answer instead, in a word or two (`503`,
 * `529 overloaded`, `504 timeout`), or undefined when it is not: only upstream errors with status
 * 429, 5xx (unreachable and timed out included) or type `overloaded_error` are.
 */
function providerFailure(error: unknown): string | undefined {
  if (!(error instanceof UpstreamError)) return undefined;
  const { status, type } = error;
  if (status !== 429 && status < 500 && type !== "overloaded_error") return undefined;
  const kind = type === "overloaded_error"
    ? " overloaded"
    : type === "timeout_error"
    ? " timeout"
    : "";
  return `${status}${kind}`;
}

/** Sends the request to one target with the handler for its kind, the body parsed if it must be. */
function answerOn(request: Request, ctx: FallbackContext, route: Route): Promise<Response> {
  const { deps, log, message } = ctx;
  // An unparsed body was judged for the first target only; another may need it cleaned or translated.
  if (message.body === undefined && !passesUnparsed(route, deps.config, message.text)) {
    messageBody(message);
  }
  const base = deps.fetch ?? fetch;
  const pooled = gatewayOf(deps).fetchFor(route.provider, base, log);
  const handlerDeps = pooled === base ? deps : { ...deps, fetch: pooled };
  return pickHandler(message, route)(request, { deps: handlerDeps, log, message, route });
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
 * The deadline of a fallback chain, `[upstream] deadline_ms` for the whole chain (none when it is
 * 0): a copy of the request (without its body, which was read) whose signal also aborts when no
 * target has started answering in time, with a 504 that says so. `clear` stops the timer once an
 * answer began.
 */
function chainDeadline(config: Config, request: Request) {
  const ms = config.upstream.deadlineMs;
  const controller = new AbortController();
  const timer = ms > 0 && ms < 2 ** 31
    ? setTimeout(() => {
      controller.abort(
        new UpstreamError(
          504,
          "timeout_error",
          `No provider started answering within ${ms / 1000} s, fallbacks included: raise ` +
            "[upstream] deadline_ms (the whole wait) or lower a provider's timeout_ms to fall back sooner",
        ),
      );
    }, ms)
    : undefined;
  const signal = AbortSignal.any([request.signal, controller.signal]);
  return {
    request: new Request(request.url, { method: request.method, headers: request.headers, signal }),
    clear: () => clearTimeout(timer),
  };
}
