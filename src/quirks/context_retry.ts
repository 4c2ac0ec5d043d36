// Quirk `context_retry`: a context-length error is retried once with a max_tokens that fits. Pure.
//
// Claude Code asks for 32k–64k output tokens; a model with a 128k (or a local 32k) window refuses
// a long conversation with "maximum context length is 128000 tokens. However, you requested 140000
// tokens (76000 in the messages, 64000 in the completion)". The numbers in the message give the
// room left, and the request is sent once more with that as max_tokens, when at least
// MIN_RETRY_MAX_TOKENS fit. Providers that only state their output cap get that cap.
import type { ChatCompletionRequest } from "../wire/openai_types.ts";
import type { Quirk, QuirkRequestContext, UpstreamFailure } from "./quirk.ts";

/** The smallest output budget worth a retry; with less room the error goes to the client. */
export const MIN_RETRY_MAX_TOKENS = 1024;

/** What an overflow message says: the context window and input size, or an output cap. */
export interface OverflowLimits {
  context?: number;
  input?: number;
  maxOutput?: number;
}

/** Overflow messages and what their numbers mean, by provider family. */
const PATTERNS: ReadonlyArray<{ pattern: RegExp; read: (m: RegExpExecArray) => OverflowLimits }> = [
  // OpenAI, DeepSeek, older vLLM: "... is 128000 tokens. However, you requested 140000 tokens
  // (76000 in the messages, 64000 in the completion)"
  {
    pattern: /maximum context length is (\d+) tokens[\s\S]*?\((\d+) in the messages/i,
    read: (m) => ({ context: Number(m[1]), input: Number(m[2]) }),
  },
  // vLLM: "... is 32768 tokens and your request has 1200 input tokens"
  {
    pattern: /maximum context length is (\d+) tokens and your request has (\d+) input tokens/i,
    read: (m) => ({ context: Number(m[1]), input: Number(m[2]) }),
  },
  // GLM, MiniMax and Anthropic-style: "input length and `max_tokens` exceed context limit:
  // 188240 + 21333 > 200000"
  {
    pattern: /exceed context limit: (\d+) \+ \d+ > (\d+)/i,
    read: (m) => ({ context: Number(m[2]), input: Number(m[1]) }),
  },
  // OpenAI: "This model supports at most 16384 completion tokens"
  {
    pattern: /supports at most (\d+) completion tokens/i,
    read: (m) => ({ maxOutput: Number(m[1]) }),
  },
  // DeepSeek: "the valid range of max_tokens is [1, 8192]"
  {
    pattern: /valid range of max_tokens is \[\d+, ?(\d+)\]/i,
    read: (m) => ({ maxOutput: Number(m[1]) }),
  },
  // Groq: "`max_tokens` must be less than or equal to `32768`"
  {
    pattern: /max_tokens`? must be less than or equal to `?(\d+)/i,
    read: (m) => ({ maxOutput: Number(m[1]) }),
  },
  // Copilot and Anthropic-style: "max_tokens: 128001 > 64000"
  {
    pattern: /max_tokens: \d+ > (\d+)/i,
    read: (m) => ({ maxOutput: Number(m[1]) }),
  },
];

/** Reads the limits from an upstream error text; undefined when it is not an overflow message. */
export function parseOverflow(text: string): OverflowLimits | undefined {
  for (const { pattern, read } of PATTERNS) {
    const match = pattern.exec(text);
    if (match) return read(match);
  }
  return undefined;
}

/** The output budget that fits the limits, or undefined when none does (or none was stated). */
export function fittingMaxTokens(limits: OverflowLimits, requested: number): number | undefined {
  let budget = requested;
  if (limits.context !== undefined && limits.input !== undefined) {
    budget = Math.min(budget, limits.context - limits.input);
  }
  if (limits.maxOutput !== undefined) budget = Math.min(budget, limits.maxOutput);
  return budget < requested && budget >= MIN_RETRY_MAX_TOKENS ? budget : undefined;
}

/** The quirk: one retry with a smaller max_tokens after a context-overflow error. */
export const contextRetry: Quirk = {
  name: "context_retry",
  summary: "On input + max_tokens > context, retried once with the max_tokens that fits",
  retry(
    failure: UpstreamFailure,
    req: ChatCompletionRequest,
    ctx: QuirkRequestContext,
  ): ChatCompletionRequest | undefined {
    if (failure.status !== 400 && failure.status !== 413 && failure.status !== 422) {
      return undefined;
    }
    const field = typeof req.max_completion_tokens === "number"
      ? "max_completion_tokens"
      : typeof req.max_tokens === "number"
      ? "max_tokens"
      : undefined;
    if (field === undefined) return undefined;
    const limits = parseOverflow(failure.body);
    const requested = req[field]!;
    const budget = limits && fittingMaxTokens(limits, requested);
    if (budget === undefined) return undefined;
    ctx.note(`context_retry: ${field} ${requested} → ${budget} after a context-length error`);
    return { ...req, [field]: budget };
  },
};
