// Proxy errors that carry an HTTP status and an Anthropic error type, and render as the Anthropic envelope.
import type { AnthropicErrorBody, AnthropicErrorType } from "./wire/anthropic_types.ts";

/** Options for a {@linkcode ProxyError}: the cause, and headers its response carries. */
export interface ProxyErrorOptions extends ErrorOptions {
  /** Response headers for the client, e.g. the upstream's `retry-after` on a 429. */
  headers?: Readonly<Record<string, string>>;
}

/** An error that knows its HTTP status and Anthropic error type. */
export class ProxyError extends Error {
  readonly status: number;
  readonly type: AnthropicErrorType;
  /** Headers the error's response carries (`retry-after`, `retry-after-ms`); absent when none. */
  readonly headers?: Readonly<Record<string, string>>;
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
    if (options?.headers) this.headers = options.headers;
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
export function errorBody(type: AnthropicErrorType, message: string): AnthropicErrorBody {
  return { type: "error", error: { type, message } };
}

/** Turns any thrown value into an HTTP status, an Anthropic error body and the headers to send. */
export function toAnthropicError(
  err: unknown,
): { status: number; body: AnthropicErrorBody; headers?: Readonly<Record<string, string>> } {
  if (err instanceof ProxyError) {
    const rendered = { status: err.status, body: errorBody(err.type, err.message) };
    return err.headers ? { ...rendered, headers: err.headers } : rendered;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: errorBody("api_error", `Internal proxy error: ${message}`) };
}
