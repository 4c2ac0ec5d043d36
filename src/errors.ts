// Proxy errors that carry an HTTP status and an Anthropic error type, and render as the Anthropic envelope.
import type { AnthropicErrorBody, AnthropicErrorType } from "./wire/anthropic_types.ts";

/** Options for a {@linkcode ProxyError}: a cause, and headers its answer carries. */
export interface ProxyErrorOptions extends ErrorOptions {
  /** Headers the error answer carries (an upstream's `retry-after` and rate-limit headers). */
  headers?: HeadersInit;
}

/**
 * An error that knows its HTTP status and Anthropic error type, and renders itself as the answer
 * the client gets (as Hono's `HTTPException.getResponse()`).
 *
 * @example
 * ```ts
 * app.onError((err) => (err instanceof ProxyError ? err : internalError(err)).getResponse());
 * ```
 */
export class ProxyError extends Error {
  readonly status: number;
  readonly type: AnthropicErrorType;
  /** Headers the answer carries, if any. */
  readonly headers: Headers | undefined;
  constructor(
    status: number,
    type: AnthropicErrorType,
    message: string,
    options?: ProxyErrorOptions,
  ) {
    super(message, options);
    this.name = "ProxyError";
    this.status = status;
    this.type = type;
    this.headers = options?.headers === undefined ? undefined : new Headers(options.headers);
  }

  /** The Anthropic error envelope for this error. */
  toBody(): AnthropicErrorBody {
    return errorBody(this.type, this.message);
  }

  /** The answer: the Anthropic envelope as JSON, with this error's status and headers. */
  getResponse(): Response {
    const headers = new Headers(this.headers);
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify(this.toBody()), { status: this.status, headers });
  }
}

/** 400: the client's request is malformed or cannot be translated. */
export class InvalidRequestError extends ProxyError {
  constructor(message: string, options?: ErrorOptions) {
    super(400, "invalid_request_error", message, options);
    this.name = "InvalidRequestError";
  }
}

/** 401: the client did not authenticate to the proxy. */
export class AuthenticationError extends ProxyError {
  constructor(message: string, options?: ErrorOptions) {
    super(401, "authentication_error", message, options);
    this.name = "AuthenticationError";
  }
}

/** 404: no such route or model. */
export class NotFoundError extends ProxyError {
  constructor(message: string, options?: ErrorOptions) {
    super(404, "not_found_error", message, options);
    this.name = "NotFoundError";
  }
}

/** 413: the request body is over the limit. */
export class RequestTooLargeError extends ProxyError {
  constructor(message: string, options?: ErrorOptions) {
    super(413, "request_too_large", message, options);
    this.name = "RequestTooLargeError";
  }
}

/** An error from (or on the way to) the upstream provider. */
export class UpstreamError extends ProxyError {
  constructor(
    status: number,
    type: AnthropicErrorType,
    message: string,
    options?: ProxyErrorOptions,
  ) {
    super(status, type, message, options);
    this.name = "UpstreamError";
  }
}

/**
 * An upstream error answer that already is an Anthropic envelope: the client gets the upstream's
 * own status, headers and bytes; `type` and `message` (with secrets redacted) are for the log.
 */
export class UpstreamEnvelopeError extends UpstreamError {
  /** The upstream's body, sent as it came. */
  readonly body: string;
  constructor(
    status: number,
    envelope: { type: AnthropicErrorType; message: string },
    body: string,
    options?: ProxyErrorOptions,
  ) {
    super(status, envelope.type, envelope.message, options);
    this.name = "UpstreamEnvelopeError";
    this.body = body;
  }

  /** The upstream's own answer: its status, headers and bytes. */
  override getResponse(): Response {
    return new Response(this.body, { status: this.status, headers: this.headers ?? {} });
  }
}

/** A configuration problem; carries every problem found. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** A command-line usage problem. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Builds the Anthropic error envelope. */
function errorBody(type: AnthropicErrorType, message: string): AnthropicErrorBody {
  return { type: "error", error: { type, message } };
}

/** Any thrown value as a {@linkcode ProxyError}: itself, or a 500 `api_error` that quotes it. */
export function toProxyError(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProxyError(500, "api_error", `Internal proxy error: ${message}`, { cause: err });
}

/** Turns any thrown value into an HTTP status and an Anthropic error body. */
export function toAnthropicError(err: unknown): { status: number; body: AnthropicErrorBody } {
  const error = toProxyError(err);
  return { status: error.status, body: error.toBody() };
}
