// Provider quirks: every quirk, in layer order, and lookup by name. Pure.
//
// A quirk is a named transformation a provider needs on top of the general translation. Presets
// attach quirks by name (`ProviderPreset.quirks`) and the config can replace or adjust the list.
// Quirks wrap the translator like layers: request hooks run in list order (client → upstream) and
// response hooks in reverse order (upstream → client), so a quirk that encodes something on the way
// back sees it again, decoded by the same layer, on the next request. Hooks do no I/O.
import { QUIRK_NAMES } from "../providers/quirk_names.ts";
import type { Quirk } from "./quirk.ts";
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

/**
 * Every quirk, one for each name in `QUIRK_NAMES`, in layer order: request hooks run top to
 * bottom, response hooks bottom to top.
 */
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
