// Responses API stream events to chat-completion chunks: unit mapping and recorded streams end to end.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import type { StreamEvent } from "../../../src/wire/anthropic_types.ts";
import type { ChatCompletionChunk } from "../../../src/wire/openai_types.ts";
import {
  responsesChunkTransform,
  type ResponsesStreamEvent,
} from "../../../src/translate/responses/responses_stream.ts";
import {
  type ChunkTransform,
  upstreamStreamError,
} from "../../../src/translate/openai/stream_pipeline.ts";
import { errorTypeForCode } from "../../../src/translate/anthropic/errors.ts";
import { translateRecordedStream } from "../../helpers/recorded_streams.ts";
import {
  assertAnthropicGrammar,
  parseAnthropicSse,
  parseSse,
  randomSplit,
  reassembleAnthropic,
  reassembleOpenAI,
} from "../../helpers/streams.ts";

const FIXTURES = new URL("../../fixtures/upstream/openai-responses/", import.meta.url);

const TRANSLATOR = {
  model: "claude-sonnet-4-5",
  messageId: "msg_fixture",
  signature: "sig_fixture",
  inputTokens: 100,
};

// ---------------------------------------------------------------------------------------------
// Helpers

/** Pushes `events` through a fresh transform (then flushes); returns every chunk it produced. */
function adapt(events: ResponsesStreamEvent[], next?: ChunkTransform): ChatCompletionChunk[] {
  const transform = responsesChunkTransform(next);
  const chunks = events.flatMap((event) => transform.push(event as ChatCompletionChunk));
  return chunks.concat(transform.flush());
}

function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** The Responses events of an SSE body or of JSON lines. */
function eventsOf(text: string, jsonl: boolean): ResponsesStreamEvent[] {
  if (!jsonl) return parseSse(text).map((message) => JSON.parse(message.data));
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
}

/** JSON lines framed the way the Responses API sends them: `event: <type>` + `data:`, no `[DONE]`. */
function wireSse(lines: string[]): string {
  return lines.map((line) => `event: ${JSON.parse(line).type}\ndata: ${line}\n\n`).join("");
}

/** The multistep recording split into its streams, each starting at `response.created`. */
function multistepStreams(): string[][] {
  const streams: string[][] = [];
  const lines = readFixture("stream-reasoning-summary-function-calls-multistep.jsonl").split("\n");
  for (const line of lines.filter((l) => l.trim() !== "")) {
    if (JSON.parse(line).type === "response.created") streams.push([]);
    streams.at(-1)?.push(line);
  }
  return streams;
}

function translate(pieces: Uint8Array[]): Promise<string> {
  return translateRecordedStream(pieces, {
    translator: TRANSLATOR,
    transform: responsesChunkTransform(),
  });
}

/** Translates `sse` whole, checks random splits give the same bytes; returns the events. */
async function translateWholeAndSplit(sse: string): Promise<StreamEvent[]> {
  const bytes = new TextEncoder().encode(sse);
  const whole = await translate([bytes]);
  for (const seed of [1, 2, 3, 4, 5]) {
    assert.equal(await translate(randomSplit(bytes, seed)), whole, `split with seed ${seed}`);
  }
  assert.equal(await translate(randomSplit(bytes, 99, 3)), whole, "split into tiny pieces");
  return parseAnthropicSse(whole);
}

interface Expected {
  text: string;
  thinking: string;
  tools: Array<{ name: string; input: unknown }>;
  stopReason: string;
  usage: { input_tokens: number; output_tokens: number };
}

/** What a client must see, computed straight from the recorded Responses events. */
function expectedFrom(events: ResponsesStreamEvent[]): Expected {
  let text = "";
  const parts: string[] = [];
  let part = "";
  const tools: Expected["tools"] = [];
  let stopReason = "";
  let usage = { input_tokens: -1, output_tokens: -1 };
  for (const event of events) {
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.reasoning_summary_part.added") part = "";
    if (event.type === "response.reasoning_summary_text.delta") part += event.delta;
    if (event.type === "response.reasoning_summary_part.done") parts.push(part);
    if (event.type === "response.output_item.done" && event.item?.type === "function_call") {
      tools.push({ name: event.item.name ?? "", input: JSON.parse(event.item.arguments ?? "") });
    }
    if (event.type === "response.completed" || event.type === "response.incomplete") {
      const reason = event.response?.incomplete_details?.reason;
      stopReason = reason === "max_output_tokens"
        ? "max_tokens"
        : tools.length > 0
        ? "tool_use"
        : "end_turn";
      const recorded = event.response?.usage;
      usage = {
        input_tokens: recorded?.input_tokens ?? -1,
        output_tokens: recorded?.output_tokens ?? -1,
      };
    }
  }
  return { text, thinking: parts.join("\n\n"), tools, stopReason, usage };
}

function assertMatches(events: StreamEvent[], expected: Expected): void {
  assertAnthropicGrammar(events);
  const content = reassembleAnthropic(events);
  assert.equal(content.text, expected.text, "text differs");
  assert.equal(content.thinking, expected.thinking, "thinking differs");
  assert.deepEqual(content.tools, expected.tools, "tool calls differ");
  const delta = events.find((e) => e.type === "message_delta");
  assert.ok(delta?.type === "message_delta");
  assert.equal(delta.delta.stop_reason, expected.stopReason);
  assert.equal(delta.usage.input_tokens, expected.usage.input_tokens);
  assert.equal(delta.usage.output_tokens, expected.usage.output_tokens);
}

/** Replays Anthropic SSE through the official SDK's stream accumulator. */
async function sdkMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: "test",
    baseURL: "http://proxy.test",
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(new Response(sse, { headers: { "content-type": "text/event-stream" } })),
  });
  const stream = client.messages.stream({
    model: "claude-fixture",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Hi" }],
  });
  return await stream.finalMessage();
}

async function assertSdkAgrees(sse: string, expected: Expected): Promise<void> {
  const message = await sdkMessage(await translate([new TextEncoder().encode(sse)]));
  const text = message.content.flatMap((b) => b.type === "text" ? [b.text] : []).join("");
  const thinking = message.content.flatMap((b) => b.type === "thinking" ? [b.thinking] : []);
  const tools = message.content.flatMap((b) => b.type === "tool_use" ? [b] : []);
  assert.equal(text, expected.text);
  assert.equal(thinking.join(""), expected.thinking);
  assert.deepEqual(tools.map((t) => ({ name: t.name, input: t.input })), expected.tools);
  assert.equal(message.stop_reason, expected.stopReason);
  assert.equal(message.usage.output_tokens, expected.usage.output_tokens);
}

// ---------------------------------------------------------------------------------------------
// Recorded streams through the whole pipeline

const SSE_FIXTURES: Record<string, string> = {
  "stream-text.sse": "end_turn",
  "stream-function-call-arguments.sse": "tool_use",
  "stream-incomplete-max-output-tokens.sse": "max_tokens",
};

for (const [name, stopReason] of Object.entries(SSE_FIXTURES)) {
  Deno.test(`responsesChunkTransform translates the recorded ${name} stream end to end`, async () => {
    const sse = readFixture(name);
    const expected = expectedFrom(eventsOf(sse, false));
    assert.equal(expected.stopReason, stopReason);
    assert.ok(expected.text !== "" || expected.tools.length > 0, "the recording has content");
    assertMatches(await translateWholeAndSplit(sse), expected);
    await assertSdkAgrees(sse, expected);
  });
}

Deno.test("the multistep recording holds four streams", () => {
  assert.equal(multistepStreams().length, 4);
});

multistepStreams().forEach((lines, position) => {
  Deno.test(`responsesChunkTransform translates multistep stream ${position + 1} end to end`, async () => {
    const sse = wireSse(lines);
    const expected = expectedFrom(eventsOf(lines.join("\n"), true));
    assertMatches(await translateWholeAndSplit(sse), expected);
    await assertSdkAgrees(sse, expected);
  });
});

Deno.test("the first multistep stream gives its reasoning summary as thinking, then the tool call", async () => {
  const lines = multistepStreams()[0] ?? [];
  const events = await translateWholeAndSplit(wireSse(lines));
  const starts = events.flatMap((e) =>
    e.type === "content_block_start" ? [e.content_block.type] : []
  );
  assert.deepEqual(starts, ["thinking", "tool_use"]);
  const content = reassembleAnthropic(events);
  assert.match(content.thinking, /^\*\*Calculating step-by-step using calculator\*\*\n\nI'll/);
  assert.deepEqual(content.tools, [{ name: "calculator", input: { a: 12, b: 7, op: "add" } }]);
});

const QUOTA_MESSAGE = "Upstream stream error: You exceeded your current quota, please check your " +
  "plan and billing details. For more information on this error, read the docs: " +
  "https://platform.openai.com/docs/guides/error-codes/api-errors.";

Deno.test("the recorded quota error stream ends with an Anthropic error event", async () => {
  const lines = readFixture("stream-error-insufficient-quota.jsonl").split("\n").filter(Boolean);
  const events = await translateWholeAndSplit(wireSse(lines));
  assertAnthropicGrammar(events, { error: true });
  const last = events.at(-1);
  assert.ok(last?.type === "error");
  assert.equal(last.error.message, QUOTA_MESSAGE);
  // The pipeline maps the `event: error` frame itself, by its OpenAI code.
  assert.equal(last.error.type, "rate_limit_error");
});

Deno.test("the recorded response.failed event alone ends the stream with a rate_limit_error", async () => {
  const lines = readFixture("stream-error-insufficient-quota.jsonl").split("\n").filter(Boolean)
    .filter((line) => JSON.parse(line).type !== "error");
  const events = await translateWholeAndSplit(wireSse(lines));
  assertAnthropicGrammar(events, { error: true });
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: { type: "rate_limit_error", message: QUOTA_MESSAGE },
  });
  await assert.rejects(
    sdkMessage(await translate([new TextEncoder().encode(wireSse(lines))])),
    Anthropic.APIError,
  );
});

Deno.test("a Responses stream cut before response.completed ends with an error", async () => {
  const sse = readFixture("stream-text.sse");
  const cut = sse.slice(0, sse.indexOf("event: response.completed"));
  const events = parseAnthropicSse(await translate([new TextEncoder().encode(cut)]));
  assertAnthropicGrammar(events, { error: true });
});

Deno.test("a Responses stream with an event that is not JSON ends with an error quoting it", async () => {
  const sse = readFixture("stream-text.sse");
  const at = sse.indexOf("event: response.completed");
  const broken = sse.slice(0, at) + 'event: response.output_text.delta\ndata: {"delta": oops\n\n' +
    sse.slice(at);
  const events = parseAnthropicSse(await translate([new TextEncoder().encode(broken)]));
  assertAnthropicGrammar(events, { error: true });
  const last = events.at(-1);
  assert.equal(last?.type, "error");
  assert.match(
    last.type === "error" ? last.error.message : "",
    /not a JSON object: "\{\\"delta\\": oops"/,
  );
});

// ---------------------------------------------------------------------------------------------
// Mapping of constructed events

const CALL = {
  id: "fc_1",
  type: "function_call",
  call_id: "call_1",
  name: "get_weather",
  arguments: "",
};

Deno.test("responsesChunkTransform maps text, refusal and reasoning deltas onto choice 0", () => {
  assert.deepEqual(
    adapt([
      { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, delta: "Hi" },
      { type: "response.refusal.delta", item_id: "msg_1", output_index: 0, delta: "No" },
      { type: "response.reasoning_text.delta", item_id: "rs_1", output_index: 0, delta: "Hmm" },
      { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "Sum" },
    ]),
    [
      { choices: [{ index: 0, delta: { content: "Hi" } }] },
      { choices: [{ index: 0, delta: { refusal: "No" } }] },
      { choices: [{ index: 0, delta: { reasoning_content: "Hmm" } }] },
      { choices: [{ index: 0, delta: { reasoning_content: "Sum" } }] },
    ],
  );
});

Deno.test("responsesChunkTransform separates later summary parts and reasoning items with a blank line", () => {
  const chunks = adapt([
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "rs_1", type: "reasoning" },
    },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", summary_index: 0 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "One" },
    { type: "response.reasoning_summary_part.done", item_id: "rs_1", summary_index: 0 },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", summary_index: 1 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "Two" },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "!" },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { id: "rs_2", type: "reasoning" },
    },
    { type: "response.reasoning_summary_part.added", item_id: "rs_2", summary_index: 0 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_2", delta: "Three" },
  ]);
  assert.deepEqual(
    chunks.map((c) => c.choices?.[0]?.delta?.reasoning_content),
    ["One", "\n\nTwo", "!", "\n\nThree"],
  );
});

Deno.test("responsesChunkTransform adds no blank line before the first reasoning text", () => {
  const chunks = adapt([
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "rs_1", type: "reasoning" },
    },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", summary_index: 1 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "First" },
  ]);
  assert.equal(chunks[0]?.choices?.[0]?.delta?.reasoning_content, "First");
});

Deno.test("responsesChunkTransform streams a function call's name, id and argument deltas", () => {
  const chunks = adapt([
    { type: "response.output_item.added", output_index: 0, item: CALL },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_1",
      output_index: 0,
      delta: '{"a"',
    },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_1",
      output_index: 0,
      delta: ":1}",
    },
    { type: "response.function_call_arguments.done", item_id: "fc_1", arguments: '{"a":1}' },
    { type: "response.output_item.done", output_index: 0, item: { ...CALL, arguments: '{"a":1}' } },
  ]);
  assert.deepEqual(chunks.map((c) => c.choices?.[0]?.delta?.tool_calls), [
    [{
      index: 0,
      id: "call_1",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    }],
    [{ index: 0, function: { arguments: '{"a"' } }],
    [{ index: 0, function: { arguments: ":1}" } }],
  ]);
});

Deno.test("responsesChunkTransform sends arguments that arrive only in .done once", () => {
  const chunks = adapt([
    { type: "response.output_item.added", output_index: 0, item: CALL },
    { type: "response.function_call_arguments.done", item_id: "fc_1", arguments: '{"a":1}' },
    { type: "response.output_item.done", output_index: 0, item: { ...CALL, arguments: '{"a":1}' } },
  ]);
  assert.deepEqual(reassembleOpenAI(chunks).tools, [{ name: "get_weather", input: { a: 1 } }]);
  assert.equal(chunks.length, 2);
});

Deno.test("responsesChunkTransform takes arguments from output_item.done when nothing else sent them", () => {
  const chunks = adapt([
    { type: "response.output_item.added", output_index: 0, item: CALL },
    { type: "response.output_item.done", output_index: 0, item: { ...CALL, arguments: '{"b":2}' } },
  ]);
  assert.deepEqual(reassembleOpenAI(chunks).tools, [{ name: "get_weather", input: { b: 2 } }]);
});

Deno.test("responsesChunkTransform does not repeat arguments the added item already carried", () => {
  const item = { ...CALL, arguments: '{"c":3}' };
  const chunks = adapt([
    { type: "response.output_item.added", output_index: 0, item },
    { type: "response.function_call_arguments.done", item_id: "fc_1", arguments: '{"c":3}' },
    { type: "response.output_item.done", output_index: 0, item },
  ]);
  assert.deepEqual(reassembleOpenAI(chunks).tools, [{ name: "get_weather", input: { c: 3 } }]);
});

Deno.test("responsesChunkTransform numbers two calls by their order among calls, not output_index", () => {
  const second = { ...CALL, id: "fc_2", call_id: "call_2", name: "get_time" };
  const chunks = adapt([
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "rs_1", type: "reasoning" },
    },
    { type: "response.output_item.added", output_index: 1, item: CALL },
    { type: "response.output_item.added", output_index: 2, item: second },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_2",
      output_index: 2,
      delta: "{}",
    },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_1",
      output_index: 1,
      delta: '{"x":',
    },
    {
      type: "response.function_call_arguments.delta",
      item_id: "fc_1",
      output_index: 1,
      delta: "1}",
    },
    { type: "response.completed", response: { usage: null } },
  ]);
  const indices = chunks.flatMap((c) =>
    c.choices?.[0]?.delta?.tool_calls?.map((t) => t.index) ?? []
  );
  assert.deepEqual(indices, [0, 1, 1, 0, 0]);
  assert.deepEqual(reassembleOpenAI(chunks).tools, [
    { name: "get_weather", input: { x: 1 } },
    { name: "get_time", input: {} },
  ]);
  assert.equal(chunks.at(-1)?.choices?.[0]?.finish_reason, "tool_calls");
});

Deno.test("responsesChunkTransform finds a call by output_index when item_id is missing", () => {
  const chunks = adapt([
    { type: "response.output_item.added", output_index: 3, item: CALL },
    { type: "response.function_call_arguments.delta", output_index: 3, delta: '{"d":4}' },
    { type: "response.function_call_arguments.done", output_index: 3, arguments: '{"d":4}' },
  ]);
  assert.deepEqual(chunks[1], {
    choices: [{
      index: 0,
      delta: { tool_calls: [{ index: 0, function: { arguments: '{"d":4}' } }] },
    }],
  });
  assert.equal(chunks.length, 2);
});

Deno.test("responsesChunkTransform maps response.completed usage and finish_reason stop", () => {
  const usage = {
    input_tokens: 120,
    input_tokens_details: { cached_tokens: 100 },
    output_tokens: 40,
    output_tokens_details: { reasoning_tokens: 30 },
    total_tokens: 160,
  };
  assert.deepEqual(adapt([{ type: "response.completed", response: { usage } }]), [{
    choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
    usage: {
      prompt_tokens: 120,
      completion_tokens: 40,
      total_tokens: 160,
      prompt_tokens_details: { cached_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 30 },
    },
  }]);
});

Deno.test("responsesChunkTransform maps response.incomplete reasons to finish reasons", () => {
  const cases: Array<[string | null, string]> = [
    ["max_output_tokens", "length"],
    ["content_filter", "content_filter"],
    ["something_new", "stop"],
    [null, "stop"],
  ];
  for (const [reason, finish] of cases) {
    const event = {
      type: "response.incomplete",
      response: { incomplete_details: { reason }, usage: { input_tokens: 5, output_tokens: 7 } },
    };
    assert.deepEqual(adapt([event]), [{
      choices: [{ index: 0, delta: {}, finish_reason: finish }],
      usage: { prompt_tokens: 5, completion_tokens: 7 },
    }], `reason ${reason}`);
  }
});

Deno.test("responsesChunkTransform turns response.failed into an error chunk typed by its code", () => {
  const cases: Array<[string | undefined, string]> = [
    ["rate_limit_exceeded", "rate_limit_error"],
    ["insufficient_quota", "rate_limit_error"],
    ["server_error", "api_error"],
    ["invalid_prompt", "invalid_request_error"],
    ["context_length_exceeded", "invalid_request_error"],
    ["vector_store_timeout", "api_error"],
    [undefined, "api_error"],
  ];
  for (const [code, type] of cases) {
    const error = code === undefined ? { message: "Boom" } : { code, message: "Boom" };
    assert.deepEqual(
      adapt([{ type: "response.failed", response: { error } }]),
      [{ error: { type, message: "Upstream stream error: Boom" } }],
      `code ${code}`,
    );
  }
});

Deno.test("responsesChunkTransform maps top-level error events, flat or nested", () => {
  assert.deepEqual(
    adapt([{ type: "error", code: "rate_limit_exceeded", message: "Slow down", param: null }]),
    [{ error: { type: "rate_limit_error", message: "Upstream stream error: Slow down" } }],
  );
  assert.deepEqual(
    adapt([{
      type: "error",
      error: { type: "invalid_request_error", code: null, message: "Bad input" },
    }]),
    [{ error: { type: "invalid_request_error", message: "Upstream stream error: Bad input" } }],
  );
  assert.deepEqual(adapt([{ type: "error" }]), [
    { error: { type: "api_error", message: "Upstream stream error: Error" } },
  ]);
});

Deno.test("responsesChunkTransform words error messages as a chat stream's error frame: trimmed, cut at 2000", () => {
  const long = `  ${"x".repeat(2500)}\n`;
  const [chunk] = adapt([{ type: "error", code: "server_error", message: long }]);
  const message = chunk?.error?.message;
  assert.equal(message, `Upstream stream error: ${"x".repeat(2000)}…`);
  assert.equal(message, upstreamStreamError(long).message, "the same rule as `event: error` text");
});

Deno.test("errorTypeForCode maps OpenAI error codes, and nothing for unknown ones", () => {
  assert.equal(errorTypeForCode("insufficient_quota"), "rate_limit_error");
  assert.equal(errorTypeForCode("invalid_request_error"), "invalid_request_error");
  assert.equal(errorTypeForCode(42), undefined);
});

Deno.test("responsesChunkTransform ignores lifecycle events and message items", () => {
  assert.deepEqual(
    adapt([
      { type: "response.created", response: {} },
      { type: "response.in_progress", response: {} },
      { type: "response.output_item.added", output_index: 0, item: { id: "m", type: "message" } },
      { type: "response.content_part.added", item_id: "m", output_index: 0 },
      { type: "response.output_text.done", item_id: "m", output_index: 0, text: "Hi" },
      { type: "response.content_part.done", item_id: "m", output_index: 0 },
      { type: "response.output_item.done", output_index: 0, item: { id: "m", type: "message" } },
      { type: "response.reasoning_summary_part.done", item_id: "rs", summary_index: 0 },
      { type: "response.function_call_arguments.delta", item_id: "unknown", delta: "{}" },
      { type: "response.output_text.delta", item_id: "m", delta: "" },
    ]),
    [],
  );
});

Deno.test("responsesChunkTransform passes every chunk through next and returns next.flush()", () => {
  const seen: ChatCompletionChunk[] = [];
  const tail: ChatCompletionChunk = { choices: [{ index: 0, delta: { content: "tail" } }] };
  const next: ChunkTransform = {
    push: (chunk) => {
      seen.push(chunk);
      return [chunk, chunk];
    },
    flush: () => [tail],
  };
  const chunks = adapt([
    { type: "response.created", response: {} },
    { type: "response.output_text.delta", delta: "Hi" },
    { type: "response.completed", response: { usage: null } },
  ], next);
  assert.deepEqual(seen, [
    { choices: [{ index: 0, delta: { content: "Hi" } }] },
    { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
  ]);
  assert.deepEqual(chunks, [seen[0], seen[0], seen[1], seen[1], tail]);
});

Deno.test("responsesChunkTransform gives the same Anthropic output for constructed events split anywhere", async () => {
  const events: ResponsesStreamEvent[] = [
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "rs_1", type: "reasoning" },
    },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", summary_index: 0 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "Plan é" },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", summary_index: 1 },
    { type: "response.reasoning_summary_text.delta", item_id: "rs_1", delta: "Act 🌍" },
    { type: "response.output_item.added", output_index: 1, item: CALL },
    { type: "response.function_call_arguments.done", item_id: "fc_1", arguments: '{"q":"ü"}' },
    { type: "response.completed", response: { usage: { input_tokens: 9, output_tokens: 3 } } },
  ];
  const sse = wireSse(events.map((event) => JSON.stringify(event)));
  const parsed = await translateWholeAndSplit(sse);
  assertMatches(parsed, {
    text: "",
    thinking: "Plan é\n\nAct 🌍",
    tools: [{ name: "get_weather", input: { q: "ü" } }],
    stopReason: "tool_use",
    usage: { input_tokens: 9, output_tokens: 3 },
  });
});

Deno.test("a Responses stream that reports a context overflow ends with Anthropic's prompt is too long", async () => {
  // The recorded quota failure, its error worded as the Responses API words an overflow.
  const overflow = {
    type: "invalid_request_error",
    code: "context_length_exceeded",
    message:
      "Your input exceeds the context window of this model. Please adjust your input and try again.",
    param: "input",
  };
  const lines = readFixture("stream-error-insufficient-quota.jsonl").split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const event = JSON.parse(line);
      if (event.type === "error") event.error = overflow;
      if (event.type === "response.failed") event.response.error = overflow;
      return JSON.stringify(event);
    });
  const events = await translateWholeAndSplit(wireSse(lines));
  const last = events.at(-1);
  assert.ok(last?.type === "error");
  assert.deepEqual(last.error, {
    type: "invalid_request_error",
    // The translator was told the request's size (100 input tokens); the provider gave no numbers.
    message: "prompt is too long for the model's context window (about 100 tokens): " +
      overflow.message,
  });
});
