// Turns OpenAI Responses API stream events into chat-completion chunks for the translator. Pure.
//
// Each parsed Responses event becomes zero or more `chat.completion.chunk`s on choice 0:
// text, refusal and reasoning deltas map one to one; a `function_call` output item becomes a
// `tool_calls` entry numbered by its position among the response's calls; `response.completed`
// and `response.incomplete` give the finish_reason and usage; `response.failed` and `error`
// events give a chunk carrying an Anthropic-typed `error`, which ends the stream.
import type { ChatCompletionChunk, ChatDelta, ChatUsage } from "../../wire/openai_types.ts";
import type { ChunkTransform } from "../openai/stream_pipeline.ts";
import { errorTypeForCode, upstreamStreamErrorMessage } from "../anthropic/errors.ts";
import { chatUsageFromResponses, incompleteFinishReason } from "./responses.ts";
import type { ResponsesUsage } from "../../wire/responses_types.ts";

/** The fields of a Responses stream event this adapter reads; anything may be missing. */
export interface ResponsesStreamEvent {
  type?: string;
  delta?: string;
  item_id?: string;
  output_index?: number;
  summary_index?: number;
  arguments?: string;
  item?: ResponsesStreamItem;
  response?: {
    usage?: ResponsesUsage | null;
    incomplete_details?: { reason?: string | null } | null;
    error?: { code?: string | null; type?: string | null; message?: string | null } | null;
    [key: string]: unknown;
  };
  /** Top-level `error` events: `code` and `message` here, or inside `error`. */
  code?: string | null;
  message?: string | null;
  error?: { code?: string | null; type?: string | null; message?: string | null } | null;
  [key: string]: unknown;
}

/** An output item as `response.output_item.added` / `.done` carry it. */
export interface ResponsesStreamItem {
  id?: string;
  type?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
  [key: string]: unknown;
}

interface FunctionCall {
  /** The call's position among the response's function calls: its `tool_calls[].index`. */
  index: number;
  /** Whether any argument text was sent for it. */
  sentArgs: boolean;
}

/**
 * A {@linkcode ChunkTransform} whose input chunks are parsed Responses API stream events; its
 * output are chat-completion chunks, passed through `next` when given.
 *
 * @example
 * ```ts
 * const body = anthropicEventStream(upstream.body!, translator, {
 *   transform: responsesChunkTransform(quirks),
 * });
 * ```
 */
export function responsesChunkTransform(next?: ChunkTransform): ChunkTransform {
  const adapter = new ResponsesAdapter();
  if (!next) return { push: (chunk) => adapter.push(chunk), flush: () => [] };
  return {
    push: (chunk) => adapter.push(chunk).flatMap((out) => next.push(out)),
    flush: () => next.flush(),
  };
}

class ResponsesAdapter {
  #callsById = new Map<string, FunctionCall>();
  #callsByOutput = new Map<number, FunctionCall>();
  #callCount = 0;
  /** Reasoning text was sent; a later summary part or reasoning item starts with a blank line. */
  #reasoningSent = false;
  #separateReasoning = false;

  push(chunk: ChatCompletionChunk): ChatCompletionChunk[] {
    const event = chunk as ResponsesStreamEvent;
    switch (event.type) {
      case "response.output_text.delta":
        return textChunk("content", event.delta);
      case "response.refusal.delta":
        return textChunk("refusal", event.delta);
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        return this.#reasoning(event.delta);
      case "response.reasoning_summary_part.added":
        if ((event.summary_index ?? 0) > 0) this.#separateReasoning = true;
        return [];
      case "response.output_item.added":
        return this.#itemAdded(event);
      case "response.function_call_arguments.delta":
        return this.#argumentsDelta(event);
      case "response.function_call_arguments.done":
        return this.#argumentsDone(
          this.#findCall(event.item_id, event.output_index),
          event.arguments,
        );
      case "response.output_item.done":
        return this.#itemDone(event);
      case "response.completed":
        return [this.#finish(this.#callCount > 0 ? "tool_calls" : "stop", event)];
      case "response.incomplete":
        return [
          this.#finish(incompleteFinishReason(event.response?.incomplete_details?.reason), event),
        ];
      case "response.failed":
        return [errorChunk(event.response?.error, "Response failed")];
      case "error":
        return [errorChunk(event.error ?? { code: event.code, message: event.message }, "Error")];
      default:
        return [];
    }
  }

  #reasoning(text: unknown): ChatCompletionChunk[] {
    if (typeof text !== "string" || text === "") return [];
    const separator = this.#separateReasoning && this.#reasoningSent ? "\n\n" : "";
    this.#separateReasoning = false;
    this.#reasoningSent = true;
    return [deltaChunk({ reasoning_content: separator + text })];
  }

  #itemAdded(event: ResponsesStreamEvent): ChatCompletionChunk[] {
    const item = event.item;
    if (item?.type === "reasoning") {
      this.#separateReasoning = true;
      return [];
    }
    if (item?.type !== "function_call") return [];
    return [this.#startCall(item, event.output_index)];
  }

  #startCall(item: ResponsesStreamItem, outputIndex: number | undefined): ChatCompletionChunk {
    const args = typeof item.arguments === "string" ? item.arguments : "";
    const call: FunctionCall = { index: this.#callCount++, sentArgs: args !== "" };
    if (typeof item.id === "string") this.#callsById.set(item.id, call);
    if (typeof outputIndex === "number") this.#callsByOutput.set(outputIndex, call);
    return deltaChunk({
      tool_calls: [{
        index: call.index,
        id: typeof item.call_id === "string" ? item.call_id : "",
        type: "function",
        function: { name: typeof item.name === "string" ? item.name : "", arguments: args },
      }],
    });
  }

  /** A call by its output item's id, else by its output index. */
  #findCall(itemId: unknown, outputIndex: unknown): FunctionCall | undefined {
    const byId = typeof itemId === "string" ? this.#callsById.get(itemId) : undefined;
    if (byId) return byId;
    return typeof outputIndex === "number" ? this.#callsByOutput.get(outputIndex) : undefined;
  }

  #argumentsDelta(event: ResponsesStreamEvent): ChatCompletionChunk[] {
    const call = this.#findCall(event.item_id, event.output_index);
    const text = event.delta;
    if (!call || typeof text !== "string" || text === "") return [];
    call.sentArgs = true;
    return [argumentsChunk(call, text)];
  }

  /** The whole arguments of a call that streamed none, once. */
  #argumentsDone(call: FunctionCall | undefined, args: unknown): ChatCompletionChunk[] {
    if (!call || call.sentArgs || typeof args !== "string" || args === "") return [];
    call.sentArgs = true;
    return [argumentsChunk(call, args)];
  }

  #itemDone(event: ResponsesStreamEvent): ChatCompletionChunk[] {
    const item = event.item;
    if (item?.type !== "function_call") return [];
    const call = this.#findCall(item.id, event.output_index);
    // A call announced only when done: start it with its full arguments.
    if (!call) return [this.#startCall(item, event.output_index)];
    return this.#argumentsDone(call, item.arguments);
  }

  #finish(reason: string, event: ResponsesStreamEvent): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      choices: [{ index: 0, delta: {}, finish_reason: reason }],
    };
    const usage = chatUsage(event.response?.usage);
    if (usage) chunk.usage = usage;
    return chunk;
  }
}

function deltaChunk(delta: ChatDelta): ChatCompletionChunk {
  return { choices: [{ index: 0, delta }] };
}

function textChunk(field: "content" | "refusal", text: unknown): ChatCompletionChunk[] {
  if (typeof text !== "string" || text === "") return [];
  return [deltaChunk({ [field]: text })];
}

function argumentsChunk(call: FunctionCall, args: string): ChatCompletionChunk {
  return deltaChunk({ tool_calls: [{ index: call.index, function: { arguments: args } }] });
}

/** Maps Responses usage to chat-completions usage, or undefined when there is none. */
function chatUsage(usage: ResponsesUsage | null | undefined): ChatUsage | undefined {
  return usage && typeof usage === "object" ? chatUsageFromResponses(usage) : undefined;
}

/** A chunk carrying the Anthropic error for a Responses error object (`code`/`type`, `message`). */
function errorChunk(
  error: { code?: unknown; type?: unknown; message?: unknown } | null | undefined,
  fallback: string,
): ChatCompletionChunk {
  const code = typeof error?.code === "string" && error.code !== "" ? error.code : error?.type;
  const text = typeof error?.message === "string" && error.message !== ""
    ? error.message
    : typeof code === "string" && code !== ""
    ? code
    : fallback;
  return {
    error: {
      type: errorTypeForCode(code) ?? "api_error",
      message: upstreamStreamErrorMessage(text),
    },
  };
}
