// Test helpers for byte streams, SSE parsing, the Anthropic event grammar and message reassembly.
import assert from "node:assert/strict";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { StreamEvent } from "../../src/wire/anthropic_types.ts";
import type { ChunkSource } from "../../src/wire/chunk_source.ts";
import type { ChatCompletionChunk } from "../../src/wire/openai_types.ts";

/** Reads a chunk source to its end as UTF-8 text. */
export async function readSourceText(source: ChunkSource): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await source.read();
    if (done || !value) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

/** A byte source whose pieces are served one per read, recording whether it was cancelled. */
export interface ByteSource {
  stream: ReadableStream<Uint8Array>;
  /** Resolves with the cancel reason when the consumer cancels the stream. */
  cancelled: Promise<unknown>;
  wasCancelled: () => boolean;
}

/** Serves `pieces` one per pull, then closes (or stays open when `keepOpen`). */
export function byteSource(pieces: Uint8Array[], options: { keepOpen?: boolean } = {}): ByteSource {
  let resolveCancel: (reason: unknown) => void = () => {};
  const cancelled = new Promise<unknown>((resolve) => (resolveCancel = resolve));
  let cancelCalled = false;
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[next++];
      if (piece !== undefined) return controller.enqueue(piece);
      if (!options.keepOpen) return controller.close();
      return new Promise<void>(() => {}); // silent until cancelled
    },
    cancel(reason) {
      cancelCalled = true;
      resolveCancel(reason);
    },
  }, { highWaterMark: 0 });
  return { stream, cancelled, wasCancelled: () => cancelCalled };
}

/** Reads a byte stream to the end and decodes it as UTF-8. */
export async function collectText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const piece of stream) text += decoder.decode(piece, { stream: true });
  return text + decoder.decode();
}

/** Splits `bytes` into consecutive pieces of the given sizes (the last piece takes the rest). */
export function chunked(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    if (offset >= bytes.length) break;
    pieces.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  if (offset < bytes.length) pieces.push(bytes.slice(offset));
  return pieces;
}

/** Splits `bytes` at pseudo-random boundaries (1 to `maxPiece` bytes) drawn from `seed`. */
export function randomSplit(bytes: Uint8Array, seed: number, maxPiece = 64): Uint8Array[] {
  const random = mulberry32(seed);
  const sizes: number[] = [];
  for (let total = 0; total < bytes.length;) {
    const size = 1 + Math.floor(random() * maxPiece);
    sizes.push(size);
    total += size;
  }
  return chunked(bytes, sizes);
}

/** A small seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses SSE text into messages with the same parser the proxy uses. */
export function parseSse(text: string): EventSourceMessage[] {
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => messages.push(message) });
  parser.feed(text);
  return messages;
}

/** Parses Anthropic SSE output, checking that every `event:` name equals its JSON `type`. */
export function parseAnthropicSse(text: string): StreamEvent[] {
  return parseSse(text).map((message) => {
    const event = JSON.parse(message.data) as StreamEvent;
    assert.equal(message.event, event.type, `event name "${message.event}" differs from its type`);
    return event;
  });
}

/** Asserts the Anthropic streaming grammar; `error: true` expects an `error` event last. */
export function assertAnthropicGrammar(
  events: StreamEvent[],
  options: { error?: boolean } = {},
): void {
  assert.equal(events[0]?.type, "message_start", "the first event must be message_start");
  assert.equal(events.filter((e) => e.type === "message_start").length, 1);
  const blockTypes: string[] = [];
  let open: number | undefined;
  let phase: "blocks" | "delta" | "stopped" | "error" = "blocks";
  events.slice(1).forEach((event, position) => {
    const where = `event ${position + 1} (${event.type})`;
    assert.ok(phase === "blocks" || phase === "delta", `${where} after the end`);
    switch (event.type) {
      case "ping":
        break;
      case "content_block_start":
        assert.equal(phase, "blocks", where);
        assert.equal(open, undefined, `${where}: block ${open} is still open`);
        assert.equal(event.index, blockTypes.length, `${where}: indices must be 0, 1, 2…`);
        blockTypes.push(event.content_block.type);
        open = event.index;
        break;
      case "content_block_delta": {
        assert.equal(event.index, open, `${where}: delta for a block that is not open`);
        const expected = DELTA_BLOCK[event.delta.type];
        assert.equal(blockTypes[event.index], expected, `${where}: ${event.delta.type} in a block`);
        break;
      }
      case "content_block_stop":
        assert.equal(event.index, open, `${where}: stop for a block that is not open`);
        open = undefined;
        break;
      case "message_delta":
        assert.equal(phase, "blocks", where);
        assert.equal(open, undefined, `${where}: block ${open} is still open`);
        phase = "delta";
        break;
      case "message_stop":
        assert.equal(phase, "delta", `${where}: message_stop without message_delta`);
        phase = "stopped";
        break;
      case "error":
        phase = "error";
        break;
      default:
        assert.fail(`${where}: unexpected event`);
    }
  });
  assert.equal(phase, options.error ? "error" : "stopped", "the stream ended in the wrong state");
  assertSignatureBeforeStop(events);
}

const DELTA_BLOCK: Record<string, string> = {
  text_delta: "text",
  input_json_delta: "tool_use",
  thinking_delta: "thinking",
  signature_delta: "thinking",
};

function assertSignatureBeforeStop(events: StreamEvent[]): void {
  const thinking = new Set<number>();
  events.forEach((event, position) => {
    if (event.type === "content_block_start" && event.content_block.type === "thinking") {
      thinking.add(event.index);
    }
    if (event.type === "content_block_stop" && thinking.has(event.index)) {
      const previous = events[position - 1];
      assert.ok(
        previous?.type === "content_block_delta" && previous.delta.type === "signature_delta",
        `thinking block ${event.index} must end with a signature_delta`,
      );
    }
  });
}

/** The content of a message, reduced to what both APIs can express. */
export interface Reassembled {
  text: string;
  thinking: string;
  tools: Array<{ name: string; input: unknown }>;
}

/** Reassembles Anthropic events the way a client does (empty tool input is `{}`). */
export function reassembleAnthropic(events: StreamEvent[]): Reassembled & { ids: string[] } {
  const result = { text: "", thinking: "", tools: [] as Reassembled["tools"], ids: [] as string[] };
  const json = new Map<number, string>();
  const names = new Map<number, string>();
  for (const event of events) {
    if (event.type === "content_block_start" && event.content_block.type === "tool_use") {
      json.set(event.index, "");
      names.set(event.index, event.content_block.name);
      result.ids.push(event.content_block.id);
    } else if (event.type === "content_block_delta") {
      const { delta } = event;
      if (delta.type === "text_delta") result.text += delta.text;
      if (delta.type === "thinking_delta") result.thinking += delta.thinking;
      if (delta.type === "input_json_delta") {
        json.set(event.index, (json.get(event.index) ?? "") + delta.partial_json);
      }
    } else if (event.type === "content_block_stop" && json.has(event.index)) {
      const text = json.get(event.index) ?? "";
      result.tools.push({ name: names.get(event.index) ?? "", input: parseInput(text) });
    }
  }
  return result;
}

/** Reassembles OpenAI chunks directly: choice 0, tool calls keyed by index, arguments joined. */
export function reassembleOpenAI(chunks: ChatCompletionChunk[]): Reassembled {
  const result: Reassembled = { text: "", thinking: "", tools: [] };
  const calls = new Map<number, { name: string; args: string }>();
  for (const chunk of chunks) {
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    const delta = choice?.delta;
    if (!delta) continue;
    result.thinking += delta.reasoning_content || delta.reasoning || "";
    if (typeof delta.content === "string") result.text += delta.content;
    for (const part of Array.isArray(delta.content) ? delta.content : []) {
      if (part.type === "text") result.text += part.text ?? "";
      if (part.type === "thinking" && Array.isArray(part.thinking)) {
        result.thinking += part.thinking.map((p: { text?: string }) => p.text ?? "").join("");
      }
    }
    for (const fragment of delta.tool_calls ?? []) {
      const call = calls.get(fragment.index ?? 0) ?? { name: "", args: "" };
      call.name ||= fragment.function?.name ?? "";
      call.args += fragment.function?.arguments ?? "";
      calls.set(fragment.index ?? 0, call);
    }
  }
  const ordered = [...calls.entries()].sort(([a], [b]) => a - b);
  result.tools = ordered.map(([, call]) => ({ name: call.name, input: parseInput(call.args) }));
  return result;
}

function parseInput(text: string): unknown {
  return text === "" ? {} : JSON.parse(text);
}

/** Turns a fixture into SSE bytes: `.sse` as is; `.jsonl` lines wrapped as `data:` frames plus `[DONE]`. */
export function fixtureSse(name: string, content: string): string {
  if (!name.endsWith(".jsonl")) return content;
  const lines = content.split("\n").filter((line) => line.trim() !== "");
  return lines.map((line) => `data: ${line}\n\n`).join("") + "data: [DONE]\n\n";
}

/** The JSON chunks of an OpenAI SSE body, up to `[DONE]` or an error, skipping comments and junk. */
export function openAIChunks(sse: string): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  for (const message of parseSse(sse)) {
    if (message.event === "error" || message.data.trim() === "[DONE]") break;
    let chunk: ChatCompletionChunk;
    try {
      chunk = JSON.parse(message.data);
    } catch {
      continue;
    }
    if (chunk.error) break;
    chunks.push(chunk);
  }
  return chunks;
}
