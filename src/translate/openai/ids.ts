// Anthropic identifiers for translated blocks: keeps upstream tool-call ids that Anthropic accepts. Pure.

const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;

/** Returns the upstream tool-call id when Anthropic accepts it (`^[a-zA-Z0-9_-]+$`), else `fallback()`. */
export function toolUseId(raw: string | undefined | null, fallback: () => string): string {
  if (typeof raw === "string" && TOOL_USE_ID.test(raw)) return raw;
  return fallback();
}
