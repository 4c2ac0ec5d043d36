// Quirk `gemini_thought_signatures`: signatures ride in tool_use ids to the next turn. Pure.
//
// Gemini (OpenAI-compatible endpoint) puts a thought signature on function calls, at
// `tool_calls[].extra_content.google.thought_signature` (older models: on the message), and refuses
// the next turn with "Function call is missing a thought_signature" unless it comes back. Tool-call
// ids may be empty. The signature is encoded into the tool_use id with the upstream id (or a fresh
// one when empty); the request hook decodes it and puts it back on the call. A first call that has
// no signature (made by another model) gets Gemini's documented skip sentinel instead.
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatToolCallDelta,
} from "../wire/openai_types.ts";
import { firstDelta, firstMessage, isRecord, plural } from "./chunk_parts.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { Quirk, QuirkRequestContext, QuirkResponseContext } from "./quirk.ts";
import { encodeToolId, restoreToolIds } from "./tool_ids.ts";
import { checksSignatures, SKIP_SIGNATURE } from "../translate/gemini/thought_signature.ts";

export { SKIP_SIGNATURE };

/** The thought signature in an `extra_content` (or a bare `thought_signature`) of `source`. */
export function thoughtSignature(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  const extra = source.extra_content;
  const google = isRecord(extra) ? extra.google : undefined;
  const signature = isRecord(google) ? google.thought_signature : undefined;
  if (typeof signature === "string" && signature !== "") return signature;
  const bare = source.thought_signature;
  return typeof bare === "string" && bare !== "" ? bare : undefined;
}

/** The quirk: carry thought signatures through Claude Code's history inside tool_use ids. */
export const geminiThoughtSignatures: Quirk = {
  name: "gemini_thought_signatures",
  summary: "Gemini thought signatures (and empty tool-call ids) survive the round trip",
  request(req: ChatCompletionRequest, ctx: QuirkRequestContext): ChatCompletionRequest {
    let signed = 0;
    let skipped = 0;
    const sentinel = checksSignatures(ctx.model);
    restoreToolIds(req, (call, payload, position) => {
      const unsigned = position === 0 && sentinel && !thoughtSignature(call);
      const signature = payload?.signature ?? (unsigned ? SKIP_SIGNATURE : undefined);
      if (signature === undefined) return;
      call.extra_content = { google: { thought_signature: signature } };
      if (signature === SKIP_SIGNATURE) skipped++;
      else signed++;
    });
    if (signed > 0) ctx.note(`gemini_thought_signatures: restored ${plural(signed, "signature")}`);
    if (skipped > 0) {
      ctx.note(`gemini_thought_signatures: ${plural(skipped, "unsigned call")} marked to skip`);
    }
    return req;
  },
  response(res: ChatCompletionResponse, ctx: QuirkResponseContext): ChatCompletionResponse {
    const message = firstMessage(res);
    const calls = message?.tool_calls ?? [];
    let fallback = thoughtSignature(message);
    for (const call of calls) {
      if (!call) continue;
      const signature = thoughtSignature(call) ?? fallback;
      fallback = undefined;
      if (signature === undefined) continue;
      call.id = encodeToolId({ id: call.id || ctx.newToolId(), signature });
    }
    return res;
  },
  chunks(ctx: QuirkResponseContext): ChunkTransform {
    return new SignatureChunks(ctx);
  },
};

/** Per stream: encodes each call's id at its first fragment and keeps later ids the same. */
class SignatureChunks implements ChunkTransform {
  #ctx: QuirkResponseContext;
  /** Call index → the encoded id, or null when the call has no signature. */
  #ids = new Map<number, string | null>();
  /** A signature seen on a delta before any call: it belongs to the first call. */
  #pending: string | undefined;

  constructor(ctx: QuirkResponseContext) {
    this.#ctx = ctx;
  }

  push(chunk: ChatCompletionChunk): ChatCompletionChunk[] {
    const delta = firstDelta(chunk);
    if (!delta) return [chunk];
    const onDelta = thoughtSignature(delta);
    if (onDelta !== undefined && this.#ids.size === 0) this.#pending = onDelta;
    const calls = delta.tool_calls;
    if (Array.isArray(calls)) calls.forEach((call, position) => this.#onCall(call, position));
    return [chunk];
  }

  flush(): ChatCompletionChunk[] {
    return [];
  }

  #onCall(call: ChatToolCallDelta | null | undefined, position: number): void {
    if (!call) return;
    const index = typeof call.index === "number" ? call.index : position;
    const known = this.#ids.get(index);
    if (known !== undefined) {
      if (known !== null && typeof call.id === "string" && call.id !== "") call.id = known;
      return;
    }
    const signature = thoughtSignature(call) ?? (this.#ids.size === 0 ? this.#pending : undefined);
    if (signature === undefined) {
      this.#ids.set(index, null);
      return;
    }
    const id = encodeToolId({ id: call.id || this.#ctx.newToolId(), signature });
    call.id = id;
    this.#ids.set(index, id);
  }
}
