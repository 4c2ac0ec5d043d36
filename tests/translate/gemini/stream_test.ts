// Tests for the Gemini stream state machine: blocks, thought signatures, calls, finish reasons, usage.
import assert from "node:assert/strict";
import { parseSignature } from "../../../src/translate/anthropic/signature.ts";
import { readToolUseId } from "../../../src/translate/gemini/thought_signature.ts";
import {
  GeminiStreamTranslator,
  type GeminiStreamTranslatorOptions,
} from "../../../src/translate/gemini/stream.ts";
import type { StreamEvent } from "../../../src/wire/anthropic_types.ts";
import type { GeminiPart, GeminiResponse } from "../../../src/wire/gemini_types.ts";
import { translateGeminiStream } from "../../helpers/gemini_streams.ts";
import {
  assertAnthropicGrammar,
  parseAnthropicSse,
  reassembleAnthropic,
} from "../../helpers/streams.ts";

function translator(options: Partial<GeminiStreamTranslatorOptions> = {}) {
  let n = 0;
  return new GeminiStreamTranslator({
    model: "claude-sonnet-4-5",
    messageId: "msg_test",
    signatureOrigin: "gemini",
    newToolId: () => `toolu_test${++n}`,
    ...options,
  });
}

function chunk(parts: GeminiPart[], finishReason?: string): GeminiResponse {
  return {
    candidates: [{
      content: { role: "model", parts },
      index: 0,
      ...(finishReason ? { finishReason } : {}),
    }],
  };
}

function run(chunks: GeminiResponse[], options: Partial<GeminiStreamTranslatorOptions> = {}) {
  const t = translator(options);
  const events = [...chunks.flatMap((c) => t.push(c)), ...t.finish()];
  return { events, summary: t.summary() };
}

function starts(events: StreamEvent[]) {
  return events.flatMap((e) => e.type === "content_block_start" ? [e.content_block] : []);
}

function signatures(events: StreamEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === "content_block_delta" && e.delta.type === "signature_delta"
      ? [e.delta.signature]
      : []
  );
}

Deno.test("GeminiStreamTranslator turns a run of thought parts into one signed thinking block", () => {
  const { events } = run([
    chunk([{ text: "**Plan**\n", thought: true }]),
    chunk([{ text: "look at it", thought: true, thoughtSignature: "SIG_T" }]),
    chunk([{ text: "Done." }], "STOP"),
  ]);
  assertAnthropicGrammar(events);
  assert.deepEqual(starts(events).map((b) => b.type), ["thinking", "text"]);
  const message = reassembleAnthropic(events);
  assert.equal(message.thinking, "**Plan**\nlook at it");
  assert.equal(message.text, "Done.");
  assert.deepEqual(parseSignature(signatures(events)[0]), { origin: "gemini", original: "SIG_T" });
});

Deno.test("GeminiStreamTranslator signs an unsigned thinking block with the provider's mark", () => {
  const { events } = run([chunk([{ text: "hmm", thought: true }, { text: "Hi" }], "STOP")]);
  assert.deepEqual(parseSignature(signatures(events)[0]), { origin: "gemini" });
});

Deno.test("GeminiStreamTranslator carries a function call's signature and id in its tool_use id", () => {
  const { events, summary } = run([
    chunk([{ text: "Let me look." }]),
    chunk([
      {
        functionCall: { id: "fc-1", name: "Read", args: { file_path: "/a" } },
        thoughtSignature: "S1",
      },
      { functionCall: { name: "Read", args: { file_path: "/b" } } },
    ], "STOP"),
  ]);
  assertAnthropicGrammar(events);
  const [text, first, second] = starts(events);
  assert.equal(text?.type, "text");
  assert.ok(first?.type === "tool_use" && second?.type === "tool_use");
  assert.deepEqual(readToolUseId(first.id), { callId: "fc-1", signature: "S1" });
  assert.equal(second.id, "toolu_test1", "an unsigned call without an id gets a plain fresh id");
  assert.deepEqual(reassembleAnthropic(events).tools, [
    { name: "Read", input: { file_path: "/a" } },
    { name: "Read", input: { file_path: "/b" } },
  ]);
  assert.equal(summary.stopReason, "tool_use");
});

Deno.test("GeminiStreamTranslator gives a signature sent after the calls to the first call of the step", () => {
  const { events } = run([
    chunk([{ functionCall: { name: "A", args: {} } }, { functionCall: { name: "B", args: {} } }]),
    chunk([{ text: "", thoughtSignature: "LATE" }], "STOP"),
  ]);
  const [first, second] = starts(events);
  assert.ok(first?.type === "tool_use" && second?.type === "tool_use");
  assert.deepEqual(readToolUseId(first.id), { signature: "LATE" });
  assert.deepEqual(readToolUseId(second.id), {});
});

Deno.test("GeminiStreamTranslator drops the signature of a text part and ignores other parts", () => {
  const { events } = run([
    chunk([{ text: "Answer", thoughtSignature: "TEXT_SIG" }]),
    chunk([{ inlineData: { mimeType: "image/png", data: "AA==" } }, {
      text: "",
      thoughtSignature: "X",
    }], "STOP"),
  ]);
  assertAnthropicGrammar(events);
  assert.deepEqual(starts(events), [{ type: "text", text: "" }]);
  assert.equal(reassembleAnthropic(events).text, "Answer");
});

Deno.test("GeminiStreamTranslator maps the client's tool names back", () => {
  const { events } = run([chunk([{ functionCall: { name: "short_name", args: {} } }], "STOP")], {
    clientToolName: (name) => name === "short_name" ? "mcp__very_long_name" : name,
  });
  assert.equal((starts(events)[0] as { name: string }).name, "mcp__very_long_name");
});

Deno.test("GeminiStreamTranslator reports usage with cached and thought tokens", () => {
  const { events, summary } = run([{
    ...chunk([{ text: "Hi" }], "STOP"),
    usageMetadata: {
      promptTokenCount: 100,
      cachedContentTokenCount: 60,
      candidatesTokenCount: 5,
      thoughtsTokenCount: 20,
      totalTokenCount: 125,
    },
  }]);
  const delta = events.find((e) => e.type === "message_delta");
  assert.deepEqual(delta?.type === "message_delta" && delta.usage, {
    output_tokens: 25,
    input_tokens: 40,
    cache_read_input_tokens: 60,
  });
  assert.equal(summary.usage.input_tokens, 40);
});

Deno.test("GeminiStreamTranslator ends with max_tokens on MAX_TOKENS", () => {
  const { summary } = run([chunk([{ text: "cut" }], "MAX_TOKENS")]);
  assert.equal(summary.stopReason, "max_tokens");
});

/** [finishReason, error type, message pattern] */
const FAILURES: Array<[string, string, RegExp]> = [
  [
    "SAFETY",
    "invalid_request_error",
    /^Gemini stopped the answer \(SAFETY\): flagged by Gemini's safety filters$/,
  ],
  ["RECITATION", "invalid_request_error", /\(RECITATION\): it resembled material/],
  ["PROHIBITED_CONTENT", "invalid_request_error", /\(PROHIBITED_CONTENT\)/],
  [
    "MALFORMED_FUNCTION_CALL",
    "api_error",
    /\(MALFORMED_FUNCTION_CALL\): .*try again: Malformed function call: print\(/,
  ],
  ["MISSING_THOUGHT_SIGNATURE", "invalid_request_error", /lacks its thought signature/],
  ["SOMETHING_NEW", "api_error", /\(SOMETHING_NEW\): finish reason "SOMETHING_NEW"$/],
];

for (const [reason, type, message] of FAILURES) {
  Deno.test(`GeminiStreamTranslator ends a ${reason} answer with an error event`, () => {
    const t = translator();
    const finish = reason === "MALFORMED_FUNCTION_CALL"
      ? {
        ...chunk([], reason),
        candidates: [{ finishReason: reason, finishMessage: "Malformed function call: print(" }],
      }
      : chunk([{ text: "partial" }], reason);
    const events = [...t.push(finish), ...t.finish()];
    assertAnthropicGrammar(events, { error: true });
    const last = events.at(-1);
    assert.ok(last?.type === "error");
    assert.equal(last.error.type, type);
    assert.match(last.error.message, message);
    assert.equal(t.errorStatus, type === "api_error" ? 502 : 400);
    assert.equal(t.summary().error?.type, type);
  });
}

Deno.test("GeminiStreamTranslator ends at once with an error when Gemini blocks the prompt", () => {
  const t = translator();
  const events = t.push({
    promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
    usageMetadata: { promptTokenCount: 7 },
  });
  assert.deepEqual(events.map((e) => e.type), ["message_start", "error"]);
  const last = events.at(-1);
  assert.ok(last?.type === "error");
  assert.equal(last.error.message, "Gemini blocked the prompt (PROHIBITED_CONTENT)");
  assert.ok(t.done);
  assert.deepEqual(t.finish(), []);
});

Deno.test("GeminiStreamTranslator keeps the finish reason for the pipeline to tell a cut stream", () => {
  const t = translator();
  t.push(chunk([{ text: "a" }]));
  assert.equal(t.finishReason, null);
  t.push(chunk([{ text: "b" }], "STOP"));
  assert.equal(t.finishReason, "STOP");
});

Deno.test("a Gemini stream that reports an error ends with that error, typed by its code", async () => {
  const sse = `data: ${JSON.stringify(chunk([{ text: "par" }]))}\r\n\r\n` +
    'data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n';
  const events = parseAnthropicSse(await translateGeminiStream([new TextEncoder().encode(sse)]));
  assertAnthropicGrammar(events, { error: true });
  const last = events.at(-1);
  assert.ok(last?.type === "error");
  assert.equal(last.error.type, "overloaded_error");
  assert.equal(last.error.message, "Upstream stream error: The model is overloaded.");
});

Deno.test("a Gemini stream that stops without a finish reason ends with an error, not as complete", async () => {
  const sse = `data: ${JSON.stringify(chunk([{ text: "cut off" }]))}\r\n\r\n`;
  const events = parseAnthropicSse(await translateGeminiStream([new TextEncoder().encode(sse)]));
  assertAnthropicGrammar(events, { error: true });
  const last = events.at(-1);
  assert.ok(last?.type === "error");
  assert.match(last.error.message, /^Upstream stream ended before the response was complete/);
});
