// Quirk `tool_ids`: tool-call ids Anthropic refuses are encoded into valid ids, reversibly. Pure.
//
// Anthropic tool_use ids must match `^[a-zA-Z0-9_-]+$`; Kimi sends ids like `functions.read:0` and
// expects them back. Without state, the original id (and, for Gemini, the thought signature) rides
// inside the id Claude Code keeps in its history: `toolu_cpx1_<base64url(JSON)>`. Claude Code sends
// the id back in `tool_use` and `tool_result`, and the request hook restores the original.
import { fromBase64Url, toBase64Url } from "../util/bytes.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatToolCall,
} from "../wire/openai_types.ts";
import { firstDelta, firstMessage, plural } from "./chunk_parts.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { Quirk, QuirkContext } from "./quirk.ts";

/** The prefix of tool_use ids that carry an encoded upstream id. */
export const ENCODED_TOOL_ID_PREFIX = "toolu_cpx1_";

/** What an encoded tool_use id carries. */
export interface ToolIdPayload {
  /** The upstream tool-call id, sent back as it was. */
  id: string;
  /** Gemini's thought signature for the call. */
  signature?: string;
}

const VALID_TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Reports whether Anthropic accepts `id` as a tool_use id. */
export function isValidToolUseId(id: string): boolean {
  return VALID_TOOL_USE_ID.test(id);
}

/**
 * Encodes an upstream id (and optional signature) into a valid tool_use id.
 *
 * @example
 * ```ts
 * const id = encodeToolId({ id: "functions.read:0" }); // "toolu_cpx1_WyJmdW5jdGlvbnMu…"
 * decodeToolId(id); // { id: "functions.read:0" }
 * ```
 */
export function encodeToolId(payload: ToolIdPayload): string {
  const fields = payload.signature === undefined ? [payload.id] : [payload.id, payload.signature];
  return ENCODED_TOOL_ID_PREFIX + toBase64Url(encoder.encode(JSON.stringify(fields)));
}

/** Decodes an id made by {@linkcode encodeToolId}; undefined for any other id. */
export function decodeToolId(id: string): ToolIdPayload | undefined {
  if (!id.startsWith(ENCODED_TOOL_ID_PREFIX)) return undefined;
  const bytes = fromBase64Url(id.slice(ENCODED_TOOL_ID_PREFIX.length));
  if (bytes === undefined) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length < 1 || fields.length > 2) return undefined;
  const [original, signature] = fields as unknown[];
  if (typeof original !== "string") return undefined;
  if (signature === undefined) return { id: original };
  return typeof signature === "string" ? { id: original, signature } : undefined;
}

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
