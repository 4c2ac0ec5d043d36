// What the request translation carries between its parts (options, notes, counted drops) and the checked readers of its untrusted input. Pure.
import { InvalidRequestError } from "../../errors.ts";
import { isRecord } from "../../util/is_record.ts";
import { plural } from "../../util/plural.ts";
import type { ToOpenAIRequestOptions } from "./request_options.ts";

const COUNTED_NOTES = {
  emptyText: (n: number) => `dropped ${plural(n, "empty text block")}`,
  emptyMessage: (n: number) => `dropped ${plural(n, "empty message")}`,
  thinkingDropped: (n: number) => `dropped ${plural(n, "thinking block")}`,
  thinkingKept: (n: number) => `${plural(n, "thinking block")} → reasoning_content`,
  redactedThinking: (n: number) => `dropped ${plural(n, "redacted_thinking block")}`,
  serverBlock: (n: number) => `dropped ${plural(n, "server tool block")}`,
  searchResults: (n: number) => `${plural(n, "web_search_tool_result block")} → text`,
  toolAttachment: (n: number) => `moved ${plural(n, "tool result attachment")} into a user message`,
  cacheControl: (n: number) => `dropped ${plural(n, "cache_control marker")}`,
};
/** The kinds of change counted during a translation and noted once, with their number, at the end. */
export type Counter = keyof typeof COUNTED_NOTES;

/** The state of one request translation: its options, the notes so far and the counted changes. */
export interface RequestState {
  options: ToOpenAIRequestOptions;
  changes: string[];
  counts: Record<Counter, number>;
}

/** A JSON object from the request. */
export type Json = Record<string, unknown>;
/** A content block from the request: a JSON object with a string `type`. */
export type Block = Json & { type: string };

/** Makes the state for translating one request with `options`: no notes, every count zero. */
export function createRequestState(options: ToOpenAIRequestOptions): RequestState {
  const counts = Object.fromEntries(Object.keys(COUNTED_NOTES).map((key) => [key, 0]));
  return { options, changes: [], counts: counts as Record<Counter, number> };
}

/** The notes for the counted changes, one per kind that happened, in a fixed order. */
export function countedNotes(state: RequestState): string[] {
  const notes: string[] = [];
  for (const key of Object.keys(COUNTED_NOTES) as Counter[]) {
    if (state.counts[key] > 0) notes.push(COUNTED_NOTES[key](state.counts[key]));
  }
  return notes;
}

/** Returns `content` as an array of blocks, or throws naming `path`. */
export function blocksOf(content: unknown, path: string): unknown[] {
  if (!Array.isArray(content)) {
    throw invalid(path, "expected a string or an array of content blocks");
  }
  return content;
}

/** Returns `blocks[index]` as an object with a string `type`, counting its cache marker. */
export function blockAt(
  blocks: unknown[],
  index: number,
  path: string,
  state: RequestState,
): Block {
  const block: unknown = blocks[index];
  if (!isRecord(block)) throw invalid(path, "expected a content block object");
  if (typeof block.type !== "string") throw invalid(`${path}.type`, "expected a string");
  if (block.cache_control !== undefined) state.counts.cacheControl++;
  return block as Block;
}

/** Returns the text of a `text` block; any other block is refused. */
export function textOf(block: Block, path: string): string {
  if (block.type !== "text") throw unsupportedBlock(block, path, "text");
  return stringAt(block, "text", path);
}

/** Returns `object[key]` if it is a string, or throws naming `path.key`. */
export function stringAt(object: Json, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== "string") throw invalid(`${path}.${key}`, "expected a string");
  return value;
}

/** Returns `object[key]` if it is a JSON object, or throws naming `path.key`. */
export function objectAt(object: Json, key: string, path: string): Json {
  const value = object[key];
  if (!isRecord(value)) throw invalid(`${path}.${key}`, "expected an object");
  return value;
}

/** The error for a block whose type has no translation in `where` (e.g. "a user message"). */
export function unsupportedBlock(block: Block, path: string, where: string): InvalidRequestError {
  return invalid(`${path}.type`, `unsupported content block type ${quote(block.type)} in ${where}`);
}

/** An {@linkcode InvalidRequestError} whose message starts with the request path. */
export function invalid(path: string, detail: string): InvalidRequestError {
  return new InvalidRequestError(`${path}: ${detail}`);
}

/** A value for an error message: strings in double quotes, anything else as `String()` gives it. */
export function quote(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
