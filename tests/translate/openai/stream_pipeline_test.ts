import assert from "node:assert/strict";
import type { StreamEvent } from "../../../src/wire/anthropic_types.ts";
import { PING_FRAME } from "../../../src/translate/anthropic/sse.ts";
import { StreamTranslator } from "../../../src/translate/openai/stream.ts";
import type { StreamSummary } from "../../../src/translate/anthropic/stream_summary.ts";
import type { ChunkSource } from "../../../src/wire/chunk_source.ts";
import {
  anthropicEventStream,
  type AnthropicEventStreamOptions,
  upstreamStreamError,
} from "../../../src/translate/openai/stream_pipeline.ts";
import {
  assertAnthropicGrammar,
  byteSource,
  chunked,
  collectText,
  parseAnthropicSse,
  reassembleAnthropic,
} from "../../helpers/streams.ts";

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

Deno.test("anthropicEventStream ends with an error quoting a chunk that is not JSON, though [DONE] follows", async () => {
  const { events, summaries } = await run(
    delta({ content: "a" }) + frame("{not json") + delta({ content: "b" }, "stop") +
      frame("[DONE]"),
  );
  assertAnthropicGrammar(events, { error: true });
  assert.equal(reassembleAnthropic(events).text, "a");
  const message = 'Upstream sent a stream chunk that is not a JSON object: "{not json"';
  assert.deepEqual(events.at(-1), { type: "error", error: { type: "api_error", message } });
  assert.equal(summaries.length, 1);
  assert.deepEqual(summaries[0]!.error, { type: "api_error", message });
  assert.equal(summaries[0]!.stopReason, null);
});

Deno.test("anthropicEventStream fails on JSON that is not an object, and quotes at most 200 characters", async () => {
  for (const data of ["42", '"ping"', "[1,2]", "null"]) {
    const { events } = await run(delta({ content: "a" }) + frame(data) + frame("[DONE]"));
    const last = events.at(-1);
    assert.equal(last?.type, "error", data);
  }
  const long = "<html>" + "x".repeat(5000);
  const { events } = await run(frame(long) + frame("[DONE]"));
  const last = events.at(-1);
  const message = last?.type === "error" ? last.error.message : "";
  assert.ok(message.includes(JSON.stringify(long.slice(0, 200)) + "… (5006 characters)"), message);
  assert.ok(message.length < 400);
});

Deno.test("anthropicEventStream passes a quoted chunk through the redaction it is given", async () => {
  const { summaries } = await run(frame("oops sk-secret-12345678 leaked") + frame("[DONE]"), {
    redact: (text) => text.replaceAll("sk-secret-12345678", "[REDACTED]"),
  });
  assert.match(summaries[0]!.error!.message, /"oops \[REDACTED\] leaked"$/);
});

Deno.test("anthropicEventStream ignores data of spaces only", async () => {
  const { events } = await run(
    delta({ content: "a" }) + "data:   \n\n" + delta({}, "stop") + frame("[DONE]"),
  );
  assertAnthropicGrammar(events);
  assert.equal(reassembleAnthropic(events).text, "a");
});

Deno.test("anthropicEventStream fails when unparsable data is followed by EOF without [DONE]", async () => {
  const { events } = await run(delta({ content: "a" }, "stop") + frame("{truncat"));
  assertAnthropicGrammar(events, { error: true });
  const last = events.at(-1);
  assert.match(last?.type === "error" ? last.error.message : "", /not a JSON object: "\{truncat"/);
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
        const error = Object.assign(new Error("Upstream stream was idle for 1 s (idle timeout)"), {
          type: "timeout_error",
        });
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
    error: { type: "timeout_error", message: "Upstream stream was idle for 1 s (idle timeout)" },
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

/**
 * A ChunkSource serving `pieces` one per read (each after `delayMs` when given), then the end, or
 * silence until cancelled when `keepOpen`. Records the cancel reason.
 */
function chunkSource(pieces: string[], options: { keepOpen?: boolean; delayMs?: number } = {}) {
  const state = { cancelled: false, reason: undefined as unknown };
  let next = 0;
  let endSilence = () => {};
  const source: ChunkSource = {
    async read() {
      if (options.delayMs !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      }
      const piece = pieces[next++];
      if (state.cancelled) return { done: true };
      if (piece !== undefined) return { done: false, value: encoder.encode(piece) };
      if (options.keepOpen) await new Promise<void>((resolve) => (endSilence = resolve));
      return { done: true };
    },
    cancel(reason) {
      state.cancelled = true;
      state.reason = reason;
      endSilence();
      return Promise.resolve();
    },
  };
  return { source, state };
}

const FINISHED = delta({ content: "!" }, "stop") + frame("[DONE]");

Deno.test("anthropicEventStream reads a ChunkSource and cancels it when the client cancels", async () => {
  const { source, state } = chunkSource([delta({ content: "Hi" })], { keepOpen: true });
  const summaries: StreamSummary[] = [];
  const reader = anthropicEventStream(source, translator(), {
    pingIntervalMs: 0,
    onEnd: (summary) => summaries.push(summary),
  }).getReader();
  await readText(reader); // message_start
  const events = parseAnthropicSse(await readText(reader));
  assert.deepEqual(events.map((e) => e.type), ["content_block_start", "content_block_delta"]);
  await reader.cancel("client went away");
  assert.equal(state.cancelled, true);
  assert.equal(state.reason, "client went away");
  assert.equal(summaries.length, 1);
  assert.equal(summaries[0]?.error?.type, "client_closed");
});

Deno.test("anthropicEventStream writes the events of one upstream read as one chunk", async () => {
  const { source, state } = chunkSource([
    delta({ role: "assistant", content: "" }) + delta({ content: "a" }) + delta({ content: "b" }) +
    FINISHED,
  ], { keepOpen: true });
  const reader = anthropicEventStream(source, translator(), { pingIntervalMs: 0 }).getReader();
  await readText(reader); // message_start
  const events = parseAnthropicSse(await readText(reader));
  assert.deepEqual(events.map((e) => e.type), [
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  assert.equal((await reader.read()).done, true);
  assert.equal(state.cancelled, true, "the upstream is released after [DONE]");
});

Deno.test("anthropicEventStream ignores what follows [DONE] or an upstream error in the same read", async () => {
  const endings = [
    frame("[DONE]"),
    `event: error\n${frame({ error: { message: "Overloaded", code: 529 } })}`,
  ];
  for (const ending of endings) {
    const summaries: StreamSummary[] = [];
    const calls: string[] = [];
    const { source } = chunkSource([
      delta({ content: "a" }, "stop") + ending + delta({ content: "late" }) + frame("{bad"),
    ]);
    const events = parseAnthropicSse(
      await collectText(anthropicEventStream(source, translator(), {
        pingIntervalMs: 0,
        onEnd: (summary) => summaries.push(summary),
        transform: {
          push(chunk) {
            calls.push("push");
            return [chunk];
          },
          flush() {
            calls.push("flush");
            return [];
          },
        },
      })),
    );
    assertAnthropicGrammar(events, { error: ending !== frame("[DONE]") });
    assert.equal(reassembleAnthropic(events).text, "a");
    assert.equal(summaries.length, 1);
    assert.deepEqual(calls, ending === frame("[DONE]") ? ["push", "flush"] : ["push"]);
  }
});

Deno.test("anthropicEventStream keeps the Anthropic type of a ChunkSource's rejected read", async () => {
  let reads = 0;
  const source: ChunkSource = {
    read() {
      if (reads++ === 0) {
        return Promise.resolve({ done: false, value: encoder.encode(delta({ content: "x" })) });
      }
      return Promise.reject(
        Object.assign(new Error("Upstream stream was idle for 2 s (idle timeout)"), {
          type: "timeout_error",
        }),
      );
    },
    cancel: () => Promise.resolve(),
  };
  const events = parseAnthropicSse(
    await collectText(anthropicEventStream(source, translator(), { pingIntervalMs: 0 })),
  );
  assertAnthropicGrammar(events, { error: true });
  assert.deepEqual(events.at(-1), {
    type: "error",
    error: { type: "timeout_error", message: "Upstream stream was idle for 2 s (idle timeout)" },
  });
});

Deno.test("anthropicEventStream does not ping while upstream chunks come faster than the interval", async () => {
  const pieces = Array.from({ length: 60 }, (_, i) => delta({ content: `${i} ` }));
  const { source } = chunkSource([...pieces, FINISHED], { delayMs: 2 });
  const started = performance.now();
  const text = await collectText(
    anthropicEventStream(source, translator(), { pingIntervalMs: 40 }),
  );
  assert.ok(performance.now() - started >= 80, "the stream lasted at least two intervals");
  assert.equal(text.includes("event: ping"), false);
  assertAnthropicGrammar(parseAnthropicSse(text));
});

Deno.test("anthropicEventStream pings after one to two intervals of silence, then every interval", async () => {
  const { source } = chunkSource([delta({ content: "Hi" })], { keepOpen: true });
  const reader = anthropicEventStream(source, translator(), { pingIntervalMs: 20 }).getReader();
  await readText(reader); // message_start
  assert.match(await readText(reader), /content_block_delta/);
  const wrote = performance.now();
  assert.equal(await readText(reader), PING_FRAME);
  assert.ok(performance.now() - wrote >= 18, "no ping within one interval of the last output");
  assert.equal(await readText(reader), PING_FRAME);
  await reader.cancel();
});

Deno.test({
  name: "anthropicEventStream leaves no ping timer running however the stream ends",
  sanitizeOps: true,
  async fn() {
    // Finished, failed upstream, cancelled by the client, aborted: the op sanitizer fails the
    // test if a timer outlives the stream.
    await run(delta({ content: "a" }) + FINISHED, { pingIntervalMs: 5 });
    await run(delta({ content: "a" }), { pingIntervalMs: 5 });
    const open = chunkSource([], { keepOpen: true });
    const cancelled = anthropicEventStream(open.source, translator(), { pingIntervalMs: 5 });
    await cancelled.getReader().cancel();
    const abort = new AbortController();
    const silent = chunkSource([], { keepOpen: true });
    const aborted = anthropicEventStream(silent.source, translator(), {
      pingIntervalMs: 5,
      signal: abort.signal,
    });
    const reader = aborted.getReader();
    await readText(reader);
    abort.abort();
    assert.equal((await reader.read()).done, true);
    assert.equal(open.state.cancelled, true);
    assert.equal(silent.state.cancelled, true);
  },
});

Deno.test("upstreamStreamError types a stream error by its status, Anthropic type or OpenAI code", () => {
  const cases: Array<[unknown, string]> = [
    [{ error: { message: "slow down", code: "rate_limit_exceeded" } }, "rate_limit_error"],
    [{ type: "error", code: "insufficient_quota", message: "quota" }, "rate_limit_error"],
    [{ error: { type: "invalid_request_error", message: "bad" } }, "invalid_request_error"],
    [{ error: { code: "context_length_exceeded", message: "long" } }, "invalid_request_error"],
    [{ error: { status: 503, code: "rate_limit_exceeded", message: "busy" } }, "overloaded_error"],
    [{ error: { type: "overloaded_error", message: "busy" } }, "overloaded_error"],
    [{ error: { code: "something_new", message: "?" } }, "api_error"],
    ['{"error":{"code":"insufficient_quota","message":"quota"}}', "rate_limit_error"],
  ];
  for (const [payload, type] of cases) {
    assert.equal(upstreamStreamError(payload).type, type, JSON.stringify(payload));
  }
});
