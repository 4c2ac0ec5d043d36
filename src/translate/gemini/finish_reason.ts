// Maps Gemini's finish reasons, prompt blocks and token counts to Anthropic stop reasons, errors and usage. Pure.
import type { AnthropicErrorType, StopReason, Usage } from "../../wire/anthropic_types.ts";
import type { GeminiUsageMetadata } from "../../wire/gemini_types.ts";

/** An answer Gemini ended in a way Anthropic has no stop reason for: an error, with its HTTP status. */
export interface GeminiStopError {
  status: number;
  type: AnthropicErrorType;
  message: string;
}

/** How an answer ended: a stop reason, or an error. */
export type GeminiOutcome = { stopReason: StopReason } | { error: GeminiStopError };

/** Finish reasons for an answer Gemini's filters stopped: the request needs changing (400). */
const FILTERED: Readonly<Record<string, string>> = {
  SAFETY: "flagged by Gemini's safety filters",
  RECITATION: "it resembled material Gemini may not recite",
  LANGUAGE: "it was in a language Gemini does not support",
  BLOCKLIST: "it contained blocked terms",
  PROHIBITED_CONTENT: "it may contain prohibited content",
  SPII: "it may contain sensitive personal information",
  IMAGE_SAFETY: "an image was flagged by Gemini's safety filters",
  IMAGE_PROHIBITED_CONTENT: "an image may contain prohibited content",
  IMAGE_RECITATION: "an image resembled material Gemini may not recite",
  MISSING_THOUGHT_SIGNATURE: "a function call in the history lacks its thought signature",
};

/** Finish reasons for a broken answer: trying again may work (502). */
const BROKEN: Readonly<Record<string, string>> = {
  MALFORMED_FUNCTION_CALL: "the model wrote a function call that does not parse; try again",
  UNEXPECTED_TOOL_CALL: "the model called a tool that was not offered",
  TOO_MANY_TOOL_CALLS: "the model made too many tool calls in one turn",
  MALFORMED_RESPONSE: "the model's answer was malformed; try again",
  OTHER: "Gemini gave no reason",
  IMAGE_OTHER: "Gemini gave no reason",
  NO_IMAGE: "no image was made",
};

/**
 * The outcome of an answer with `finishReason`: STOP → `end_turn` (`tool_use` after function
 * calls), MAX_TOKENS → `max_tokens`; a filter's stop (SAFETY, RECITATION, PROHIBITED_CONTENT, …) is
 * a 400 and a broken answer (MALFORMED_FUNCTION_CALL, OTHER, …) a 502, both naming the reason and,
 * when Gemini gave one, its `finishMessage`.
 *
 * @example
 * ```ts
 * finishOutcome("STOP", { hasCalls: true }); // → { stopReason: "tool_use" }
 * ```
 */
export function finishOutcome(
  finishReason: string | null | undefined,
  { hasCalls, finishMessage }: { hasCalls: boolean; finishMessage?: string | undefined },
): GeminiOutcome {
  const reason = finishReason ?? "STOP";
  if (reason === "STOP" || reason === "FINISH_REASON_UNSPECIFIED") {
    return { stopReason: hasCalls ? "tool_use" : "end_turn" };
  }
  if (reason === "MAX_TOKENS") return { stopReason: "max_tokens" };
  const said = finishMessage ? `: ${finishMessage}` : "";
  const filtered = FILTERED[reason];
  if (filtered !== undefined) {
    return {
      error: {
        status: 400,
        type: "invalid_request_error",
        message: `Gemini stopped the answer (${reason}): ${filtered}${said}`,
      },
    };
  }
  const broken = BROKEN[reason] ?? `finish reason ${JSON.stringify(reason)}`;
  return {
    error: {
      status: 502,
      type: "api_error",
      message: `Gemini stopped the answer (${reason}): ${broken}${said}`,
    },
  };
}

/** The error for a prompt Gemini refused to answer at all (`promptFeedback.blockReason`). */
export function blockedPrompt(blockReason: string, message?: string): GeminiStopError {
  return {
    status: 400,
    type: "invalid_request_error",
    message: `Gemini blocked the prompt (${blockReason})${message ? `: ${message}` : ""}`,
  };
}

/**
 * Anthropic usage from Gemini's token counts: cached prompt tokens are reported apart from the
 * rest of the input (Gemini counts them in `promptTokenCount`); thoughts count as output.
 */
export function geminiUsage(meta: GeminiUsageMetadata): Partial<Usage> & { output_tokens: number } {
  const prompt = count(meta.promptTokenCount);
  const cached = Math.min(count(meta.cachedContentTokenCount), prompt);
  const usage: Partial<Usage> & { output_tokens: number } = {
    output_tokens: count(meta.candidatesTokenCount) + count(meta.thoughtsTokenCount),
  };
  if (typeof meta.promptTokenCount === "number") usage.input_tokens = prompt - cached;
  if (cached > 0) usage.cache_read_input_tokens = cached;
  return usage;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
