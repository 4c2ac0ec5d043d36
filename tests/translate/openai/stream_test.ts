import assert from "node:assert/strict";
import type { StreamEvent } from "../../../src/wire/anthropic_types.ts";
import type {
  ChatCompletionChunk,
  ChatDelta,
  ChatToolCallDelta,
} from "../../../src/wire/openai_types.ts";
import {
  StreamTranslator,
  type StreamTranslatorOptions,
} from "../../../src/translate/openai/stream.ts";
import { assertAnthropicGrammar, reassembleAnthropic } from "../../helpers/streams.ts";
import { makeSignature, omittedThinking } from "../../../src/translate/anthropic/signature.ts";

function options(overrides: Partial<StreamTranslatorOptions> = {}): StreamTranslatorOptions {
  let next = 0;
  return {
    model: "claude-sonnet-4-5",
    messageId: "msg_test",
    signature: "sig_test",
    newToolId: () => `toolu_gen${++next}`,
    ...overrides,
  };
}

function chunk(
  delta: ChatDelta | null,
  extra: Partial<ChatCompletionChunk> = {},
): ChatCompletionChunk {
  return { choices: [{ index: 0, delta, finish_reason: null }], ...extra };
}

function finishChunk(
  reason: string,
  extra: Partial<ChatCompletionChunk> = {},
): ChatCompletionChunk {
  return { choices: [{ index: 0, delta: {}, finish_reason: reason }], ...extra };
}

function tool(fragment: ChatToolCallDelta): ChatDelta {
  return { tool_calls: [fragment] };
}

function translate(
  chunks: ChatCompletionChunk[],
  overrides: Partial<StreamTranslatorOptions> = {},
): StreamEvent[] {
  const translator = new StreamTranslator(options(overrides));
  const events = [...chunks.flatMap((c) => translator.push(c)), ...translator.finish()];
  assertAnthropicGrammar(events);
  return events;
}

function blockStarts(events: StreamEvent[]) {
  return events.flatMap((e) => e.type === "content_block_start" ? [e.content_block] : []);
}

function messageDelta(events: StreamEvent[]) {
  const event = events.find((e) => e.type === "message_delta");
  assert.ok(event?.type === "message_delta");
  return event;
}

Deno.test("StreamTranslator emits message_start once with the client's model and the input estimate", () => {
  const translator = new StreamTranslator(options({ inputTokens: 42 }));
  const started = translator.start();
  assert.deepEqual(translator.start(), []);
  assert.deepEqual(started, [{
    type: "message_start",
    message: {
      id: "msg_test",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 42, output_tokens: 0 },
    },
  }]);
  const pushed = translator.push(chunk({ content: "Hi" }, { model: "gpt-4o" }));
  assert.equal(pushed.filter((e) => e.type === "message_start").length, 0);
});

Deno.test("StreamTranslator emits message_start on the first push when start() was not called", () => {
  const translator = new StreamTranslator(options());
  const events = translator.push(chunk({ role: "assistant", content: "" }));
  assert.deepEqual(events.map((e) => e.type), ["message_start"]);
});

Deno.test("StreamTranslator turns text deltas into one text block", () => {
  const events = translate([
    chunk({ role: "assistant", content: "" }),
    chunk({ content: "Hello" }),
    chunk({ content: ", world" }),
    finishChunk("stop"),
  ]);
  assert.deepEqual(events.slice(1), [
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: ", world" } },
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 0 },
    },
    { type: "message_stop" },
  ]);
});

Deno.test("StreamTranslator puts reasoning_content in a signed thinking block before the text", () => {
  const events = translate([
    chunk({ role: "assistant", content: null, reasoning_content: "" }),
    chunk({ content: null, reasoning_content: "Let me" }),
    chunk({ content: null, reasoning_content: " think" }),
    chunk({ content: "Answer", reasoning_content: null }),
    finishChunk("stop"),
  ]);
  assert.deepEqual(events.slice(1, 8), [
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: "Let me" },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: " think" },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "signature_delta", signature: "sig_test" },
    },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Answer" } },
  ]);
});

Deno.test("StreamTranslator reads the reasoning field and prefers reasoning_content when both are sent", () => {
  const fromReasoning = reassembleAnthropic(
    translate([chunk({ reasoning: "A" }), chunk({ reasoning: "B" })]),
  );
  assert.equal(fromReasoning.thinking, "AB");
  const both = reassembleAnthropic(translate([chunk({ reasoning_content: "X", reasoning: "X" })]));
  assert.equal(both.thinking, "X");
});

Deno.test("StreamTranslator turns Mistral thinking content parts into a thinking block", () => {
  const events = translate([
    chunk({ role: "assistant", content: "" }),
    chunk({ content: [{ type: "thinking", thinking: [{ type: "text", text: "Okay" }] }] }),
    chunk({ content: [{ type: "thinking", thinking: [{ type: "text", text: ", so" }] }] }),
    chunk({ content: "Done" }),
    finishChunk("stop"),
  ]);
  assert.deepEqual(blockStarts(events).map((b) => b.type), ["thinking", "text"]);
  const message = reassembleAnthropic(events);
  assert.equal(message.thinking, "Okay, so");
  assert.equal(message.text, "Done");
});

Deno.test("StreamTranslator opens a new thinking block when reasoning resumes after text", () => {
  const events = translate([
    chunk({ reasoning_content: "a" }),
    chunk({ content: "b" }),
    chunk({ reasoning_content: "c" }),
  ]);
  assert.deepEqual(blockStarts(events).map((b) => b.type), ["thinking", "text", "thinking"]);
});

Deno.test("StreamTranslator streams a fragmented tool call as input_json_delta events", () => {
  const events = translate([
    chunk({
      role: "assistant",
      content: null,
      tool_calls: [{
        index: 0,
        id: "call_abc",
        type: "function",
        function: { name: "get_weather", arguments: "" },
      }],
    }),
    chunk(tool({ index: 0, function: { arguments: '{"city"' } })),
    chunk(tool({ index: 0, function: { arguments: ':"Paris"}' } })),
    finishChunk("tool_calls"),
  ]);
  assert.deepEqual(events.slice(1, 5), [
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "call_abc", name: "get_weather", input: {} },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"city"' },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: ':"Paris"}' },
    },
    { type: "content_block_stop", index: 0 },
  ]);
  assert.equal(messageDelta(events).delta.stop_reason, "tool_use");
});

Deno.test("StreamTranslator keeps the id and name of the first fragment when later ones are empty", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_1", function: { name: "weather", arguments: "" } })),
    chunk(tool({ index: 0, id: "", function: { name: "", arguments: '{"q":' } })),
    chunk(tool({ index: 0, id: null, function: { name: null, arguments: "1}" } })),
    finishChunk("tool_calls"),
  ]);
  const message = reassembleAnthropic(events);
  assert.deepEqual(message.tools, [{ name: "weather", input: { q: 1 } }]);
  assert.deepEqual(message.ids, ["call_1"]);
});

Deno.test("StreamTranslator treats an id repeated on every fragment as one call", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_1", function: { name: "f", arguments: '{"a":' } })),
    chunk(tool({ index: 0, id: "call_1", function: { name: "f", arguments: "1}" } })),
  ]);
  assert.equal(blockStarts(events).length, 1);
  assert.deepEqual(reassembleAnthropic(events).tools, [{ name: "f", input: { a: 1 } }]);
});

Deno.test("StreamTranslator passes arguments sent as one snapshot and ignores a repeated snapshot", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_1", function: { name: "f", arguments: '{"a":1}' } })),
    chunk(tool({ index: 0, id: "call_1", function: { arguments: '{"a":1}' } })),
    finishChunk("tool_calls"),
  ]);
  const deltas = events.filter((e) => e.type === "content_block_delta");
  assert.equal(deltas.length, 1);
  assert.deepEqual(reassembleAnthropic(events).tools, [{ name: "f", input: { a: 1 } }]);
});

Deno.test("StreamTranslator gives several tool calls in one chunk increasing block indices", () => {
  const events = translate([
    chunk({
      tool_calls: [
        { index: 0, id: "call_a", function: { name: "a", arguments: "{}" } },
        { index: 1, id: "call_b", function: { name: "b", arguments: '{"x":2}' } },
      ],
    }),
    finishChunk("tool_calls"),
  ]);
  const starts = events.filter((e) => e.type === "content_block_start");
  assert.deepEqual(starts.map((e) => e.type === "content_block_start" && e.index), [0, 1]);
  assert.deepEqual(reassembleAnthropic(events).tools, [
    { name: "a", input: {} },
    { name: "b", input: { x: 2 } },
  ]);
});

Deno.test("StreamTranslator closes a tool block before the next parallel call starts", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: "" } })),
    chunk(tool({ index: 0, function: { arguments: '{"p":1}' } })),
    chunk(tool({ index: 1, id: "call_b", function: { name: "b", arguments: "" } })),
    chunk(tool({ index: 1, function: { arguments: '{"q":' } })),
  ]);
  const types = events.map((e) => `${e.type}${"index" in e ? e.index : ""}`);
  assert.deepEqual(types.slice(1, 7), [
    "content_block_start0",
    "content_block_delta0",
    "content_block_stop0",
    "content_block_start1",
    "content_block_delta1",
    "content_block_stop1",
  ]);
});

Deno.test("StreamTranslator buffers a call whose arguments interleave with the open call's", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: '{"x":' } })),
    chunk(tool({ index: 1, id: "call_b", function: { name: "b", arguments: '{"y":' } })),
    chunk(tool({ index: 0, function: { arguments: "1" } })),
    chunk(tool({ index: 1, function: { arguments: "2}" } })),
    chunk(tool({ index: 0, function: { arguments: "}" } })),
    finishChunk("tool_calls"),
  ]);
  assert.deepEqual(reassembleAnthropic(events).tools, [
    { name: "a", input: { x: 1 } },
    { name: "b", input: { y: 2 } },
  ]);
  const closeOfFirst = events.findIndex((e) => e.type === "content_block_stop" && e.index === 0);
  const startOfSecond = events.findIndex((e) => e.type === "content_block_start" && e.index === 1);
  assert.ok(closeOfFirst < startOfSecond);
});

Deno.test("StreamTranslator flushes queued calls at finish when the open call never completes", () => {
  const translator = new StreamTranslator(options());
  const early = [
    ...translator.push(
      chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: "" } })),
    ),
    ...translator.push(
      chunk(tool({ index: 1, id: "call_b", function: { name: "b", arguments: "{}" } })),
    ),
  ];
  assert.equal(early.filter((e) => e.type === "content_block_start").length, 1);
  const events = [...early, ...translator.finish()];
  assertAnthropicGrammar(events);
  assert.deepEqual(reassembleAnthropic(events).tools, [
    { name: "a", input: {} },
    { name: "b", input: {} },
  ]);
});

Deno.test("StreamTranslator sends no input_json_delta for empty arguments", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: "" } })),
    chunk(tool({ index: 0, function: { arguments: "" } })),
    finishChunk("tool_calls"),
  ]);
  assert.equal(events.filter((e) => e.type === "content_block_delta").length, 0);
  assert.deepEqual(reassembleAnthropic(events).tools, [{ name: "a", input: {} }]);
});

Deno.test("StreamTranslator makes an id for calls whose id is missing or not Anthropic-safe", () => {
  const events = translate([
    chunk({
      tool_calls: [
        { index: 0, function: { name: "a", arguments: "{}" } },
        { index: 1, id: "functions.read:0", function: { name: "b", arguments: "{}" } },
      ],
    }),
  ]);
  assert.deepEqual(reassembleAnthropic(events).ids, ["toolu_gen1", "toolu_gen2"]);
});

Deno.test("StreamTranslator keys fragments without an index by id, then by position", () => {
  const events = translate([
    chunk({
      tool_calls: [
        { id: "call_a", function: { name: "a", arguments: "" } },
        { id: "call_b", function: { name: "b", arguments: "" } },
      ],
    }),
    chunk(tool({ id: "call_b", function: { arguments: '{"b":1}' } })),
    chunk(tool({ id: "call_a", function: { arguments: '{"a":1}' } })),
  ]);
  assert.deepEqual(reassembleAnthropic(events).tools, [
    { name: "a", input: { a: 1 } },
    { name: "b", input: { b: 1 } },
  ]);
});

Deno.test("StreamTranslator starts a new call when a known index arrives with a different id", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: "{}" } })),
    chunk(tool({ index: 0, id: "call_b", function: { name: "b", arguments: "{}" } })),
  ]);
  assert.deepEqual(reassembleAnthropic(events).tools.map((t) => t.name), ["a", "b"]);
});

Deno.test("StreamTranslator waits for a tool name before opening the block", () => {
  const translator = new StreamTranslator(options());
  const first = translator.push(
    chunk(tool({ index: 0, id: "call_a", function: { arguments: '{"k"' } })),
  );
  assert.equal(first.filter((e) => e.type === "content_block_start").length, 0);
  const events = [
    ...first,
    ...translator.push(chunk(tool({ index: 0, function: { name: "late", arguments: ":1}" } }))),
    ...translator.finish(),
  ];
  assertAnthropicGrammar(events);
  assert.deepEqual(reassembleAnthropic(events).tools, [{ name: "late", input: { k: 1 } }]);
});

Deno.test("StreamTranslator closes the text block before starting a tool_use block", () => {
  const events = translate([
    chunk({ content: "Let me check." }),
    chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: "{}" } })),
    finishChunk("tool_calls"),
  ]);
  assert.deepEqual(blockStarts(events).map((b) => b.type), ["text", "tool_use"]);
});

Deno.test("StreamTranslator opens a new text block for text after tools", () => {
  const events = translate([
    chunk({ content: "Before" }),
    chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: "{}" } })),
    chunk({ content: "After" }),
    finishChunk("tool_calls"),
  ]);
  assert.deepEqual(blockStarts(events).map((b) => b.type), ["text", "tool_use", "text"]);
  const lastText = events.filter((e) => e.type === "content_block_delta").at(-1);
  assert.deepEqual(lastText, {
    type: "content_block_delta",
    index: 2,
    delta: { type: "text_delta", text: "After" },
  });
});

Deno.test("StreamTranslator queues text that arrives while a tool call's arguments are incomplete", () => {
  const events = translate([
    chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: '{"x":' } })),
    chunk({ content: "Meanwhile" }),
    chunk(tool({ index: 0, function: { arguments: "1}" } })),
  ]);
  const message = reassembleAnthropic(events);
  assert.deepEqual(message.tools, [{ name: "a", input: { x: 1 } }]);
  assert.equal(message.text, "Meanwhile");
  assert.deepEqual(blockStarts(events).map((b) => b.type), ["tool_use", "text"]);
});

const FINISH_CASES: Array<[string | null, boolean, string]> = [
  ["stop", false, "end_turn"],
  ["length", false, "max_tokens"],
  ["tool_calls", true, "tool_use"],
  ["function_call", true, "tool_use"],
  ["content_filter", false, "refusal"],
  ["stop", true, "tool_use"],
  ["tool_calls", false, "end_turn"],
  ["something_new", false, "end_turn"],
  [null, false, "end_turn"],
];

for (const [reason, withTool, expected] of FINISH_CASES) {
  Deno.test(`StreamTranslator maps finish_reason ${reason}${withTool ? " with a tool call" : ""} to ${expected}`, () => {
    const chunks = withTool
      ? [chunk(tool({ index: 0, id: "call_a", function: { name: "a", arguments: "{}" } }))]
      : [chunk({ content: "x" })];
    if (reason !== null) chunks.push(finishChunk(reason));
    assert.equal(messageDelta(translate(chunks)).delta.stop_reason, expected);
  });
}

Deno.test("StreamTranslator defers message_delta to finish() and takes usage sent after finish_reason", () => {
  const translator = new StreamTranslator(options({ inputTokens: 5 }));
  const beforeFinish = [
    ...translator.push(chunk({ content: "Hi" })),
    ...translator.push(finishChunk("stop")),
    ...translator.push({
      choices: [],
      usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
    }),
  ];
  assert.equal(beforeFinish.some((e) => e.type === "message_delta"), false);
  const events = [...beforeFinish, ...translator.finish()];
  assertAnthropicGrammar(events);
  assert.deepEqual(messageDelta(events).usage, { input_tokens: 14, output_tokens: 8 });
  assert.deepEqual(translator.summary(), {
    stopReason: "end_turn",
    usage: { input_tokens: 14, output_tokens: 8 },
  });
});

Deno.test("StreamTranslator reports cached prompt tokens as cache reads excluded from input_tokens", () => {
  const openai = translate([
    chunk({ content: "x" }),
    finishChunk("stop", {
      usage: {
        prompt_tokens: 687,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 679 },
      },
    }),
  ]);
  assert.deepEqual(messageDelta(openai).usage, {
    input_tokens: 8,
    output_tokens: 10,
    cache_read_input_tokens: 679,
  });
  const deepseek = translate([
    finishChunk("stop", {
      usage: { prompt_tokens: 339, completion_tokens: 83, prompt_cache_hit_tokens: 320 },
    }),
  ]);
  assert.deepEqual(messageDelta(deepseek).usage, {
    input_tokens: 19,
    output_tokens: 83,
    cache_read_input_tokens: 320,
  });
});

Deno.test("StreamTranslator keeps the input estimate when upstream never reports usage", () => {
  const translator = new StreamTranslator(options({ inputTokens: 77 }));
  const events = [...translator.push(chunk({ content: "x" })), ...translator.finish()];
  assert.deepEqual(messageDelta(events).usage, { output_tokens: 0 });
  assert.deepEqual(translator.summary().usage, { input_tokens: 77, output_tokens: 0 });
});

Deno.test("StreamTranslator tolerates chunks without delta, null fields and no choices", () => {
  const events = translate([
    { choices: [{ index: 0, finish_reason: null }] },
    { choices: [{ index: 0, delta: null, finish_reason: null }] },
    { choices: null } as unknown as ChatCompletionChunk,
    {},
    chunk({ role: null, content: null, reasoning_content: null, tool_calls: null, refusal: null }),
    chunk({ content: "ok" }),
    { choices: [{ delta: {}, finish_reason: "stop" }], usage: null },
  ]);
  assert.equal(reassembleAnthropic(events).text, "ok");
  assert.equal(messageDelta(events).delta.stop_reason, "end_turn");
});

Deno.test("StreamTranslator ignores choices other than index 0", () => {
  const events = translate([
    chunk({ content: "Hey" }),
    { choices: [{ index: 1, delta: { content: "Not" }, finish_reason: null }] },
    chunk({ content: " there" }),
    { choices: [{ index: 1, delta: {}, finish_reason: "length" }] },
    finishChunk("stop"),
  ]);
  assert.equal(reassembleAnthropic(events).text, "Hey there");
  assert.equal(messageDelta(events).delta.stop_reason, "end_turn");
});

Deno.test("StreamTranslator finishes a stream without chunks as an empty end_turn message", () => {
  const events = translate([]);
  assert.deepEqual(events.map((e) => e.type), ["message_start", "message_delta", "message_stop"]);
  assert.equal(messageDelta(events).delta.stop_reason, "end_turn");
});

Deno.test("StreamTranslator fail() emits one error event, closes nothing and ends the stream", () => {
  const translator = new StreamTranslator(options());
  translator.push(chunk({ content: "partial" }));
  const failed = translator.fail({ type: "api_error", message: "Upstream broke" });
  assert.deepEqual(failed, [{
    type: "error",
    error: { type: "api_error", message: "Upstream broke" },
  }]);
  assert.equal(translator.done, true);
  assert.deepEqual(translator.push(chunk({ content: "more" })), []);
  assert.deepEqual(translator.finish(), []);
  assert.deepEqual(translator.fail({ type: "api_error", message: "again" }), []);
  assert.deepEqual(translator.summary(), {
    stopReason: null,
    usage: { input_tokens: 0, output_tokens: 0 },
    error: { type: "api_error", message: "Upstream broke" },
  });
});

Deno.test("StreamTranslator returns nothing from push() after finish()", () => {
  const translator = new StreamTranslator(options());
  translator.finish();
  assert.equal(translator.done, true);
  assert.deepEqual(translator.push(chunk({ content: "late" })), []);
  assert.deepEqual(translator.finish(), []);
});

Deno.test("StreamTranslator shows streamed refusal deltas as text", () => {
  const events = translate([
    chunk({ role: "assistant", refusal: "" }),
    chunk({ refusal: "I can't help " }),
    chunk({ refusal: "with that." }),
    finishChunk("stop"),
  ]);
  assert.deepEqual(blockStarts(events).map((b) => b.type), ["text"]);
  assert.equal(reassembleAnthropic(events).text, "I can't help with that.");
});

// --- answer shape: omitted thinking, structured output, thinking tokens ---

const TITLE_FORMAT = {
  type: "json_schema" as const,
  schema: {
    type: "object",
    properties: { title: { type: "string" } },
    required: ["title"],
    additionalProperties: false,
  },
};

function textOf(events: StreamEvent[]): string {
  return events.flatMap((e) =>
    e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : []
  ).join("");
}

Deno.test("StreamTranslator sends omitted thinking as an empty block whose signature carries the text", () => {
  const events = translate([
    chunk({ reasoning_content: "Check " }),
    chunk({ reasoning_content: "the file." }),
    chunk({ content: "Done." }),
    finishChunk("stop"),
  ], { omitThinking: true, signature: makeSignature("deepseek") });
  assert.deepEqual(blockStarts(events)[0], { type: "thinking", thinking: "", signature: "" });
  assert.equal(
    events.some((e) => e.type === "content_block_delta" && e.delta.type === "thinking_delta"),
    false,
  );
  const signature = events.find((e) =>
    e.type === "content_block_delta" && e.delta.type === "signature_delta"
  );
  assert.ok(
    signature?.type === "content_block_delta" && signature.delta.type === "signature_delta",
  );
  assert.equal(omittedThinking(signature.delta.signature), "Check the file.");
  assert.equal(textOf(events), "Done.");
});

Deno.test("StreamTranslator holds a structured answer back and sends it whole once it matches the schema", () => {
  const translator = new StreamTranslator(options({ outputFormat: TITLE_FORMAT }));
  const live = [
    ...translator.push(chunk({ content: '{"title": ' })),
    ...translator.push(chunk({ content: '"Say pong"}' })),
  ];
  assert.deepEqual(live.map((e) => e.type), ["message_start"]);
  const end = translator.push(finishChunk("stop")).concat(translator.finish());
  const events = [...live, ...end];
  assertAnthropicGrammar(events);
  assert.equal(textOf(events), '{"title": "Say pong"}');
  assert.equal(messageDelta(events).delta.stop_reason, "end_turn");
});

Deno.test("StreamTranslator sends a fenced structured answer without its fence", () => {
  const events = translate([
    chunk({ content: "```json\n" }),
    chunk({ content: '{"title": "Say pong"}\n```' }),
    finishChunk("stop"),
  ], { outputFormat: TITLE_FORMAT });
  assert.equal(textOf(events), '{"title": "Say pong"}');
});

Deno.test("StreamTranslator reports a structured answer that is not JSON as an error, not as a message", () => {
  const translator = new StreamTranslator(options({ outputFormat: TITLE_FORMAT }));
  const events = [
    ...translator.push(chunk({ content: "Sure! A good title would be Say pong." })),
    ...translator.push(finishChunk("stop")),
    ...translator.finish(),
  ];
  assert.deepEqual(events.map((e) => e.type), ["message_start", "error"]);
  const error = events[1];
  assert.ok(error?.type === "error");
  assert.equal(error.error.type, "api_error");
  assert.match(
    error.error.message,
    /^Upstream answer does not match output_config\.format: not JSON/,
  );
  assert.equal(translator.summary().error?.type, "api_error");
  assert.equal(translator.summary().stopReason, null);
});

Deno.test("StreamTranslator reports a structured answer missing a required property", () => {
  const translator = new StreamTranslator(options({ outputFormat: TITLE_FORMAT }));
  translator.push(chunk({ content: '{"name": "x"}' }));
  const events = translator.finish();
  assert.equal(events.at(-1)?.type, "error");
});

Deno.test("StreamTranslator passes a structured answer cut by max_tokens unchecked, as Anthropic does", () => {
  const events = translate([chunk({ content: '{"title": "Say' }), finishChunk("length")], {
    outputFormat: TITLE_FORMAT,
  });
  assert.equal(textOf(events), '{"title": "Say');
  assert.equal(messageDelta(events).delta.stop_reason, "max_tokens");
});

Deno.test("StreamTranslator streams thinking live before a structured answer's text", () => {
  const translator = new StreamTranslator(options({ outputFormat: TITLE_FORMAT }));
  const live = translator.push(chunk({ reasoning_content: "A title…" }));
  assert.ok(
    live.some((e) => e.type === "content_block_delta" && e.delta.type === "thinking_delta"),
  );
});

Deno.test("StreamTranslator reports thinking tokens when the thinking-token-count beta asks for them", () => {
  const usage = {
    prompt_tokens: 5,
    completion_tokens: 9,
    completion_tokens_details: { reasoning_tokens: 4 },
  };
  const counted = translate([chunk({ content: "x" }), finishChunk("stop", { usage })], {
    thinkingTokens: true,
  });
  assert.deepEqual(messageDelta(counted).usage.output_tokens_details, { thinking_tokens: 4 });
  const plain = translate([chunk({ content: "x" }), finishChunk("stop", { usage })]);
  assert.equal(messageDelta(plain).usage.output_tokens_details, undefined);
});

Deno.test("StreamTranslator reports an in-stream context overflow in Anthropic's words and leaves other errors as they are", () => {
  const overflow = new StreamTranslator(options());
  const [event] = overflow.fail({
    type: "invalid_request_error",
    message: "Upstream stream error: This model's maximum context length is 131072 tokens. " +
      "However, your messages resulted in 140000 tokens.",
  });
  assert.deepEqual(event, {
    type: "error",
    error: {
      type: "invalid_request_error",
      message: "prompt is too long: 140000 tokens > 131072 maximum",
    },
  });
  assert.equal(
    overflow.summary().error?.message,
    "prompt is too long: 140000 tokens > 131072 maximum",
  );
  const other = new StreamTranslator(options());
  const error = {
    type: "invalid_request_error" as const,
    message: "Upstream stream error: Bad tool",
  };
  assert.deepEqual(other.fail(error), [{ type: "error", error }]);
  const limited = new StreamTranslator(options());
  const rate = {
    type: "rate_limit_error" as const,
    message: "maximum context length is 10 tokens",
  };
  assert.deepEqual(limited.fail(rate), [{ type: "error", error: rate }]);
});

Deno.test("StreamTranslator ends the text at a stop sequence split across chunks, and sends nothing after it", () => {
  const events = translate([
    chunk({ content: "<block>no</bl" }),
    chunk({ content: "ock> The command" }),
    chunk({ content: " is harmless." }),
    chunk(tool({ index: 0, id: "call_1", function: { name: "Bash", arguments: "{}" } })),
    finishChunk("stop"),
  ], { stopSequences: ["</block>"] });
  const { text, tools } = reassembleAnthropic(events);
  assert.equal(text, "<block>no");
  assert.deepEqual(tools, []);
  assert.deepEqual(messageDelta(events).delta, {
    stop_reason: "stop_sequence",
    stop_sequence: "</block>",
  });
});

Deno.test("StreamTranslator sends text held for a stop sequence that never came, in order before a tool call", () => {
  const events = translate([
    chunk({ content: "Running it </" }),
    chunk(tool({ index: 0, id: "call_1", function: { name: "Bash", arguments: '{"a":1}' } })),
    finishChunk("tool_calls"),
  ], { stopSequences: ["</block>"] });
  assert.deepEqual(blockStarts(events).map((b) => b.type), ["text", "tool_use"]);
  assert.equal(reassembleAnthropic(events).text, "Running it </");
  assert.deepEqual(messageDelta(events).delta, { stop_reason: "tool_use", stop_sequence: null });
  const end = translate([chunk({ content: "almost </bl" }), finishChunk("stop")], {
    stopSequences: ["</block>"],
  });
  assert.equal(reassembleAnthropic(end).text, "almost </bl");
  assert.equal(messageDelta(end).delta.stop_reason, "end_turn");
});
