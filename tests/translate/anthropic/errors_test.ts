// Upstream errors in the Anthropic envelope (statuses, retry hints, prompt too long) and the error a failed stream ends with.
import assert from "node:assert/strict";
import { UpstreamError } from "../../../src/errors.ts";
import { fromUpstreamError, streamFailure } from "../../../src/translate/anthropic/errors.ts";

const RETRY = new Headers({ "retry-after": "7", "retry-after-ms": "6500", "x-request-id": "r" });

Deno.test("fromUpstreamError keeps the upstream's retry hints on 429, 503 and 529", () => {
  for (const status of [429, 503, 529]) {
    const mapped = fromUpstreamError(status, '{"error":{"message":"busy"}}', { headers: RETRY });
    assert.deepEqual(mapped.headers, { "retry-after": "7", "retry-after-ms": "6500" }, `${status}`);
  }
});

Deno.test("fromUpstreamError keeps retry hints on an upstream Anthropic envelope too", () => {
  const body = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
  const mapped = fromUpstreamError(529, body, { headers: RETRY });
  assert.equal(mapped.body.error.message, "Overloaded");
  assert.deepEqual(mapped.headers, { "retry-after": "7", "retry-after-ms": "6500" });
});

Deno.test("fromUpstreamError sends no retry hints with an error that retrying cannot fix, or without any", () => {
  assert.equal(fromUpstreamError(400, "bad", { headers: RETRY }).headers, undefined);
  assert.equal(fromUpstreamError(429, "slow", { headers: new Headers() }).headers, undefined);
  assert.equal(fromUpstreamError(429, "slow").headers, undefined);
});

Deno.test("fromUpstreamError prefixes the upstream's message once", () => {
  const once = fromUpstreamError(429, '{"error":{"message":"Rate limit reached"}}');
  assert.equal(once.body.error.message, "Upstream returned 429: Rate limit reached");
  const chained = fromUpstreamError(429, '{"error":{"message":"Upstream returned 429: slow"}}');
  assert.equal(chained.body.error.message, "Upstream returned 429: slow");
});

Deno.test("fromUpstreamError turns a context overflow into Anthropic's prompt is too long, a 400", () => {
  const body = JSON.stringify({
    error: {
      message:
        "This model's maximum context length is 131072 tokens. However, your messages resulted in 140000 tokens. Please reduce the length of the messages.",
      type: "invalid_request_error",
      code: "context_length_exceeded",
    },
  });
  const mapped = fromUpstreamError(400, body, { contextOverflow: {}, headers: RETRY });
  assert.deepEqual(mapped, {
    status: 400,
    body: {
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "prompt is too long: 140000 tokens > 131072 maximum",
      },
    },
  });
});

Deno.test("fromUpstreamError counts on the estimate when the provider gives no numbers, on 413 and 422 too", () => {
  const body = '{"error":{"message":"Please reduce the length of the messages or completion.",' +
    '"code":"context_length_exceeded"}}';
  for (const status of [400, 413, 422]) {
    const mapped = fromUpstreamError(status, body, {
      contextOverflow: { inputTokens: 150000, contextWindow: 131072 },
    });
    assert.equal(mapped.status, 400);
    assert.equal(mapped.body.error.message, "prompt is too long: 150000 tokens > 131072 maximum");
  }
});

Deno.test("fromUpstreamError keeps a context overflow's wording without the option (passthrough)", () => {
  const mapped = fromUpstreamError(400, "Please reduce the length of the messages.");
  assert.equal(
    mapped.body.error.message,
    "Upstream returned 400: Please reduce the length of the messages.",
  );
});

Deno.test("fromUpstreamError leaves other 400s as they are with the option", () => {
  const mapped = fromUpstreamError(400, '{"error":{"message":"Invalid tool name"}}', {
    contextOverflow: { inputTokens: 10 },
  });
  assert.equal(mapped.body.error.message, "Upstream returned 400: Invalid tool name");
});

Deno.test("streamFailure keeps a ProxyError's type and a message that already names the upstream", () => {
  const idle = new UpstreamError(
    504,
    "timeout_error",
    "Upstream stream was idle for 2 s (idle timeout)",
  );
  assert.deepEqual(streamFailure(idle), {
    type: "timeout_error",
    message: "Upstream stream was idle for 2 s (idle timeout)",
  });
});

Deno.test("streamFailure says the upstream stream failed, once, for any other error", () => {
  assert.deepEqual(streamFailure(new Error("connection reset")), {
    type: "api_error",
    message: "Upstream stream failed: connection reset",
  });
  const failed = new UpstreamError(502, "api_error", "Upstream stream failed: connection reset");
  assert.equal(streamFailure(failed).message, "Upstream stream failed: connection reset");
  assert.equal(streamFailure("gone").message, "Upstream stream failed: gone");
  assert.equal(streamFailure({ type: "no_such_type" }).type, "api_error");
});
