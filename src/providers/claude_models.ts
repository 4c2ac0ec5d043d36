// The model ids Claude Code sends (2.1.197 and 2.1.337), by family, for routing checks and `check`. Data only.

/** The Claude model families Claude Code sends (`fable` is the Claude 5 tier above opus). */
export const CLAUDE_FAMILIES: readonly string[] = ["opus", "sonnet", "haiku", "fable"];

/**
 * The ids the supported Claude Code versions send or name in their model lists, newest first
 * (tests/fixtures/claude-code/: 2.1.337 defaults to claude-opus-5-5; 2.1.197 to claude-opus-4-8).
 */
export const CLAUDE_CODE_MODELS: readonly string[] = [
  "claude-opus-5-5",
  "claude-sonnet-5-5",
  "claude-haiku-5-5",
  "claude-fable-5-2",
  "claude-opus-4-8",
  "claude-sonnet-5",
  "claude-haiku-4-5-20251001",
  "claude-fable-5",
];
