// Gemini thought signatures carried through Anthropic clients without state: in thinking-block
// signatures and in tool_use ids, and given back on the same part next turn. Pure.
//
// A thought part's signature rides in its thinking block's signature (wrapped with the provider's
// name, see ../anthropic/signature.ts). A function call's signature, and the call's own id when
// Gemini sets one, ride in the tool_use id (see ../anthropic/tool_id.ts): Claude Code keeps tool_use
// ids in its history whatever it does with thinking blocks. Gemini 3 refuses a history whose function
// call lost its signature; calls that never had one (made by another model) get Gemini's documented
// sentinel instead.
import { makeSignature, unwrapSignature, wrapSignature } from "../anthropic/signature.ts";
import { decodeToolId, encodeToolId } from "../anthropic/tool_id.ts";
import type { GeminiFunctionCall } from "../../wire/gemini_types.ts";

/** The value Gemini accepts in place of a signature for function calls it did not make. */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

/** The prefix of the proxy's own tool_use ids; an encoded id starting with it had no Gemini id. */
const FRESH_TOOL_ID_PREFIX = "toolu_";

/** Models that never check signatures (Gemini 1.x and 2.x). */
const UNCHECKED_MODEL = /(?:^|\/)gemini-[12](?:[.-]|$)/i;

/** Whether `model` refuses function calls without a signature (Gemini 3 and later, and unknown). */
export function checksSignatures(model: string): boolean {
  return !UNCHECKED_MODEL.test(model);
}

/**
 * The tool_use id for a function call: a fresh id when the call has neither an id nor a signature,
 * else an encoded id carrying both (a fresh id stands in for a missing Gemini id).
 *
 * @example
 * ```ts
 * const id = toolUseIdFor({ name: "Read" }, "EpwICpkI", () => "toolu_01");
 * readToolUseId(id); // → { signature: "EpwICpkI" }
 * ```
 */
export function toolUseIdFor(
  call: GeminiFunctionCall,
  signature: string | undefined,
  newToolId: () => string,
): string {
  const callId = typeof call.id === "string" && call.id !== "" ? call.id : undefined;
  if (callId === undefined && signature === undefined) return newToolId();
  const id = callId ?? newToolId();
  return encodeToolId(signature === undefined ? { id } : { id, signature });
}

/** What a tool_use id carries back to Gemini: the call's own id and its signature, when it has them. */
export function readToolUseId(id: string): { callId?: string; signature?: string } {
  const payload = decodeToolId(id);
  if (!payload) return {};
  const out: { callId?: string; signature?: string } = {};
  if (payload.id !== "" && !payload.id.startsWith(FRESH_TOOL_ID_PREFIX)) out.callId = payload.id;
  if (payload.signature) out.signature = payload.signature;
  return out;
}

/** The signature of a thinking block made by `origin`: Gemini's own wrapped in it, or a bare mark. */
export function thinkingSignature(origin: string, thoughtSignature: string | undefined): string {
  return thoughtSignature ? wrapSignature(origin, thoughtSignature) : makeSignature(origin);
}

/** Gemini's signature inside a thinking block's signature, when `origin` made the block. */
export function thoughtSignatureOf(signature: unknown, origin: string): string | undefined {
  return typeof signature === "string" ? unwrapSignature(signature, origin) : undefined;
}
