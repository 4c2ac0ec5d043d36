// Tool_use ids that carry an upstream id (and a thought signature) Anthropic would refuse. Pure.
//
// Anthropic tool_use ids must match `^[a-zA-Z0-9_-]+$`. Without state, the original id (and, for
// Gemini, the thought signature) rides inside the id Claude Code keeps in its history:
// `toolu_cpx1_<base64url(JSON)>`. Claude Code sends the id back in `tool_use` and `tool_result`.
import { fromBase64Url, toBase64Url } from "../../util/bytes.ts";

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
