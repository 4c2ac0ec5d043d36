// What a route handler is: a function from the client's Request (and a small context) to a Response.
import type { Route } from "../routing/route.ts";
import type { MessagesRequest } from "../wire/anthropic_types.ts";
import type { AppDeps } from "./deps.ts";
import type { RequestLog } from "./request_log.ts";

/** The client's Messages body: as received, and parsed unless it goes upstream unparsed. */
export interface ClientMessage {
  /** The body's bytes as received (forwarded as they are when nothing needs changing). */
  bytes: Uint8Array<ArrayBuffer>;
  /** The same body as text, for the log. */
  text: string;
  /** The model the client asked for. */
  model: string;
  /**
   * The parsed, checked body; undefined when the request goes to an Anthropic-format provider as
   * its client sent it (see `unparsedPassthrough`). {@linkcode messageBody} parses it on demand.
   */
  body?: MessagesRequest;
}

/** What a handler gets besides the Request: the app's dependencies, the log, the body and its route. */
export interface HandlerContext {
  deps: AppDeps;
  /** The request's log record; the handler adds what it learns (changes, retries, usage). */
  log: RequestLog;
  message: ClientMessage;
  route: Route;
}

/**
 * Answers one kind of route (OpenAI Chat, OpenAI Responses, Anthropic passthrough, web search).
 * It throws a ProxyError for an answer that is an error; `app.onError` renders it.
 */
export type RouteHandler = (request: Request, ctx: HandlerContext) => Promise<Response>;
