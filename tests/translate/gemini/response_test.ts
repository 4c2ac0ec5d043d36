// Tests for whole Gemini answers translated into Anthropic messages.
import assert from "node:assert/strict";
import { UpstreamError } from "../../../src/errors.ts";
import { parseSignature } from "../../../src/translate/anthropic/signature.ts";
import { fromGeminiResponse } from "../../../src/translate/gemini/response.ts";
import { readToolUseId } from "../../../src/translate/gemini/thought_signature.ts";

const OPTIONS = {
  model: "claude-sonnet-4-5",
  messageId: "msg_whole",
  signatureOrigin: "gemini",
  newToolId: () => "toolu_fresh",
};

Deno.test("fromGeminiResponse builds thinking, text and tool_use blocks with usage", () => {
  const message = fromGeminiResponse({
    candidates: [{
      content: {
        role: "model",
        parts: [
          { text: "Thinking it over.", thought: true, thoughtSignature: "SIG_T" },
          { text: "I will read it." },
          { functionCall: { name: "Read", args: { file_path: "/x" } }, thoughtSignature: "SIG_C" },
        ],
      },
      finishReason: "STOP",
      index: 0,
    }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 8, thoughtsTokenCount: 30 },
    modelVersion: "gemini-2.5-pro",
  }, OPTIONS);
  assert.equal(message.id, "msg_whole");
  assert.equal(message.model, "claude-sonnet-4-5");
  assert.equal(message.stop_reason, "tool_use");
  assert.deepEqual(message.usage, { input_tokens: 12, output_tokens: 38 });
  const [thinking, text, call] = message.content;
  assert.ok(thinking?.type === "thinking");
  assert.equal(thinking.thinking, "Thinking it over.");
  assert.deepEqual(parseSignature(thinking.signature), { origin: "gemini", original: "SIG_T" });
  assert.deepEqual(text, { type: "text", text: "I will read it." });
  assert.ok(call?.type === "tool_use");
  assert.deepEqual(call.input, { file_path: "/x" });
  assert.deepEqual(readToolUseId(call.id), { signature: "SIG_C" });
});

Deno.test("fromGeminiResponse answers an empty answer with an empty message", () => {
  const message = fromGeminiResponse({
    candidates: [{ content: { role: "model", parts: [] }, finishReason: "MAX_TOKENS" }],
  }, OPTIONS);
  assert.deepEqual(message.content, []);
  assert.equal(message.stop_reason, "max_tokens");
});

Deno.test("fromGeminiResponse throws a 400 for a blocked prompt and a filtered answer", () => {
  assert.throws(
    () => fromGeminiResponse({ promptFeedback: { blockReason: "SAFETY" } }, OPTIONS),
    (err: unknown) =>
      err instanceof UpstreamError && err.status === 400 && err.type === "invalid_request_error" &&
      err.message === "Gemini blocked the prompt (SAFETY)",
  );
  assert.throws(
    () => fromGeminiResponse({ candidates: [{ finishReason: "RECITATION" }] }, OPTIONS),
    (err: unknown) => err instanceof UpstreamError && err.status === 400,
  );
});

Deno.test("fromGeminiResponse throws a 502 for a malformed function call and a malformed answer", () => {
  assert.throws(
    () =>
      fromGeminiResponse({ candidates: [{ finishReason: "MALFORMED_FUNCTION_CALL" }] }, OPTIONS),
    (err: unknown) =>
      err instanceof UpstreamError && err.status === 502 && err.type === "api_error",
  );
  for (
    const bad of [null, [], {}, { candidates: "x" }, { candidates: [{ content: { parts: 3 } }] }]
  ) {
    assert.throws(
      () => fromGeminiResponse(bad, OPTIONS),
      (err: unknown) =>
        err instanceof UpstreamError && err.status === 502 &&
        err.message.startsWith("Upstream returned a malformed Gemini answer: "),
      JSON.stringify(bad),
    );
  }
});
