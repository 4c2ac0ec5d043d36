// A provider's "the prompt does not fit" error, in Anthropic's words: `prompt is too long: N tokens > M maximum`. Pure.
//
// Claude Code answers that exact message by compacting the conversation (2.1.197 matches "prompt is
// too long" and reads N and M from it to decide how much to drop); other wordings are shown as an
// error and the session is stuck. Providers word it their own way; the numbers are taken from the
// message where it gives them, else from the estimate the caller passes.

/** What an overflow message says: the prompt's size and the context window, when it says them. */
export interface OverflowNumbers {
  /** Prompt tokens (the input; a total with the output when the provider gives only that). */
  tokens?: number;
  /** The context window (or the longest prompt the model takes). */
  limit?: number;
}

/** The request's own numbers, for a message that states none or one. */
export interface OverflowEstimate {
  /** The proxy's count of the request's input tokens. */
  inputTokens?: number;
  /** The model's context window, from the config or the model catalog. */
  contextWindow?: number;
}

type Reader = (m: RegExpExecArray) => OverflowNumbers;

/** Wordings that carry numbers, by provider family, most specific first. */
const NUMBERED: ReadonlyArray<[RegExp, Reader]> = [
  // Anthropic: "prompt is too long: 215000 tokens > 200000 maximum"
  [/prompt is too long: (\d+) tokens > (\d+) maximum/i, (m) => numbers(m[1], m[2])],
  // OpenAI, DeepSeek, vLLM: "maximum context length is 128000 tokens. However, you requested
  // 140000 tokens (76000 in the messages, 64000 in the completion)"
  [
    /maximum context length is (\d+) tokens[\s\S]*?\((\d+) in the messages/i,
    (m) => numbers(m[2], m[1]),
  ],
  // OpenRouter: "This endpoint's maximum context length is 200000 tokens. However, you requested
  // about 5028244 tokens (4945291 of text input, 2953 of tool input, 80000 in the output)"
  [
    /maximum context length is (\d+) tokens[\s\S]*?\((\d+) of text input(?:, (\d+) of tool input)?/i,
    (
      m,
    ) => numbers(String(Number(m[2]) + Number(m[3] ?? 0)), m[1]),
  ],
  // OpenAI: "maximum context length is 128000 tokens. However, your messages resulted in 204308 tokens"
  [
    /maximum context length is (\d+) tokens[\s\S]*?messages resulted in (\d+) tokens/i,
    (m) => numbers(m[2], m[1]),
  ],
  // vLLM: "maximum context length is 32768 tokens and your request has 40000 input tokens"
  [
    /maximum context length is (\d+) tokens and your request has (\d+) input tokens/i,
    (m) => numbers(m[2], m[1]),
  ],
  // DeepSeek, OpenRouter (no breakdown): "maximum context length is 131072 tokens. However, you
  // requested 168754 tokens"
  [
    /maximum context length is (\d+) tokens[\s\S]*?requested (?:about )?(\d+) tokens/i,
    (m) => numbers(m[2], m[1]),
  ],
  // Gemini: "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)"
  [
    /input token count \((\d+)\) exceeds the maximum number of tokens allowed \((\d+)\)/i,
    (m) => numbers(m[1], m[2]),
  ],
  // Mistral: "Prompt contains 40687 tokens and 0 draft tokens, too large for model with 32768
  // maximum context length"
  [
    /prompt contains (\d+) tokens[\s\S]*?too large for model with (\d+) maximum context/i,
    (m) => numbers(m[1], m[2]),
  ],
  // xAI: "This model's maximum prompt length is 131072 but the request contains 149617 tokens"
  [
    /maximum prompt length is (\d+) but the request contains (\d+) tokens/i,
    (m) => numbers(m[2], m[1]),
  ],
  // GLM, MiniMax: "input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000"
  [/exceed context limit: (\d+) \+ \d+ > (\d+)/i, (m) => numbers(m[1], m[2])],
  // Kimi: "Your request exceeded model token limit: 262144 (requested: 291351)"
  [/exceeded model token limit: (\d+)(?: \(requested: (\d+)\))?/i, (m) => numbers(m[2], m[1])],
  // llama.cpp: "request (5000 tokens) exceeds the available context size (4096 tokens)"
  [
    /request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/i,
    (m) => numbers(m[1], m[2]),
  ],
  // llama.cpp's error fields: {"n_prompt_tokens": 5000, "n_ctx": 4096}
  [/"n_prompt_tokens"\s*:\s*(\d+)[\s\S]*?"n_ctx"\s*:\s*(\d+)/, (m) => numbers(m[1], m[2])],
  // Together: "input (140000 tokens) is longer than the model's context length (131072 tokens)"
  [
    /input \((\d+) tokens\) is longer than the model's context length \((\d+) tokens\)/i,
    (m) => numbers(m[1], m[2]),
  ],
  // TGI (Together, Hugging Face): "`inputs` tokens + `max_new_tokens` must be <= 4096. Given: 5000
  // `inputs` tokens and 500 `max_new_tokens`"
  [/must be <= (\d+)\. Given: (\d+) `inputs` tokens/i, (m) => numbers(m[2], m[1])],
];

/**
 * Wordings without numbers (or whose numbers are read above): OpenAI Responses, Groq, llama.cpp,
 * LM Studio, Ollama, Z.ai, MiniMax, Qwen, and the phrases Claude Code 2.1.337 itself recognises.
 */
const UNNUMBERED: readonly string[] = [
  "prompt is too long",
  "context_length_exceeded",
  "maximum context length",
  "exceeds the context window",
  "exceeds the available context size",
  "exceed_context_size_error",
  "exceeds the maximum number of tokens allowed",
  "exceeded model token limit",
  "maximum prompt length",
  "too large for model with",
  "longer than the model's context length",
  "longer than the maximum model length",
  "greater than the context length",
  "context window exceeds limit",
  "model_context_window_exceeded",
  "prompt exceeds max length",
  "prompt too long; exceeded",
  "input token length too long",
  "input tokens exceed the configured limit",
  "tokens in request more than max tokens allowed",
  "range of input length should be",
  "`inputs` tokens + `max_new_tokens` must be",
  "reduce the length of the messages",
  "input length and `max_tokens` exceed context limit",
];

/** Wordings that mention tokens or limits but are not about the prompt's size. */
const NOT_OVERFLOW = /tokens per (?:minute|day)|rate limit|\bTPM\b|\bRPM\b|quota/i;

/**
 * Reads a provider's error text as a context overflow: the numbers it states (either may be
 * missing), or undefined when the text is not about a prompt that does not fit.
 *
 * @example
 * ```ts
 * readContextOverflow("The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).");
 * // → { tokens: 1200293, limit: 1048576 }
 * ```
 */
export function readContextOverflow(text: string): OverflowNumbers | undefined {
  if (NOT_OVERFLOW.test(text)) return undefined;
  for (const [pattern, read] of NUMBERED) {
    const match = pattern.exec(text);
    if (match) return read(match);
  }
  const lower = text.toLowerCase();
  return UNNUMBERED.some((phrase) => lower.includes(phrase)) ? {} : undefined;
}

/**
 * Anthropic's message for a prompt that does not fit: `prompt is too long: N tokens > M maximum`,
 * with the provider's numbers, else the estimate's. N is at least M + 1 (the provider refused it,
 * so it did not fit). Without any window the message still starts "prompt is too long" and
 * quotes the provider (Claude Code then compacts by its own measure).
 *
 * @example
 * ```ts
 * promptTooLongMessage({ tokens: 140000, limit: 131072 }, {}, "…");
 * // → "prompt is too long: 140000 tokens > 131072 maximum"
 * ```
 */
export function promptTooLongMessage(
  found: OverflowNumbers,
  estimate: OverflowEstimate,
  providerMessage: string,
): string {
  const tokens = found.tokens ?? estimate.inputTokens;
  const limit = found.limit ?? estimate.contextWindow;
  if (limit !== undefined) {
    return `prompt is too long: ${Math.max(tokens ?? 0, limit + 1)} tokens > ${limit} maximum`;
  }
  const size = tokens === undefined ? "" : ` (about ${tokens} tokens)`;
  return `prompt is too long for the model's context window${size}: ${providerMessage}`;
}

function numbers(tokens: string | undefined, limit: string | undefined): OverflowNumbers {
  const out: OverflowNumbers = {};
  const t = Number(tokens);
  const l = Number(limit);
  if (tokens !== undefined && Number.isSafeInteger(t) && t > 0) out.tokens = t;
  if (limit !== undefined && Number.isSafeInteger(l) && l > 0) out.limit = l;
  return out;
}
