// Quirk `tool_ids`: tool-call ids Anthropic refuses are encoded into valid ids, reversibly. Pure.
//
// Anthropic tool_use ids must match `^[a-zA-Z0-9_-]+$`; Kimi sends ids like `functions.read:0` and
// expects them back. Without state, the original id (and, for Gemini, the thought signature) rides
// inside the id Claude Code keeps in its history: `toolu_cpx1_<base64url(JSON)>`. Claude Code sends
// the id back in `tool_use` and `tool_result`, and the request hook restores the original.
import {
  decodeToolId,
  ENCODED_TOOL_ID_PREFIX,
  encodeToolId,
  isValidToolUseId,
  type ToolIdPayload,
} from "../translate/anthropic/tool_id.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatToolCall,
} from "../wire/openai_types.ts";
import { firstDelta, firstMessage, plural } from "./chunk_parts.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { Quirk, QuirkContext } from "./quirk.ts";

export { decodeToolId, ENCODED_TOOL_ID_PREFIX, encodeToolId, isValidToolUseId, type ToolIdPayload };

/**
 * Replaces every encoded id in a request's history (assistant `tool_calls` and tool messages) with
 * the id it carries; `onCall` also sees each assistant call's payload (for its signature).
 * Returns how many ids were restored.
 */
export function restoreToolIds(
  req: ChatCompletionRequest,
  onCall?: (call: ChatToolCall, payload: ToolIdPayload | undefined, position: number) => void,
): number {
  let restored = 0;
  for (const message of req.messages) {
    if (message.role === "tool") {
      const payload = decodeToolId(message.tool_call_id);
      if (payload) {
        message.tool_call_id = payload.id;
        restored++;
      }
    } else if (message.role === "assistant") {
      message.tool_calls?.forEach((call, position) => {
        const payload = decodeToolId(call.id);
        if (payload) {
          call.id = payload.id;
          restored++;
        }
        onCall?.(call, payload, position);
      });
    }
  }
  return restored;
}

/** The quirk: encode ids Anthropic refuses on the way back, decode them on the next request. */
export const toolIds: Quirk = {
  name: "tool_ids",
  summary: "Tool-call ids Anthropic refuses (Kimi's `functions.read:0`) are encoded reversibly",
  request(req: ChatCompletionRequest, ctx: QuirkContext): ChatCompletionRequest {
    const restored = restoreToolIds(req);
    if (restored > 0) ctx.note(`tool_ids: restored ${plural(restored, "upstream tool id")}`);
    return req;
  },
  response(res: ChatCompletionResponse): ChatCompletionResponse {
    for (const call of firstMessage(res)?.tool_calls ?? []) {
      if (call && typeof call.id === "string") call.id = encodeIfRefused(call.id);
    }
    return res;
  },
  chunks(): ChunkTransform {
    return {
      push(chunk: ChatCompletionChunk): ChatCompletionChunk[] {
        const calls = firstDelta(chunk)?.tool_calls;
        if (Array.isArray(calls)) {
          for (const call of calls) {
            if (call && typeof call.id === "string") call.id = encodeIfRefused(call.id);
          }
        }
        return [chunk];
      },
      flush: () => [],
    };
  },
};

/** Encodes a non-empty id Anthropic refuses; empty ids stay empty (the translator makes one). */
function encodeIfRefused(id: string): string {
  return id === "" || isValidToolUseId(id) ? id : encodeToolId({ id });
}
