// Provider quirks: the hook interface every quirk implements and every quirk by name. Pure.
//
// A quirk is a named transformation a provider needs on top of the general translation. Presets
// attach quirks by name (`ProviderPreset.quirks`) and the config can replace or adjust the list.
// Quirks wrap the translator like layers: request hooks run in list order (client → upstream) and
// response hooks in reverse order (upstream → client), so a quirk that encodes something on the way
// back sees it again, decoded by the same layer, on the next request. Hooks do no I/O.
import type { MessagesRequest } from "../wire/anthropic_types.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { ChatCompletionRequest, ChatCompletionResponse } from "../wire/openai_types.ts";
import { contextRetry } from "./context_retry.ts";
import { deepseekReasoning } from "./deepseek_reasoning.ts";
import { geminiSchema } from "./gemini_schema.ts";
import { geminiThoughtSignatures } from "./gemini_signatures.ts";
import { historyRepair } from "./history_repair.ts";
import { mergeSameRole } from "./merge_same_role.ts";
import { openaiReasoning } from "./openai_reasoning.ts";
import { thinkTags } from "./think_tags.ts";
import { toolCallRepair } from "./tool_call_repair.ts";
import { toolIds } from "./tool_ids.ts";
import { toolNames } from "./tool_names.ts";

export type { ChunkTransform };

/** What every hook may read, and where it records what it changed (for the request log). */
export interface QuirkContext {
  /** The provider's name in the config. */
  provider: string;
  /** The upstream model. */
  model: string;
  /** Records a change for the request log, e.g. "gemini_schema: cleaned 3 tool schemas". */
  note(change: string): void;
}

/** The context of the OpenAI-side hooks: also the client's request (after the history hooks). */
export interface QuirkRequestContext extends QuirkContext {
  anthropic: MessagesRequest;
}

/** The context of the response hooks: also the request exactly as it was sent upstream. */
export interface QuirkResponseContext extends QuirkRequestContext {
  request: ChatCompletionRequest;
  /** Makes a fresh `toolu_…` id. */
  newToolId(): string;
}

/** An upstream error answer, offered to `retry` hooks. */
export interface UpstreamFailure {
  status: number;
  /** The error body text. */
  body: string;
}

/** A named provider quirk; every hook is optional and pure. */
export interface Quirk {
  /** The name used in presets and the config (snake_case). */
  name: string;
  /** One line for the README and `check`: what it fixes. */
  summary: string;
  /** Fixes the client's history before translation; returns the (possibly new) request. */
  anthropicRequest?(req: MessagesRequest, ctx: QuirkContext): MessagesRequest;
  /**
   * Changes the translated request. It may change `req` and its messages in place (they are the
   * translator's own) but must copy tool parameter schemas before changing them (they are shared
   * with the client's request).
   */
  request?(req: ChatCompletionRequest, ctx: QuirkRequestContext): ChatCompletionRequest;
  /** Changes a non-streaming upstream answer before translation; may throw a ProxyError. */
  response?(res: ChatCompletionResponse, ctx: QuirkResponseContext): ChatCompletionResponse;
  /** Makes the chunk transform for one streamed answer; undefined when it has nothing to do. */
  chunks?(ctx: QuirkResponseContext): ChunkTransform | undefined;
  /** Returns a changed request to send once more after an upstream error, or undefined. */
  retry?(
    failure: UpstreamFailure,
    req: ChatCompletionRequest,
    ctx: QuirkRequestContext,
  ): ChatCompletionRequest | undefined;
}

/** Every quirk, in layer order: request hooks run top to bottom, response hooks bottom to top. */
export const QUIRKS: readonly Quirk[] = [
  historyRepair,
  mergeSameRole,
  openaiReasoning,
  deepseekReasoning,
  geminiSchema,
  toolNames,
  geminiThoughtSignatures,
  toolIds,
  toolCallRepair,
  thinkTags,
  contextRetry,
];

/** The name of every quirk, in layer order. */
export const QUIRK_NAMES: readonly string[] = QUIRKS.map((quirk) => quirk.name);

const resolved = new WeakMap<readonly string[], readonly Quirk[]>();

/**
 * Returns the quirks named in `names`, in layer order (not list order); throws a TypeError on an
 * unknown name (the config validates names first). The answer for a given list is kept, so a
 * provider's quirks are looked up once, not on every request.
 */
export function quirksByName(names: readonly string[]): readonly Quirk[] {
  const known = resolved.get(names);
  if (known) return known;
  for (const name of names) {
    if (!QUIRK_NAMES.includes(name)) throw new TypeError(`Unknown quirk "${name}"`);
  }
  const quirks = Object.freeze(QUIRKS.filter((quirk) => names.includes(quirk.name)));
  resolved.set(names, quirks);
  return quirks;
}
