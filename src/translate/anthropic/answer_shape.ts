// What a request asks of the shape of its answer, from its body and betas: thinking shown or omitted, structured output, stop sequences, thinking token counts. Pure.
import type { MessagesRequestFields } from "../../wire/anthropic_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { type JsonOutputFormat, outputFormatOf } from "./output_format.ts";
import { stopSequencesOf } from "./stop_sequences.ts";

/** The beta with which Anthropic sends thinking blocks empty, as `display: "omitted"` does. */
const REDACT_THINKING_BETA = "redact-thinking-";
/** The beta with which Anthropic reports `usage.output_tokens_details.thinking_tokens`. */
const THINKING_TOKEN_COUNT_BETA = "thinking-token-count-";

/** How the answer to a request is shaped. */
export interface AnswerShape {
  /** Thinking blocks go out with empty text and a signature carrying the text. */
  omitThinking: boolean;
  /** The answer's text must be JSON matching this; absent without structured output. */
  outputFormat?: JsonOutputFormat;
  /** The text ends at the first of these (the upstream may not have stopped there); absent without any. */
  stopSequences?: string[];
  /** Usage reports the thinking tokens among the output tokens. */
  thinkingTokens: boolean;
}

/**
 * Reads what a request asks of its answer: `thinking.display: "omitted"` (or the redact-thinking
 * beta) hides thinking text; `output_config.format` asks for JSON; `stop_sequences` end the text at
 * the first one (the Responses API and OpenAI's reasoning models take none); the thinking-token-count beta
 * asks for the thinking tokens in the usage. Other displays ("summarized", "updates") show the
 * provider's reasoning as it comes.
 *
 * @example
 * ```ts
 * answerShape({ ...body, thinking: { type: "adaptive", display: "omitted" } }, null);
 * // → { omitThinking: true, thinkingTokens: false }
 * ```
 */
export function answerShape(
  req: MessagesRequestFields,
  betaHeader: string | null | undefined,
): AnswerShape {
  const betas = (betaHeader ?? "").split(",").map((beta) => beta.trim());
  const has = (prefix: string) => betas.some((beta) => beta.startsWith(prefix));
  const thinking: unknown = req.thinking;
  const display = isRecord(thinking) ? thinking.display : undefined;
  const outputFormat = outputFormatOf(req);
  const stopSequences = stopSequencesOf(req.stop_sequences);
  return {
    omitThinking: display === "omitted" || has(REDACT_THINKING_BETA),
    ...(outputFormat ? { outputFormat } : {}),
    ...(stopSequences ? { stopSequences } : {}),
    thinkingTokens: has(THINKING_TOKEN_COUNT_BETA),
  };
}
