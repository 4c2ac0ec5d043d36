// Errors that render themselves: the Anthropic envelope with the status, headers and an upstream's bytes.
import assert from "node:assert/strict";
import {
  InvalidRequestError,
  ProxyError,
  toAnthropicError,
  toProxyError,
  UpstreamEnvelopeError,
  UpstreamError,
} from "../src/errors.ts";

Deno.test("ProxyError renders itself as the Anthropic envelope with its status", async () => {
  const response = new InvalidRequestError("messages: Field required").getResponse();
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.deepEqual(await response.json(), {
    type: "error",
    error: { type: "invalid_request_error", message: "messages: Field required" },
  });
});

Deno.test("UpstreamError keeps the headers it carries and answers JSON whatever their content type", async () => {
  const error = new UpstreamError(429, "rate_limit_error", "Upstream returned 429: busy", {
    headers: { "retry-after": "3", "content-type": "text/html" },
  });
  const response = error.getResponse();
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "3");
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal((await response.json()).error.message, "Upstream returned 429: busy");
});

Deno.test("UpstreamEnvelopeError answers with the upstream's own bytes, status and headers", async () => {
  const bytes = '{"type":"error", "error":{"type":"overloaded_error","message":"Overloaded"}}';
  const error = new UpstreamEnvelopeError(
    529,
    { type: "overloaded_error", message: "Overloaded" },
    bytes,
    { headers: { "request-id": "req_1" } },
  );
  assert.ok(error instanceof ProxyError);
  const response = error.getResponse();
  assert.equal(response.status, 529);
  assert.equal(response.headers.get("request-id"), "req_1");
  assert.equal(await response.text(), bytes);
});

Deno.test("toProxyError keeps a ProxyError and makes anything else a 500 that quotes it", () => {
  const known = new InvalidRequestError("bad");
  assert.equal(toProxyError(known), known);
  const wrapped = toProxyError(new TypeError("x is undefined"));
  assert.equal(wrapped.status, 500);
  assert.equal(wrapped.type, "api_error");
  assert.equal(wrapped.message, "Internal proxy error: x is undefined");
  assert.equal(toProxyError("plain").message, "Internal proxy error: plain");
  assert.deepEqual(toAnthropicError(known), {
    status: 400,
    body: { type: "error", error: { type: "invalid_request_error", message: "bad" } },
  });
});
