// The streaming half of `tool_call_repair`: fixes fragments as they pass and at the end. Pure.
//
// Arguments pass through live while they can still become a JSON object; from the first piece that
// cannot (a single quote, `True`, text after the object) they are held, and at the end the repaired
// remainder follows what was already sent. Cumulative snapshots are cut down to what is new. A call
// still without a name at the end is named when that is unambiguous. Failures become error chunks.
import { ProxyError } from "../errors.ts";
import type { ChatCompletionChunk, ChatDelta, ChatToolCallDelta } from "../wire/openai_types.ts";
import { ToolCallIndex } from "../translate/openai/tool_call_index.ts";
import { errorChunk, firstChoice, isRecord } from "./chunk_parts.ts";
import { isObjectText, JsonPrefixScanner, repairArguments } from "./json_repair.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { QuirkResponseContext } from "./quirk.ts";
import {
  MALFORMED_FINISH,
  matchToolName,
  noCallMessage,
  notObjectMessage,
  repairName,
  TOOL_FINISH_REASONS,
  TRUNCATED_FINISH,
} from "./tool_call_fixes.ts";

interface CallState {
  /** The upstream id, "" until one arrives. */
  upstreamId: string;
  index: number;
  name: string;
  /** Every argument piece, snapshots cut to what is new. */
  received: string;
  /** The arguments passed on so far. */
  sent: string;
  scanner: JsonPrefixScanner;
  /** Arguments are held from the first piece that cannot be part of a JSON object. */
  held: boolean;
}

/** The per-stream chunk transform of `tool_call_repair`. */
export class ToolCallStreamRepair implements ChunkTransform {
  #ctx: QuirkResponseContext;
  #calls = new ToolCallIndex<CallState>();
  #finishReason = "";
  #flushed = false;

  constructor(ctx: QuirkResponseContext) {
    this.#ctx = ctx;
  }

  push(chunk: ChatCompletionChunk): ChatCompletionChunk[] {
    const choice = firstChoice(chunk);
    if (!choice) return [chunk];
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    const delta = choice.delta;
    if (!delta || typeof delta !== "object") return [chunk];
    adoptLegacyCall(delta);
    const fragments = delta.tool_calls;
    if (!Array.isArray(fragments) || fragments.length === 0) return [chunk];
    fragments.forEach((fragment, position) => {
      if (fragment) this.#onFragment(fragment, position);
    });
    return [chunk];
  }

  flush(): ChatCompletionChunk[] {
    if (this.#flushed) return [];
    this.#flushed = true;
    const reason = this.#finishReason;
    if (this.#calls.calls.length === 0) {
      const promised = TOOL_FINISH_REASONS.has(reason) || MALFORMED_FINISH.test(reason);
      return promised ? [errorChunk(noCallMessage(reason))] : [];
    }
    const out: ChatCompletionChunk[] = [];
    for (const call of this.#calls.calls) {
      try {
        const fix = this.#finalFix(call);
        if (fix) out.push({ choices: [{ index: 0, delta: { tool_calls: [fix] } }] });
      } catch (error) {
        const message = error instanceof ProxyError ? error.message : String(error);
        return [errorChunk(message)];
      }
    }
    return out;
  }

  #onFragment(fragment: ChatToolCallDelta, position: number): void {
    const { call } = this.#calls.resolve(fragment, position, newCallState);
    const fn = fragment.function;
    if (!fn) return;
    if (typeof fn.name === "string" && fn.name !== "" && call.name === "") {
      const matched = matchToolName(fn.name, this.#ctx.request.tools ?? []);
      if (matched !== undefined && matched !== fn.name) {
        this.#ctx.note(`tool_call_repair: tool "${fn.name}" → "${matched}"`);
        fn.name = matched;
      }
      call.name = fn.name;
    }
    if (typeof fn.arguments === "string" && fn.arguments !== "") {
      fn.arguments = this.#onArguments(call, fn.arguments);
    }
  }

  /** Returns the piece to pass on for an argument piece. */
  #onArguments(call: CallState, piece: string): string {
    if (call.scanner.complete) return "";
    let fresh = piece;
    if (call.received.length >= 2 && piece.startsWith(call.received)) {
      fresh = piece.slice(call.received.length);
    }
    call.received += fresh;
    if (!call.held && call.scanner.push(fresh)) {
      call.sent += fresh;
      return fresh;
    }
    call.held = true;
    return "";
  }

  /** The fragment that completes a call at the end (arguments, name), or undefined. */
  #finalFix(call: CallState): ChatToolCallDelta | undefined {
    const fix: ChatToolCallDelta = { index: call.index, function: {} };
    if (call.upstreamId !== "") fix.id = call.upstreamId;
    let args = call.sent;
    if (!isObjectText(call.sent) && call.received.trim() !== "") {
      const repaired = repairArguments(call.received);
      if (repaired !== undefined && repaired.startsWith(call.sent)) {
        fix.function!.arguments = repaired.slice(call.sent.length);
        args = repaired;
        this.#ctx.note(`tool_call_repair: repaired the arguments of "${call.name}"`);
      } else if (!TRUNCATED_FINISH.has(this.#finishReason)) {
        throw new ProxyError(502, "api_error", notObjectMessage(call.name, call.received));
      }
    }
    if (call.name === "") {
      fix.function!.name = repairName("", args || "{}", this.#ctx.request.tools ?? [], this.#ctx);
    }
    return fix.function!.name !== undefined || fix.function!.arguments ? fix : undefined;
  }
}

/** A fresh call record at `index`. */
function newCallState(index: number): CallState {
  return {
    upstreamId: "",
    index,
    name: "",
    received: "",
    sent: "",
    scanner: new JsonPrefixScanner(),
    held: false,
  };
}

/** A legacy streamed `function_call` becomes the fragment of tool call 0. */
function adoptLegacyCall(delta: ChatDelta): void {
  const legacy = delta.function_call;
  if (!isRecord(legacy) || Array.isArray(delta.tool_calls)) return;
  const fn: { name?: string; arguments?: string } = {};
  if (typeof legacy.name === "string") fn.name = legacy.name;
  if (typeof legacy.arguments === "string") fn.arguments = legacy.arguments;
  delta.tool_calls = [{ index: 0, function: fn }];
}
