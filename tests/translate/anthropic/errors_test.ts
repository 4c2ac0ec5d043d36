// The error a failed stream ends with, one shape for the translated and the passed-through streams.
import assert from "node:assert/strict";
import { UpstreamError } from "../../../src/errors.ts";
import { streamFailure } from "../../../src/translate/anthropic/errors.ts";

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
