// Turns Gemini streamGenerateContent chunks into Anthropic stream events: a block state machine. Pure.
//
// Gemini streams whole parts: text and thought text in pieces, function calls whole. Runs of thought
// parts become one thinking block whose signature carries the run's thought signature; runs of text
// parts one text block. A function call waits until something else arrives (or the end) before its
// tool_use block goes out, so that a signature Gemini sends after the calls, on an empty text part,
// still reaches the first call of the step. The signature of a non-empty text part has no Anthropic
// field and is dropped (Gemini does not require it back).
import type {
  AnthropicErrorType,
  ContentDelta,
  StopReason,
  StreamEvent,
  Usage,
} from "../../wire/anthropic_types.ts";
import type {
  GeminiFunctionCall,
  GeminiPart,
  GeminiResponse,
  GeminiUsageMetadata,
} from "../../wire/gemini_types.ts";
import { isRecord } from "../../util/is_record.ts";
import type { StreamErrorType } from "../openai/stream.ts";
import type { StreamSummary } from "../anthropic/stream_summary.ts";
import {
  blockedPrompt,
  finishOutcome,
  type GeminiStopError,
  geminiUsage,
} from "./finish_reason.ts";
import { thinkingSignature, toolUseIdFor } from "./thought_signature.ts";

/** What the translator needs to know that the upstream chunks do not carry. */
export interface GeminiStreamTranslatorOptions {
  /** The model the client asked for; echoed back in `message_start`. */
  model: string;
  messageId: string;
  /** The provider's name: the origin in thinking-block signatures. */
  signatureOrigin: string;
  /** Makes a fresh `toolu_…` id. */
  newToolId: () => string;
  /** Estimated input tokens for `message_start`, since Gemini's counts come with the content. */
  inputTokens?: number;
  /** The client's name for a function name Gemini was given (the `tool_names` quirk). */
  clientToolName?: (name: string) => string;
}

type OpenBlock = { kind: "text"; index: number } | {
  kind: "thinking";
  index: number;
  signature?: string;
};

interface PendingCall {
  call: GeminiFunctionCall;
  signature?: string;
}

/**
 * Translates a stream of Gemini chunks into Anthropic events: `message_start`, well-nested content
 * blocks with increasing indices, then `message_delta` and `message_stop` on `finish()`, or an
 * `error` event when Gemini blocked the prompt or stopped the answer for a reason Anthropic has no
 * stop reason for.
 *
 * @example
 * ```ts
 * const translator = new GeminiStreamTranslator({
 *   model: "claude-sonnet-4-5",
 *   messageId: "msg_01",
 *   signatureOrigin: "gemini",
 *   newToolId: () => "toolu_01",
 * });
 * const events = [...chunks.flatMap((c) => translator.push(c)), ...translator.finish()];
 * ```
 */
export class GeminiStreamTranslator {
  #options: GeminiStreamTranslatorOptions;
  #started = false;
  #done = false;
  #nextIndex = 0;
  #open: OpenBlock | undefined;
  #pending: PendingCall[] = [];
  #calls = 0;
  #finishReason: string | null = null;
  #finishMessage: string | undefined;
  #usage: GeminiUsageMetadata | undefined;
  #stopReason: StopReason | null = null;
  #error: { type: StreamErrorType; message: string } | undefined;
  #errorStatus: number | undefined;

  constructor(options: GeminiStreamTranslatorOptions) {
    this.#options = options;
  }

  /** True once `finish()` or `fail()` has run; later calls return no events. */
  get done(): boolean {
    return this.#done;
  }

  /** The candidate's `finishReason` seen so far, or `null`. */
  get finishReason(): string | null {
    return this.#finishReason;
  }

  /** The HTTP status that goes with the error the translation ended with, if it did. */
  get errorStatus(): number | undefined {
    return this.#errorStatus;
  }

  /** Emits `message_start` now if it has not been emitted yet. */
  start(): StreamEvent[] {
    if (this.#started || this.#done) return [];
    this.#started = true;
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
        usage: { input_tokens: this.#options.inputTokens ?? 0, output_tokens: 0 },
      },
    }];
  }

  /** Returns the events caused by one upstream chunk (only the first candidate is read). */
  push(chunk: GeminiResponse): StreamEvent[] {
    if (this.#done) return [];
    const out = this.start();
    if (isRecord(chunk.usageMetadata)) this.#usage = chunk.usageMetadata;
    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
    const candidate = candidates.find((c) => isRecord(c) && (c.index ?? 0) === 0) ?? candidates[0];
    if (!isRecord(candidate)) {
      const block = chunk.promptFeedback?.blockReason;
      if (typeof block !== "string" || block === "") return out;
      const detail = chunk.promptFeedback?.blockReasonMessage;
      return out.concat(this.#failWith(blockedPrompt(block, text(detail))));
    }
    const parts = isRecord(candidate.content) && Array.isArray(candidate.content.parts)
      ? candidate.content.parts
      : [];
    for (const part of parts) if (isRecord(part)) this.#onPart(part as GeminiPart, out);
    if (typeof candidate.finishReason === "string" && candidate.finishReason !== "") {
      this.#finishReason = candidate.finishReason;
      this.#finishMessage = text(candidate.finishMessage);
    }
    return out;
  }

  /** Closes everything after the upstream ended: last blocks, then `message_delta` and `message_stop`. */
  finish(): StreamEvent[] {
    if (this.#done) return [];
    const out = this.start();
    this.#flushCalls(out);
    this.#closeOpen(out);
    const outcome = finishOutcome(this.#finishReason, {
      hasCalls: this.#calls > 0,
      finishMessage: this.#finishMessage,
    });
    if ("error" in outcome) return out.concat(this.#failWith(outcome.error));
    this.#done = true;
    this.#stopReason = outcome.stopReason;
    out.push({
      type: "message_delta",
      delta: { stop_reason: this.#stopReason, stop_sequence: null },
      usage: this.#finalUsage(),
    });
    out.push({ type: "message_stop" });
    return out;
  }

  /** Reports a broken upstream with one `error` event; closes nothing and ends the translation. */
  fail(error: { type: AnthropicErrorType; message: string }): StreamEvent[] {
    if (this.#done) return [];
    this.#done = true;
    this.#error = { type: error.type, message: error.message };
    return [{ type: "error", error: { type: error.type, message: error.message } }];
  }

  /** The stop reason, usage and error of the stream so far. */
  summary(): StreamSummary {
    const usage: Usage = { input_tokens: this.#options.inputTokens ?? 0, ...this.#finalUsage() };
    const summary: StreamSummary = { stopReason: this.#stopReason, usage };
    if (this.#error) summary.error = { ...this.#error };
    return summary;
  }

  #failWith(error: GeminiStopError): StreamEvent[] {
    const events = this.fail(error);
    if (events.length > 0) this.#errorStatus = error.status;
    return events;
  }

  #onPart(part: GeminiPart, out: StreamEvent[]): void {
    const signature = text(part.thoughtSignature);
    if (part.thought === true) this.#onThought(text(part.text) ?? "", signature, out);
    else if (isRecord(part.functionCall)) {
      this.#closeOpen(out);
      const call = part.functionCall as GeminiFunctionCall;
      this.#pending.push(signature === undefined ? { call } : { call, signature });
      this.#calls++;
    } else if (typeof part.text === "string") this.#onText(part.text, signature, out);
    // Other parts (inline images, code execution) have no place in an Anthropic answer.
  }

  #onThought(thought: string, signature: string | undefined, out: StreamEvent[]): void {
    if (this.#open?.kind !== "thinking") {
      this.#flushCalls(out);
      this.#closeOpen(out);
      const index = this.#nextIndex++;
      out.push({
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      this.#open = { kind: "thinking", index };
    }
    const open = this.#open;
    if (thought !== "") out.push(delta(open.index, { type: "thinking_delta", thinking: thought }));
    if (signature !== undefined) open.signature = signature;
  }

  #onText(value: string, signature: string | undefined, out: StreamEvent[]): void {
    if (value === "") {
      // A signature on an empty part after function calls belongs to the first call of the step.
      const first = this.#pending[0];
      if (signature !== undefined && first && first.signature === undefined) {
        first.signature = signature;
      }
      return;
    }
    this.#flushCalls(out);
    if (this.#open?.kind !== "text") {
      this.#closeOpen(out);
      const index = this.#nextIndex++;
      out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      this.#open = { kind: "text", index };
    }
    out.push(delta(this.#open.index, { type: "text_delta", text: value }));
  }

  /** Sends the waiting function calls as complete tool_use blocks. */
  #flushCalls(out: StreamEvent[]): void {
    if (this.#pending.length === 0) return;
    this.#closeOpen(out);
    for (const { call, signature } of this.#pending) {
      const index = this.#nextIndex++;
      const id = toolUseIdFor(call, signature, this.#options.newToolId);
      const upstreamName = typeof call.name === "string" ? call.name : "";
      const name = this.#options.clientToolName?.(upstreamName) ?? upstreamName;
      const input = isRecord(call.args) ? call.args : {};
      out.push({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id, name, input: {} },
      });
      out.push(delta(index, { type: "input_json_delta", partial_json: JSON.stringify(input) }));
      out.push({ type: "content_block_stop", index });
    }
    this.#pending = [];
  }

  #closeOpen(out: StreamEvent[]): void {
    const open = this.#open;
    if (!open) return;
    if (open.kind === "thinking") {
      const signature = thinkingSignature(this.#options.signatureOrigin, open.signature);
      out.push(delta(open.index, { type: "signature_delta", signature }));
    }
    out.push({ type: "content_block_stop", index: open.index });
    this.#open = undefined;
  }

  #finalUsage(): Partial<Usage> & { output_tokens: number } {
    return this.#usage ? geminiUsage(this.#usage) : { output_tokens: 0 };
  }
}

function delta(index: number, value: ContentDelta): StreamEvent {
  return { type: "content_block_delta", index, delta: value };
}

/** A non-empty string, or undefined. */
function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
