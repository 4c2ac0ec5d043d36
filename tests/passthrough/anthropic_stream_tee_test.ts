// Tests for the byte-preserving Anthropic stream tee: framing, the log summary and signature marks.
import assert from "node:assert/strict";
import {
  AnthropicStreamTee,
  leadingEventName,
  parseFrame,
  scanEvents,
  spliceModel,
} from "../../src/passthrough/anthropic_stream_tee.ts";
import { parseSignature, wrapSignature } from "../../src/translate/anthropic/signature.ts";
import { chunked, randomSplit } from "../helpers/streams.ts";

const DIR = new URL("../fixtures/upstream/anthropic/", import.meta.url);
const STREAMS = [
  "messages-stream-text.sse",
  "messages-stream-text-sonnet-4-5.sse",
  "messages-stream-tool-use.sse",
  "messages-stream-thinking-signature.sse",
  "messages-stream-redacted-thinking.sse",
];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fixture(name: string): Promise<Uint8Array> {
  return Deno.readFile(new URL(name, DIR));
}

/** Runs pieces through a tee and returns the output bytes and the tee. */
function run(pieces: Uint8Array[], markOrigin?: string, model?: string) {
  const tee = new AnthropicStreamTee({
    ...(markOrigin ? { markOrigin } : {}),
    ...(model ? { model } : {}),
  });
  const out: Uint8Array[] = [];
  for (const piece of pieces) out.push(...tee.push(piece));
  out.push(...tee.flush());
  const bytes = new Uint8Array(out.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of out) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, tee };
}

function everyByte(bytes: Uint8Array): Uint8Array[] {
  return chunked(bytes, new Array(bytes.length).fill(1));
}

for (const name of STREAMS) {
  Deno.test(`AnthropicStreamTee passes ${name} byte for byte, whole and split`, async () => {
    const bytes = await fixture(name);
    assert.deepEqual(run([bytes]).bytes, bytes);
    assert.deepEqual(run(everyByte(bytes)).bytes, bytes);
    for (const seed of [1, 2, 3]) assert.deepEqual(run(randomSplit(bytes, seed, 200)).bytes, bytes);
  });
}

for (const name of STREAMS.filter((n) => !/thinking/.test(n))) {
  Deno.test(`AnthropicStreamTee leaves ${name} byte for byte when marking signatures`, async () => {
    const bytes = await fixture(name);
    assert.deepEqual(run(everyByte(bytes), "anthropic").bytes, bytes);
  });
}

Deno.test("AnthropicStreamTee reads usage and stop reason from a recorded stream", async () => {
  const { tee } = run(randomSplit(await fixture("messages-stream-tool-use.sse"), 7, 50));
  assert.equal(tee.summary.stopReason, "tool_use");
  assert.equal(tee.summary.complete, true);
  assert.ok(tee.summary.usage.input_tokens > 0);
  assert.ok(tee.summary.usage.output_tokens > 0);
  assert.equal(tee.summary.error, undefined);
});

Deno.test("AnthropicStreamTee marks only the signature of a thinking stream", async () => {
  const bytes = await fixture("messages-stream-thinking-signature.sse");
  const text = decoder.decode(bytes);
  const signature = /"signature":"(E[^"]+)"/.exec(text)![1]!;
  const expected = text.replace(
    JSON.stringify(signature),
    JSON.stringify(wrapSignature("anthropic", signature)),
  );
  for (const pieces of [[bytes], everyByte(bytes), randomSplit(bytes, 11, 300)]) {
    const out = decoder.decode(run(pieces, "anthropic").bytes);
    assert.equal(out, expected);
  }
  const marked = /"signature":"(cpx1[^"]+)"/.exec(expected)![1]!;
  assert.deepEqual(parseSignature(marked), { origin: "anthropic", original: signature });
});

Deno.test("AnthropicStreamTee marks redacted thinking data", async () => {
  const bytes = await fixture("messages-stream-redacted-thinking.sse");
  const out = decoder.decode(run(everyByte(bytes), "anthropic").bytes);
  const data = [...out.matchAll(/"data":"([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(data.length, 2);
  for (const value of data) assert.equal(parseSignature(value)?.origin, "anthropic");
  assert.equal(out.length - bytes.length > 0, true);
});

Deno.test("AnthropicStreamTee holds a partial event until its blank line arrives", () => {
  const tee = new AnthropicStreamTee();
  const event = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';
  assert.deepEqual(tee.push(encoder.encode(event.slice(0, 20))), []);
  assert.deepEqual(tee.push(encoder.encode(event.slice(20, -1))), []);
  const out = tee.push(encoder.encode("\n"));
  assert.equal(decoder.decode(out[0]), event);
  assert.equal(tee.summary.complete, true);
});

Deno.test("AnthropicStreamTee finds events ended by CRLF and by CR alone", () => {
  for (const end of ["\r\n", "\r"]) {
    const frames = [
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":9}}}',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}}',
      'event: message_stop\ndata: {"type":"message_stop"}',
    ].map((frame) => frame.replaceAll("\n", end) + end + end);
    const bytes = encoder.encode(frames.join(""));
    const { bytes: out, tee } = run(everyByte(bytes));
    assert.deepEqual(out, bytes, JSON.stringify(end));
    assert.deepEqual(tee.summary, {
      stopReason: "end_turn",
      usage: { input_tokens: 9, output_tokens: 4 },
      complete: true,
    });
  }
});

Deno.test("AnthropicStreamTee reads events that carry no event line", async () => {
  const lines =
    (await Deno.readTextFile(new URL("messages-stream-tool-use-empty-input.jsonl", DIR)))
      .split("\n").filter((line) => line.trim() !== "");
  const { tee } = run([encoder.encode(lines.map((line) => `data: ${line}\n\n`).join(""))]);
  assert.equal(tee.summary.stopReason, "tool_use");
  assert.equal(tee.summary.complete, true);
});

Deno.test("AnthropicStreamTee records an upstream error event", () => {
  const error =
    'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
  const { tee } = run([encoder.encode(error)]);
  assert.deepEqual(tee.summary.error, { type: "overloaded_error", message: "Overloaded" });
  assert.equal(tee.summary.complete, false);
});

Deno.test("AnthropicStreamTee passes an unterminated tail through at the end, or discards it", () => {
  const tail = encoder.encode('event: ping\ndata: {"type": "ping"}');
  assert.deepEqual(run([tail]).bytes, tail);
  const tee = new AnthropicStreamTee();
  tee.push(tail);
  assert.equal(tee.discard(), tail.length);
  assert.deepEqual(tee.flush(), []);
});

Deno.test("scanEvents waits for the byte after a final CR and resumes where it stopped", () => {
  const first = scanEvents(encoder.encode("data: a\r\n\r"));
  assert.deepEqual(first.ends, []);
  assert.deepEqual(first.state, { lineStart: true, cr: "event" });
  // The LF of the CRLF belongs to the event that ended; any other byte starts the next one.
  assert.deepEqual(scanEvents(encoder.encode("\ndata: b"), first.state).ends, [1]);
  assert.deepEqual(scanEvents(encoder.encode("data: b"), first.state).ends, [0]);
  // A CR that ends a line, not an event: its LF makes no second line end.
  const line = scanEvents(encoder.encode("data: a\r"));
  assert.deepEqual(line.state, { lineStart: true, cr: "line" });
  assert.deepEqual(scanEvents(encoder.encode("\ndata: b\n\n"), line.state).ends, [10]);
});

Deno.test("scanEvents finds LF, CRLF and CR blank lines and carries a line across chunks", () => {
  assert.deepEqual(scanEvents(encoder.encode("a\n\nb\n\n")).ends, [3, 6]);
  assert.deepEqual(scanEvents(encoder.encode("a\r\n\r\nb\r\rc")).ends, [5, 8]);
  const open = scanEvents(encoder.encode("data: a"));
  assert.deepEqual(open, { ends: [], state: { lineStart: false, cr: "none" } });
  assert.deepEqual(scanEvents(encoder.encode("\n"), open.state).ends, []);
  assert.deepEqual(scanEvents(encoder.encode("\n"), { lineStart: true, cr: "none" }).ends, [1]);
});

Deno.test("leadingEventName reads the first line's event name from the bytes", () => {
  assert.equal(leadingEventName(encoder.encode("event: ping\ndata: {}\n\n")), "ping");
  assert.equal(
    leadingEventName(encoder.encode("event:message_stop\r\ndata: {}\r\n\r\n")),
    "message_stop",
  );
  assert.equal(leadingEventName(encoder.encode('data: {"type":"ping"}\n\n')), undefined);
  assert.equal(leadingEventName(encoder.encode(": comment\nevent: ping\n\n")), undefined);
  assert.equal(leadingEventName(encoder.encode("event:\ndata: {}\n\n")), undefined);
  assert.equal(leadingEventName(encoder.encode(`event: ${"x".repeat(100)}\n\n`)), undefined);
});

Deno.test("AnthropicStreamTee reads an event ended by a final lone CR at flush", () => {
  const tee = new AnthropicStreamTee();
  const stop = encoder.encode('event: message_stop\rdata: {"type":"message_stop"}\r\r');
  assert.deepEqual(tee.push(stop), []);
  assert.equal(tee.summary.complete, false);
  assert.deepEqual(tee.flush(), [stop]);
  assert.equal(tee.summary.complete, true);
});

Deno.test("AnthropicStreamTee passes whole events as views of the chunk, without copying", () => {
  const tee = new AnthropicStreamTee();
  const chunk = encoder.encode('event: ping\ndata: {"type": "ping"}\n\nevent: ping\ndata: {');
  const [out] = tee.push(chunk);
  assert.equal(out!.buffer, chunk.buffer);
  assert.equal(out!.byteOffset, 0);
  assert.equal(decoder.decode(out), 'event: ping\ndata: {"type": "ping"}\n\n');
});

Deno.test("AnthropicStreamTee copies only the bytes of an event split across chunks", () => {
  const tee = new AnthropicStreamTee();
  const event = 'event: ping\ndata: {"type": "ping"}\n\n';
  assert.deepEqual(tee.push(encoder.encode(event.slice(0, 15))), []);
  const second = encoder.encode(event.slice(15) + "event: pi");
  const [out, ...more] = tee.push(second);
  assert.deepEqual(more, []);
  assert.equal(decoder.decode(out), event);
  // One copy holding just the event: the tail that starts the next event is not copied with it.
  assert.notEqual(out!.buffer, second.buffer);
  assert.equal(out!.buffer.byteLength, event.length);
  assert.equal(
    decoder.decode(tee.push(encoder.encode('ng\ndata: {"type": "ping"}\n\n'))[0]),
    event,
  );
});

Deno.test("AnthropicStreamTee parses only the events the log needs, and signed ones when marking", async () => {
  const bytes = await fixture("messages-stream-thinking-signature.sse");
  const events = decoder.decode(bytes).split("\n\n").filter((e) => e.trim() !== "");
  const signed = events.filter((e) => /signature|redacted_thinking/.test(e)).length;
  const summary = events.filter((e) => /^event: (message_start|message_delta|error)\n/.test(e));
  const parse = JSON.parse;
  let parsed = 0;
  JSON.parse = (...args: Parameters<typeof JSON.parse>) => (parsed++, parse(...args));
  try {
    run(randomSplit(bytes, 5, 100));
    assert.equal(parsed, summary.length);
    parsed = 0;
    run(randomSplit(bytes, 5, 100), "anthropic");
    assert.equal(parsed, summary.length + signed);
  } finally {
    JSON.parse = parse;
  }
  assert.ok(events.length > summary.length + signed);
});

Deno.test("parseFrame joins data lines and ignores comments", () => {
  assert.deepEqual(parseFrame(": keep-alive\nevent: x\ndata: a\ndata:b\n\n"), {
    event: "x",
    data: "a\nb",
  });
  assert.deepEqual(parseFrame(": only a comment\n\n"), {});
});

Deno.test("AnthropicStreamTee reports the client's model in message_start and nothing else changes", async () => {
  const bytes = await fixture("messages-stream-text-sonnet-4-5.sse");
  const text = decoder.decode(bytes);
  const expected = text.replace(
    '"model":"claude-sonnet-4-5-20250929"',
    '"model":"claude-opus-4-8"',
  );
  assert.notEqual(expected, text);
  const out = run(everyByte(bytes), undefined, "claude-opus-4-8").bytes;
  assert.equal(decoder.decode(out), expected);
  assert.deepEqual(run([bytes], undefined, "claude-sonnet-4-5-20250929").bytes, bytes);
});

Deno.test("spliceModel swaps the message's model in place, or declines", () => {
  const message = '{"id":"m","model" : "up-1","content":[{"type":"text","text":"hi"}]}';
  assert.equal(
    spliceModel(message, "up-1", "claude-x"),
    '{"id":"m","model" : "claude-x","content":[{"type":"text","text":"hi"}]}',
  );
  assert.equal(spliceModel(message, "other", "claude-x"), undefined);
  const late = '{"content":[{"type":"tool_use","input":{"model":"up-1"}}],"model":"up-1"}';
  assert.equal(spliceModel(late, "up-1", "claude-x"), undefined);
  assert.equal(spliceModel('{"id":"m"}', "up-1", "claude-x"), undefined);
});

/** The fixture's text with `broken` put in place of its second content_block_delta event. */
async function withBrokenEvent(broken: string): Promise<{ text: string; before: string }> {
  const text = decoder.decode(await fixture("messages-stream-text.sse"));
  const first = text.indexOf("event: content_block_delta");
  const second = text.indexOf("event: content_block_delta", first + 1);
  const after = text.indexOf("\n\n", second) + 2;
  return {
    text: text.slice(0, second) + broken + text.slice(after),
    before: text.slice(0, second),
  };
}

Deno.test("AnthropicStreamTee stops at an event that is not JSON and quotes it in the summary", async () => {
  const brokenEvents = [
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"te\n\n',
    "event: content_block_delta\ndata: <html>502 Bad Gateway</html>\n\n",
    "event: ping\ndata: ping\n\n",
    "data: not json at all\n\n",
    "event: message_stop\ndata: [1]\n\n",
  ];
  for (const broken of brokenEvents) {
    const { text, before } = await withBrokenEvent(broken);
    const bytes = encoder.encode(text);
    for (const pieces of [[bytes], everyByte(bytes), randomSplit(bytes, 7, 50)]) {
      const { bytes: out, tee } = run(pieces);
      assert.equal(decoder.decode(out), before, broken);
      assert.equal(tee.summary.unparsable, true);
      assert.equal(tee.summary.complete, false);
      assert.equal(tee.summary.error?.type, "api_error");
      const data = parseFrame(broken).data!;
      assert.equal(
        tee.summary.error?.message,
        `Upstream sent a stream event that is not a JSON object: ${JSON.stringify(data)}`,
      );
    }
  }
});

Deno.test("AnthropicStreamTee passes events of names it does not know unchecked", async () => {
  const { text } = await withBrokenEvent("event: future_event\ndata: not json\n\n");
  const { bytes, tee } = run([encoder.encode(text)]);
  assert.equal(decoder.decode(bytes), text);
  assert.equal(tee.summary.unparsable, undefined);
  assert.equal(tee.summary.complete, true);
});
