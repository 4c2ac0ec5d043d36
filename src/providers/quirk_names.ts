// The names of the provider quirks, as presets and config files write them. Data only.

/**
 * Every provider quirk's name. `src/quirks/registry.ts` has one quirk for each and decides the
 * order they run in; the config checks the names a file lists against this list.
 */
export const QUIRK_NAMES: readonly string[] = [
  "history_repair",
  "merge_same_role",
  "openai_reasoning",
  "deepseek_reasoning",
  "gemini_schema",
  "tool_names",
  "gemini_thought_signatures",
  "tool_ids",
  "tool_call_repair",
  "think_tags",
  "context_retry",
];
