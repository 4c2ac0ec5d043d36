// Tests for Gemini error bodies mapped to Anthropic envelopes with Retry-After.
import assert from "node:assert/strict";
import { fromGeminiError } from "../../../src/translate/gemini/errors.ts";

/** The shape of Gemini's quota error: QuotaFailure, Help and RetryInfo details. */
const QUOTA = {
  error: {
    code: 429,
    message: "You exceeded your current quota, please check your plan and billing details.",
    status: "RESOURCE_EXHAUSTED",
    details: [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
      { "@type": "type.googleapis.com/google.rpc.Help", links: [] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "36.52s" },
    ],
  },
};

Deno.test("fromGeminiError maps a quota error to a rate_limit_error with the retry delay", () => {
  const answer = fromGeminiError(429, JSON.stringify(QUOTA));
  assert.equal(answer.status, 429);
  assert.equal(answer.retryAfter, 37);
  assert.deepEqual(answer.body, {
    type: "error",
    error: {
      type: "rate_limit_error",
      message:
        "Upstream returned 429 RESOURCE_EXHAUSTED: You exceeded your current quota, please check your plan and billing details.",
    },
  });
});

Deno.test("fromGeminiError makes Gemini's 400 for a bad API key a 401", () => {
  const body = {
    error: {
      code: 400,
      message: "API key not valid. Please pass a valid API key.",
      status: "INVALID_ARGUMENT",
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
    },
  };
  const answer = fromGeminiError(400, JSON.stringify(body));
  assert.equal(answer.status, 401);
  assert.equal(answer.body.error.type, "authentication_error");
  assert.equal(answer.retryAfter, undefined);
});

Deno.test("fromGeminiError words a prompt over the context window as Anthropic does", () => {
  const body = {
    error: {
      code: 400,
      message:
        "The input token count (1234567) exceeds the maximum number of tokens allowed (1048576).",
      status: "INVALID_ARGUMENT",
    },
  };
  const answer = fromGeminiError(400, JSON.stringify(body));
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.type, "invalid_request_error");
  assert.match(
    answer.body.error.message,
    /^prompt is too long: 1234567 tokens > 1048576 maximum \(/,
  );
});

Deno.test("fromGeminiError reads a one-element array body and keeps other statuses", () => {
  const body = [{
    error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" },
  }];
  const answer = fromGeminiError(503, JSON.stringify(body));
  assert.equal(answer.status, 503);
  assert.equal(answer.body.error.type, "overloaded_error");
  assert.equal(
    answer.body.error.message,
    "Upstream returned 503 UNAVAILABLE: The model is overloaded.",
  );
  const notFound = fromGeminiError(
    404,
    '{"error":{"code":404,"message":"models/x is not found","status":"NOT_FOUND"}}',
  );
  assert.equal(notFound.body.error.type, "not_found_error");
});

Deno.test("fromGeminiError quotes a body that is not JSON", () => {
  const answer = fromGeminiError(502, "<html>Bad Gateway</html>");
  assert.equal(answer.status, 502);
  assert.equal(answer.body.error.type, "api_error");
  assert.equal(answer.body.error.message, "Upstream returned 502: <html>Bad Gateway</html>");
});
