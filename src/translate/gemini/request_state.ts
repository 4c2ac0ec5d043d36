// What a Gemini request translation carries between its parts: options, notes and counted changes. Pure.
import { isRecord } from "../../util/is_record.ts";
import { plural } from "../../util/plural.ts";
import { invalid } from "../openai/request_state.ts";
import type { ReasoningEffort } from "../openai/effort.ts";

/** Options for {@linkcode toGeminiRequest}. */
export interface ToGeminiRequestOptions {
  /** The upstream model (already routed). */
  model: string;
  /** The provider's name: the origin of thinking-block signatures, and named in messages. */
  providerName: string;
  /** The name Gemini gets for a client tool name (the `tool_names` quirk); the same by default. */
  upstreamToolName?: (name: string) => string;
  /** An upper bound for `maxOutputTokens` (`[model_options] max_tokens`). */
  maxTokens?: number;
  /** An effort that wins over the request's (`[model_options] reasoning_effort`). */
  forcedEffort?: ReasoningEffort;
  /** For `count_tokens`: `max_tokens` may be missing and no generation settings are needed. */
  countTokens?: boolean;
}

const COUNTED_NOTES = {
  emptyText: (n: number) => `dropped ${plural(n, "empty text block")}`,
  emptyMessage: (n: number) => `dropped ${plural(n, "empty message")}`,
  systemMessage: (n: number) => `${plural(n, "system message")} → user text`,
  thoughtKept: (n: number) => `${plural(n, "signed thinking block")} → thought parts`,
  thinkingDropped: (n: number) => `dropped ${plural(n, "thinking block")} Gemini did not sign`,
  redactedThinking: (n: number) => `dropped ${plural(n, "redacted_thinking block")}`,
  serverBlock: (n: number) => `dropped ${plural(n, "server tool block")}`,
  searchResults: (n: number) => `${plural(n, "search result block")} → text`,
  orphanResult: (n: number) => `${plural(n, "tool_result")} without a tool_use → text`,
  signedCall: (n: number) => `restored ${plural(n, "thought signature")}`,
  unsignedCall: (n: number) => `${plural(n, "unsigned function call")} marked to skip`,
  toolAttachment: (n: number) => `${plural(n, "tool result attachment")} → parts`,
  cacheControl: (n: number) => `dropped ${plural(n, "cache_control marker")}`,
};

/** A kind of change counted during a translation and noted once, with its number, at the end. */
export type GeminiCounter = keyof typeof COUNTED_NOTES;

/** The state of one request translation. */
export interface GeminiRequestState {
  options: ToGeminiRequestOptions;
  changes: string[];
  counts: Record<GeminiCounter, number>;
}

/** A content block from the request: a JSON object with a string `type`. */
export type GeminiBlock = Record<string, unknown> & { type: string };

/** Makes the state for translating one request with `options`. */
export function createGeminiState(options: ToGeminiRequestOptions): GeminiRequestState {
  const counts = Object.fromEntries(Object.keys(COUNTED_NOTES).map((key) => [key, 0]));
  return { options, changes: [], counts: counts as Record<GeminiCounter, number> };
}

/** The notes for the counted changes, one per kind that happened, in a fixed order. */
export function geminiCountedNotes(state: GeminiRequestState): string[] {
  const notes: string[] = [];
  for (const key of Object.keys(COUNTED_NOTES) as GeminiCounter[]) {
    if (state.counts[key] > 0) notes.push(COUNTED_NOTES[key](state.counts[key]));
  }
  return notes;
}

/** Returns `blocks[index]` as an object with a string `type`, counting its cache marker. */
export function geminiBlockAt(
  blocks: unknown[],
  index: number,
  path: string,
  state: GeminiRequestState,
): GeminiBlock {
  const block: unknown = blocks[index];
  if (!isRecord(block)) throw invalid(path, "expected a content block object");
  if (typeof block.type !== "string") throw invalid(`${path}.type`, "expected a string");
  if (block.cache_control !== undefined) state.counts.cacheControl++;
  return block as GeminiBlock;
}

/** The name Gemini gets for a client tool name. */
export function upstreamName(state: GeminiRequestState, name: string): string {
  return state.options.upstreamToolName?.(name) ?? name;
}
