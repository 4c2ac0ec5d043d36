// Turns OpenAI chat-completion chunks into Anthropic stream events: a block state machine. Pure.
//
// Anthropic allows one open content block at a time, while OpenAI may interleave reasoning, text and
// several tool calls. Content therefore flows through one ordered queue of segments:
// - text and reasoning stream live while their block is open; reasoning becomes a `thinking` block
//   that gets a `signature_delta` (the caller's signature) just before it closes;
// - a tool call streams its arguments live while its block is open. It keeps the slot until its
//   arguments form a complete JSON object, so anything arriving meanwhile (another call, text) is
//   queued and flushed in order of first appearance once the slot frees, or at `finish()`;
// - a tool call waits in the queue until its name is known (or until `finish()`);
// - once a call's arguments are a complete JSON object, further fragments for it are ignored:
//   they could only make the JSON invalid (repeated snapshots, stray fragments).
import type {
  AnthropicErrorType,
  ContentDelta,
  ResponseBlock,
  StopReason,
  StreamEvent,
  Usage,
} from "../../wire/anthropic_types.ts";
import type {
  ChatCompletionChunk,
  ChatDelta,
  ChatToolCallDelta,
  ChatUsage,
} from "../../wire/openai_types.ts";
import { errorEvent } from "../anthropic/errors.ts";
import type { StreamSummary } from "../anthropic/stream_summary.ts";
import { toolUseId } from "./ids.ts";
import { ToolCallIndex } from "./tool_call_index.ts";
import { contentSegments, mapFinishReason, mapUsage, reasoningText } from "./response.ts";
import type { JsonOutputFormat } from "../anthropic/output_format.ts";
import { JsonAnswerGate } from "../anthropic/json_answer_gate.ts";
import { StopSequenceStream } from "../anthropic/stop_sequences.ts";
import { omittedThinkingSignature } from "../anthropic/signature.ts";
import { promptTooLongMessage, readContextOverflow } from "../anthropic/context_overflow.ts";

/** What the translator needs to know that the upstream chunks do not carry. */
export interface StreamTranslatorOptions {
  /** The model the client asked for; echoed back in `message_start`. */
  model: string;
  messageId: string;
  /** The signature sent as `signature_delta` on every thinking block (computed by the caller). */
  signature: string;
  /** Makes a fresh `toolu_…` id for tool calls whose upstream id is missing or unusable. */
  newToolId: () => string;
  /** Estimated input tokens for `message_start`, since upstream usage usually comes at the end. */
  inputTokens?: number;
  /** Send thinking blocks with empty text, the text inside the signature (`display: "omitted"`). */
  omitThinking?: boolean;
  /** Structured output: the answer is held back and checked against it before it is sent. */
  outputFormat?: JsonOutputFormat;
  /**
   * The request's stop sequences: the text ends at the first one (held back while it may be
   * starting), nothing after it is sent, and the stop reason is `stop_sequence`.
   */
  stopSequences?: readonly string[];
  /** Report the reasoning tokens as `usage.output_tokens_details.thinking_tokens`. */
  thinkingTokens?: boolean;
}

/** Why a stream ended abnormally: an Anthropic error type, or `client_closed` for a cancelled stream. */
export type StreamErrorType = AnthropicErrorType | "client_closed";

interface ToolCall {
  /** The upstream id, "" until one arrives. */
  upstreamId: string;
  name: string;
  args: string;
  /** The arguments already form a complete JSON object. */
  complete: boolean;
}

type Segment = { kind: "text" | "thinking"; text: string } | { kind: "tool"; call: ToolCall };
type OpenBlock = { kind: "text" | "thinking"; index: number } | {
  kind: "tool";
  index: number;
  call: ToolCall;
};

/**
 * Translates a stream of OpenAI chunks into Anthropic events: `message_start`, well-nested
 * content blocks with increasing indices, then `message_delta` and `message_stop` on `finish()`.
 *
 * @example
 * ```ts
 * const translator = new StreamTranslator({
 *   model: "claude-sonnet-4-5",
 *   messageId: "msg_01",
 *   signature: "sig",
 *   newToolId: () => "toolu_01",
 * });
 * const events = [...chunks.flatMap((c) => translator.push(c)), ...translator.finish()];
 * ```
 */
export class StreamTranslator {
  #options: StreamTranslatorOptions;
  #started = false;
  #done = false;
  #nextIndex = 0;
  #open: OpenBlock | undefined;
  #queue: Segment[] = [];
  #calls = new ToolCallIndex<ToolCall>();
  #finishReason: string | null = null;
  #usage: ChatUsage | undefined;
  #stopReason: StopReason | null = null;
  #error: { type: StreamErrorType; message: string } | undefined;
  #gate: JsonAnswerGate | undefined;
  #stops: StopSequenceStream | undefined;
  /** The text of the open thinking block, when thinking is omitted. */
  #omitted = "";

  constructor(options: StreamTranslatorOptions) {
    this.#options = options;
    if (options.outputFormat) this.#gate = new JsonAnswerGate(options.outputFormat);
    if (options.stopSequences?.length) this.#stops = new StopSequenceStream(options.stopSequences);
  }

  /** True once `finish()` or `fail()` has run; later calls return no events. */
  get done(): boolean {
    return this.#done;
  }

  /** The upstream `finish_reason` seen so far, or `null`. */
  get finishReason(): string | null {
    return this.#finishReason;
  }

  /** Emits `message_start` now if it has not been emitted yet. */
  start(): StreamEvent[] {
    if (this.#started || this.#done) return [];
    this.#started = true;
    const usage = { input_tokens: this.#options.inputTokens ?? 0, output_tokens: 0 };
    return [{
      type: "message_start",
      message: {
        id: this.#options.messageId,
        type: "message",
        role: "assistant",
        model: this.#options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    }];
  }

  /** Returns the events caused by one upstream chunk (only choice 0 is read). */
  push(chunk: ChatCompletionChunk): StreamEvent[] {
    if (this.#done) return [];
    const out = this.start();
    if (chunk.usage) this.#usage = chunk.usage;
    const choice = chunk.choices?.find((c) => (c?.index ?? 0) === 0);
    if (!choice) return out;
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    if (choice.delta) this.#onDelta(choice.delta, out);
    return this.#gate ? this.#gate.pass(out) : out;
  }

  /** Closes everything after the upstream ended cleanly: last blocks, `message_delta`, `message_stop`. */
  finish(): StreamEvent[] {
    if (this.#done) return [];
    const out = this.start();
    this.#releaseHeld(out);
    this.#drain(out, true);
    this.#closeOpen(out);
    this.#done = true;
    const stop = this.#stops?.stop;
    this.#stopReason = stop !== undefined
      ? "stop_sequence"
      : mapFinishReason(this.#finishReason, this.#calls.calls.length > 0);
    out.push({
      type: "message_delta",
      delta: { stop_reason: this.#stopReason, stop_sequence: stop ?? null },
      usage: this.#finalUsage(),
    });
    out.push({ type: "message_stop" });
    if (!this.#gate) return out;
    const gated = this.#gate.close(out, this.#stopReason);
    if (gated.error) {
      this.#error = gated.error;
      this.#stopReason = null;
    }
    return gated.events;
  }

  /** Reports a broken upstream with one `error` event; closes nothing and ends the translation. */
  fail(error: { type: AnthropicErrorType; message: string }): StreamEvent[] {
    if (this.#done) return [];
    this.#done = true;
    const reported = overflowInAnthropicWords(error, this.#options.inputTokens);
    this.#error = { type: reported.type, message: reported.message };
    return [errorEvent(reported)];
  }

  /** The stop reason, usage and error of the stream so far. */
  summary(): StreamSummary {
    const summary: StreamSummary = { stopReason: this.#stopReason, usage: this.#summaryUsage() };
    if (this.#error) summary.error = { ...this.#error };
    return summary;
  }

  #onDelta(delta: ChatDelta, out: StreamEvent[]): void {
    const reasoning = reasoningText(delta);
    if (reasoning !== "") this.#onContent({ kind: "thinking", text: reasoning }, out);
    for (const segment of contentSegments(delta.content)) this.#onContent(segment, out);
    // A refusal is what the model says instead of an answer: the client shows it as text.
    if (typeof delta.refusal === "string" && delta.refusal !== "") {
      this.#onContent({ kind: "text", text: delta.refusal }, out);
    }
    const fragments = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
    if (fragments.length > 0) this.#releaseHeld(out);
    fragments.forEach((fragment, position) => {
      if (fragment && this.#stops?.stop === undefined) {
        this.#onToolFragment(fragment, position, out);
      }
    });
  }

  /**
   * Text goes through the stop sequences first; once one is found, nothing more comes. Other
   * content ends the text, so what the stop sequences held of it goes out before that content.
   */
  #onContent(segment: { kind: "text" | "thinking"; text: string }, out: StreamEvent[]): void {
    const stops = this.#stops;
    if (stops?.stop !== undefined) return;
    if (!stops) this.#onText(segment, out);
    else if (segment.kind === "thinking") {
      this.#releaseHeld(out);
      this.#onText(segment, out);
    } else {
      const cut = stops.push(segment.text);
      if (cut.text !== "") this.#onText({ kind: "text", text: cut.text }, out);
    }
  }

  /** Sends the text the stop sequences held while it could have begun one. */
  #releaseHeld(out: StreamEvent[]): void {
    const held = this.#stops?.flush() ?? "";
    if (held !== "") this.#onText({ kind: "text", text: held }, out);
  }

  #onText(segment: { kind: "text" | "thinking"; text: string }, out: StreamEvent[]): void {
    const open = this.#open;
    if (this.#queue.length === 0 && open?.kind === segment.kind) {
      this.#contentDelta(open.index, segment, out);
      return;
    }
    const last = this.#queue.at(-1);
    if (last && last.kind === segment.kind) last.text += segment.text;
    else this.#queue.push({ ...segment });
    this.#drain(out, false);
  }

  #onToolFragment(fragment: ChatToolCallDelta, position: number, out: StreamEvent[]): void {
    const { call, created } = this.#calls.resolve(fragment, position, newToolCall);
    if (created) this.#queue.push({ kind: "tool", call });
    const name = fragment.function?.name;
    if (typeof name === "string" && name !== "" && call.name === "") call.name = name;
    const args = fragment.function?.arguments;
    if (typeof args === "string" && args !== "" && !call.complete) {
      call.args += args;
      call.complete = isCompleteObject(call.args);
      const open = this.#open;
      if (open?.kind === "tool" && open.call === call) {
        out.push({
          type: "content_block_delta",
          index: open.index,
          delta: { type: "input_json_delta", partial_json: args },
        });
      }
    }
    this.#drain(out, false);
  }

  /** Opens queued segments while the slot is free; `force` ignores unfinished calls (at the end). */
  #drain(out: StreamEvent[], force: boolean): void {
    while (this.#queue.length > 0) {
      const open = this.#open;
      if (!force && open?.kind === "tool" && !open.call.complete) return;
      const head = this.#queue[0]!;
      if (!force && head.kind === "tool" && head.call.name === "") return;
      this.#queue.shift();
      if (head.kind !== "tool" && open?.kind === head.kind) {
        this.#contentDelta(open.index, head, out);
        continue;
      }
      this.#closeOpen(out);
      this.#openBlock(head, out);
    }
  }

  #openBlock(segment: Segment, out: StreamEvent[]): void {
    const index = this.#nextIndex++;
    if (segment.kind === "tool") {
      const { call } = segment;
      const id = toolUseId(call.upstreamId, this.#options.newToolId);
      const block: ResponseBlock = { type: "tool_use", id, name: call.name, input: {} };
      out.push({ type: "content_block_start", index, content_block: block });
      if (call.args !== "") {
        const delta: ContentDelta = { type: "input_json_delta", partial_json: call.args };
        out.push({ type: "content_block_delta", index, delta });
      }
      this.#open = { kind: "tool", index, call };
      return;
    }
    const block: ResponseBlock = segment.kind === "text"
      ? { type: "text", text: "" }
      : { type: "thinking", thinking: "", signature: "" };
    out.push({ type: "content_block_start", index, content_block: block });
    this.#contentDelta(index, segment, out);
    this.#open = { kind: segment.kind, index };
  }

  /** A text or thinking delta; omitted thinking is kept for the signature instead. */
  #contentDelta(
    index: number,
    segment: { kind: "text" | "thinking"; text: string },
    out: StreamEvent[],
  ): void {
    if (segment.kind === "thinking" && this.#options.omitThinking) this.#omitted += segment.text;
    else out.push(contentDelta(index, segment.kind, segment.text));
  }

  #closeOpen(out: StreamEvent[]): void {
    const open = this.#open;
    if (!open) return;
    if (open.kind === "thinking") {
      const signature = this.#options.omitThinking
        ? omittedThinkingSignature(this.#options.signature, this.#omitted)
        : this.#options.signature;
      this.#omitted = "";
      const delta: ContentDelta = { type: "signature_delta", signature };
      out.push({ type: "content_block_delta", index: open.index, delta });
    }
    out.push({ type: "content_block_stop", index: open.index });
    this.#open = undefined;
  }

  /** `message_delta` usage: output tokens always, input and cache counts once upstream reported them. */
  #finalUsage(): Partial<Usage> & { output_tokens: number } {
    if (!this.#usage) return { output_tokens: 0 };
    const options = this.#options.thinkingTokens ? { thinkingTokens: true } : {};
    const { input_tokens, ...rest } = mapUsage(this.#usage, options);
    return typeof this.#usage.prompt_tokens === "number" ? { input_tokens, ...rest } : rest;
  }

  #summaryUsage(): Usage {
    return { input_tokens: this.#options.inputTokens ?? 0, ...this.#finalUsage() };
  }
}

/** The prefix the stream glue puts before an upstream's own in-stream error message. */
const STREAM_ERROR_PREFIX = "Upstream stream error: ";

/**
 * An in-stream error as sent on: a context overflow the upstream reports inside the stream (the
 * Responses API does) becomes Anthropic's `prompt is too long`, any other error stays as it is.
 */
function overflowInAnthropicWords(
  error: { type: AnthropicErrorType; message: string },
  inputTokens: number | undefined,
): { type: AnthropicErrorType; message: string } {
  if (error.type !== "invalid_request_error") return error;
  const found = readContextOverflow(error.message);
  if (!found) return error;
  const own = error.message.startsWith(STREAM_ERROR_PREFIX)
    ? error.message.slice(STREAM_ERROR_PREFIX.length)
    : error.message;
  const estimate = inputTokens === undefined ? {} : { inputTokens };
  return { type: "invalid_request_error", message: promptTooLongMessage(found, estimate, own) };
}

function newToolCall(): ToolCall {
  return { upstreamId: "", name: "", args: "", complete: false };
}

function contentDelta(index: number, kind: "text" | "thinking", text: string): StreamEvent {
  const delta: ContentDelta = kind === "text"
    ? { type: "text_delta", text }
    : { type: "thinking_delta", thinking: text };
  return { type: "content_block_delta", index, delta };
}

/** True when the accumulated arguments are a complete JSON object (checked only at a closing brace). */
function isCompleteObject(args: string): boolean {
  const text = args.trimEnd();
  if (!text.endsWith("}")) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
