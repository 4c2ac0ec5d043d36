import assert from "node:assert/strict";
import type { StreamEvent } from "../../src/translate/anthropic_types.ts";
import { PING_FRAME } from "../../src/translate/sse.ts";
import { type StreamSummary, StreamTranslator } from "../../src/translate/stream.ts";
import {
  anthropicEventStream,
  type AnthropicEventStreamOptions,
} from "../../src/translate/stream_pipeline.ts";
import {
  assertAnthropicGrammar,
  byteSource,
  chunked,
  collectText,
  parseAnthropicSse,
  reassembleAnthropic,
} from "../helpers/streams.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function translator(): StreamTranslator {
  return new StreamTranslator({
    model: "claude-sonnet-4-5",
    messageId: "msg_test",
    signature: "sig_test",
    newToolId: () => "toolu_gen",
    inputTokens: 12,
  });
}

function frame(value: unknown): string {
  return `data: ${typeof value === "string" ? value : JSON.stringify(value)}\n\n`;
}

function delta(value: Record<string, unknown>, finishReason: string | null = null): string {
  return frame({ choices: [{ index: 0, delta: value, finish_reason: finishReason }] });
}

/** Runs `sse` (split into `pieces` when given) through the pipeline; returns the events and the summary. */
async function run(
  sse: string | Uint8Array[],
  options: AnthropicEventStreamOptions = {},
): Promise<{ events: StreamEvent[]; summaries: StreamSummary[] }> {
  const pieces = typeof sse === "string" ? [encoder.encode(sse)] : sse;
  const summaries: StreamSummary[] = [];
  const output = anthropicEventStream(byteSource(pieces).stream, translator(), {
    pingIntervalMs: 0,
    onEnd: (summary) => summaries.push(summary),
    ...options,
  });
  const events = parseAnthropicSse(await collectText(output));
  return { events, summaries };
}

async function readText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value } = await reader.read();
  return decoder.decode(value);
}

Deno.test("anthropicEventStream sends message_start before the first upstream chunk", async () => {
  const source = byteSource([], { keepOpen: true });
  const reader = anthropicEventStream(source.stream, translator(), { pingIntervalMs: 0 })
    .getReader();
  const [event] = parseAnthropicSse(await readText(reader));
  assert.equal(event?.type, "message_start");
  assert.equal(event?.type === "message_start" && event.message.usage.input_tokens, 12);
  await reader.cancel();
});

Deno.test("anthropicEventStream sends a ping while the upstream is silent", async () => {
  const source = byteSource([], { keepOpen: true });
  const reader = anthropicEventStream(source.stream, translator(), { pingIntervalMs: 5 })
    .getReader();
  await readText(reader); // message_start
  assert.equal(await readText(reader), PING_FRAME);
  assert.equal(await readText(reader), PING_FRAME);
  await reader.cancel();
});

Deno.test("anthropicEventStream cancels the upstream body and reports client_closed when the client cancels", async () => {
  const source = byteSource([encoder.encode(delta({ content: "Hi" }))], { keepOpen: true });
  const summaries: StreamSummary[] = [];
  const output = anthropicEventStream(source.stream, translator(), {
    pingIntervalMs: 5,
    onEnd: (summary) => summaries.push(summary),
  });
  const reader = output.getReader();
  await readText(reader);
  await reader.cancel("client went away");
  assert.equal(await source.cancelled, "client went away");
  assert.deepEqual(summaries, [{
    stopReason: null,
    usage: { input_tokens: 12, output_tokens: 0 },
    error: { type: "client_closed", message: "Client closed the stream" },
  }]);
});

Deno.test("anthropicEventStream cancels the upstream body when the signal aborts", async () => {
  const source = byteSource([], { keepOpen: true });
  const abort = new AbortController();
  const summaries: StreamSummary[] = [];
  const output = anthropicEventStream(source.stream, translator(), {
    pingIntervalMs: 5,
    signal: abort.signal,
    onEnd: (summary) => summaries.push(summary),
  });
  const reader = output.getReader();
  await readText(reader);
  abort.abort();
  await source.cancelled;
  assert.equal((await reader.read()).done, true);
  assert.equal(summaries.length, 1);
  assert.equal(summaries[0]?.error?.type, "client_closed");
});

Deno.test("anthropicEventStream translates a complete stream and reports the summary once", async () => {
  const { events, summaries } = await run(
    delta({ role: "assistant", content: "" }) + delta({ content: "Hello" }) +
      delta({}, "stop") +
      frame({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 2 } }) + frame("[DONE]"),
  );
  assertAnthropicGrammar(events);
  assert.equal(reassembleAnthropic(events).text, "Hello");
  assert.deepEqual(summaries, [{
    stopReason: "end_turn",
    usage: { input_tokens: 9, output_tokens: 2 },
  }]);
});

Deno.test("anthropicEventStream releases the upstream body after [DONE] even if it stays open", async () => {
  const source = byteSource([encoder.encode(delta({ content: "x" }, "stop") + frame("[DONE]"))], {
    keepOpen: true,
  });
  const text = await collectText(
    anthropicEventStream(source.stream, translator(), { pingIntervalMs: 0 }),
  );
  assertAnthropicGrammar(parseAnthropicSse(text));
  await source.cancelled;
  assert.equal(source.wasCancelled(), true);
});

Deno.test("anthropicEventStream ends with an error event when the upstream ends without finishing", async () => {
  const { events, summaries } = await run(delta({ content: "Hel" }) + delta({ content: "lo" }));
  assertAnthropicGrammar(events, { error: true });
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: { type: "api_error", message: "Upstream stream ended before the response was complete" },
  });
  assert.equal(events.some((e) => e.type === "message_stop"), false);
  assert.equal(summaries[0]?.error?.type, "api_error");
  assert.equal(summaries[0]?.stopReason, null);
});

Deno.test("anthropicEventStream finishes normally when the upstream ends after a finish_reason without [DONE]", async () => {
  const { events } = await run(delta({ content: "Hi" }) + delta({}, "length"));
  assertAnthropicGrammar(events);
  const messageDelta = events.find((e) => e.type === "message_delta");
  assert.equal(
    messageDelta?.type === "message_delta" && messageDelta.delta.stop_reason,
    "max_tokens",
  );
});

Deno.test("anthropicEventStream turns an upstream read failure into an error event", async () => {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new Error("connection reset"));
      sent = true;
      controller.enqueue(encoder.encode(delta({ content: "partial" })));
    },
  });
  const events = parseAnthropicSse(
    await collectText(anthropicEventStream(body, translator(), { pingIntervalMs: 0 })),
  );
  assertAnthropicGrammar(events, { error: true });
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: { type: "api_error", message: "Upstream stream failed: connection reset" },
  });
});

Deno.test("anthropicEventStream relays an upstream `event: error` with its message and mapped type", async () => {
  const error = {
    error: {
      message: "Tool choice is required, but model did not call a tool",
      type: "invalid_request_error",
      code: "tool_use_failed",
      status_code: 400,
    },
  };
  const { events } = await run(delta({ content: "maybe" }) + `event: error\n${frame(error)}`);
  assertAnthropicGrammar(events, { error: true });
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: {
      type: "invalid_request_error",
      message: "Upstream stream error: Tool choice is required, but model did not call a tool",
    },
  });
});

Deno.test("anthropicEventStream ends with an error event when a chunk carries an error", async () => {
  const { events, summaries } = await run(
    delta({ reasoning: "We need" }, "length") +
      frame({ error: { code: 502, message: "Provider disconnected" }, choices: [] }) +
      frame("[DONE]"),
  );
  assertAnthropicGrammar(events, { error: true });
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: { type: "api_error", message: "Upstream stream error: Provider disconnected" },
  });
  assert.equal(summaries.length, 1);
});

Deno.test("anthropicEventStream skips unparsable data when [DONE] still arrives", async () => {
  const { events } = await run(
    delta({ content: "a" }) + frame("{not json") + delta({ content: "b" }, "stop") +
      frame("[DONE]"),
  );
  assertAnthropicGrammar(events);
  assert.equal(reassembleAnthropic(events).text, "ab");
});

Deno.test("anthropicEventStream fails when unparsable data is followed by EOF without [DONE]", async () => {
  const { events } = await run(delta({ content: "a" }, "stop") + frame("{truncat"));
  assertAnthropicGrammar(events, { error: true });
  const last = events.at(-1);
  assert.match(
    last?.type === "error" ? last.error.message : "",
    /ended before the response was complete/,
  );
});

Deno.test("anthropicEventStream keeps multi-byte characters split across reads intact", async () => {
  const text = "日本語のテキスト 🎉👩‍💻 ok";
  const args = JSON.stringify({ path: "ファイル🎉.txt" });
  const sse = delta({ content: text }) +
    delta({
      tool_calls: [{ index: 0, id: "call_1", function: { name: "write", arguments: args } }],
    }) +
    delta({}, "tool_calls") + frame("[DONE]");
  const bytes = encoder.encode(sse);
  const { events } = await run(chunked(bytes, Array(bytes.length).fill(1)));
  assertAnthropicGrammar(events);
  const message = reassembleAnthropic(events);
  assert.equal(message.text, text);
  assert.deepEqual(message.tools, [{ name: "write", input: { path: "ファイル🎉.txt" } }]);
});

Deno.test("anthropicEventStream handles CRLF framing and comment lines", async () => {
  const sse = ": keep-alive\r\n\r\n" + delta({ content: "crlf" }).replaceAll("\n", "\r\n") +
    "data: [DONE]\r\n\r\n";
  const { events } = await run(sse);
  assertAnthropicGrammar(events);
  assert.equal(reassembleAnthropic(events).text, "crlf");
});

Deno.test("anthropicEventStream keeps the Anthropic type of an error thrown while reading", async () => {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) {
        const error = Object.assign(new Error("idle for 1 s"), { type: "timeout_error" });
        return controller.error(error);
      }
      sent = true;
      controller.enqueue(encoder.encode(delta({ content: "partial" })));
    },
  });
  const events = parseAnthropicSse(
    await collectText(anthropicEventStream(body, translator(), { pingIntervalMs: 0 })),
  );
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: { type: "timeout_error", message: "Upstream stream failed: idle for 1 s" },
  });
});

Deno.test("anthropicEventStream passes chunks through the transform and flushes it before finishing", async () => {
  const seen: string[] = [];
  const { events, summaries } = await run(
    delta({ content: "a" }) + delta({ content: "b" }, "stop") + "data: [DONE]\n\n",
    {
      transform: {
        push(chunk) {
          seen.push(JSON.stringify(chunk.choices?.[0]?.delta));
          const out = chunk.choices![0]!.delta!;
          out.content = String(out.content).toUpperCase();
          return [chunk];
        },
        flush: () => [{ choices: [{ index: 0, delta: { content: "!" } }] }],
      },
    },
  );
  assertAnthropicGrammar(events);
  assert.equal(seen.length, 2);
  assert.equal(reassembleAnthropic(events).text, "AB!");
  assert.equal(summaries[0]?.stopReason, "end_turn");
});

Deno.test("anthropicEventStream ends with a transform's error chunk as it is", async () => {
  for (const ending of ["data: [DONE]\n\n", ""]) {
    const { events, summaries } = await run(delta({ content: "a" }, "tool_calls") + ending, {
      transform: {
        push: (chunk) => [chunk],
        flush: () => [{ error: { message: "No tool call came", type: "api_error" } }],
      },
    });
    assertAnthropicGrammar(events, { error: true });
    assert.deepEqual(events.at(-1), {
      type: "error",
      error: { type: "api_error", message: "No tool call came" },
    });
    assert.equal(summaries[0]?.error?.message, "No tool call came");
  }
});
