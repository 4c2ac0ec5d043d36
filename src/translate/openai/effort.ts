// Maps Anthropic thinking and effort settings to OpenAI `reasoning_effort`. Pure.
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import { isRecord } from "../../util/is_record.ts";

/** An OpenAI `reasoning_effort` level. */
export type ReasoningEffort = "minimal" | "low" | "medium" | "high" | "xhigh";

/** Options for {@linkcode effortFor}. */
export interface EffortOptions {
  /** The highest level the upstream accepts; Anthropic `max` maps to it. Default "high". */
  maxEffort?: "high" | "xhigh";
}

/** A `thinking.budget_tokens` below this maps to "low". */
export const LOW_EFFORT_BUDGET_LIMIT = 4096;
/** A `thinking.budget_tokens` below this (and not below the low limit) maps to "medium". */
export const MEDIUM_EFFORT_BUDGET_LIMIT = 16384;

const DIRECT_EFFORTS: ReadonlySet<string> = new Set(["low", "medium", "high"]);
const TOP_EFFORTS: ReadonlySet<string> = new Set(["max", "xhigh"]);

/**
 * Returns the `reasoning_effort` for a request, or undefined when it asks for no reasoning.
 *
 * | Anthropic request                                | reasoning_effort                  |
 * | ------------------------------------------------ | --------------------------------- |
 * | `output_config.effort` "low" / "medium" / "high" | the same                          |
 * | `output_config.effort` "max" (or "xhigh")        | "xhigh" if `maxEffort` is "xhigh", else "high" |
 * | `thinking.budget_tokens` < 4096                  | "low"                             |
 * | `thinking.budget_tokens` < 16384                 | "medium"                          |
 * | `thinking.budget_tokens` ≥ 16384                 | "high"                            |
 * | `thinking` adaptive without an effort            | "medium"                          |
 * | thinking disabled or absent, no effort           | undefined                         |
 *
 * `output_config.effort` wins over `thinking`; an unrecognised effort value is ignored. A message's
 * own `output_config.effort` (beta `per-turn-control-2026-07-01`; the last message that has one)
 * wins over the request's.
 *
 * @example
 * ```ts
 * effortFor({ model: "m", max_tokens: 1, messages: [], thinking: { type: "enabled", budget_tokens: 8000 } });
 * // → "medium"
 * ```
 */
export function effortFor(
  req: MessagesRequest,
  options: EffortOptions = {},
): ReasoningEffort | undefined {
  const level = effortForLevel(turnEffort(req.messages), options) ??
    effortForLevel(req.output_config?.effort, options);
  if (level !== undefined) return level;
  const thinking = req.thinking;
  if (thinking === null || typeof thinking !== "object") return undefined;
  if (thinking.type === "adaptive") return "medium";
  if (thinking.type !== "enabled") return undefined;
  return effortForBudget(thinking.budget_tokens);
}

/** The effort the conversation's last message with an `output_config.effort` sets, if any. */
export function turnEffort(messages: unknown): unknown {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message: unknown = messages[i];
    const config = isRecord(message) ? message.output_config : undefined;
    if (isRecord(config) && config.effort !== undefined) return config.effort;
  }
  return undefined;
}

/** Maps an `output_config.effort` value to an effort level; undefined when it is not recognised. */
export function effortForLevel(
  effort: unknown,
  options: EffortOptions = {},
): ReasoningEffort | undefined {
  if (typeof effort !== "string") return undefined;
  if (DIRECT_EFFORTS.has(effort)) return effort as ReasoningEffort;
  if (TOP_EFFORTS.has(effort)) return options.maxEffort === "xhigh" ? "xhigh" : "high";
  return undefined;
}

/** Maps a thinking token budget to an effort level using the exported thresholds. */
export function effortForBudget(budgetTokens: number | undefined): ReasoningEffort {
  if (typeof budgetTokens !== "number" || Number.isNaN(budgetTokens)) return "medium";
  if (budgetTokens < LOW_EFFORT_BUDGET_LIMIT) return "low";
  if (budgetTokens < MEDIUM_EFFORT_BUDGET_LIMIT) return "medium";
  return "high";
}

const REASONING_MODEL = /^(?:o[134]|gpt-[56])(?:$|[-.:_])/;
const NON_REASONING_VARIANT = /^gpt-5(?:\.\d+)?-chat(?:$|-)/;

/**
 * Reports whether a model name is an OpenAI reasoning model (o1, o3, o4, gpt-5, gpt-6), ignoring
 * any `vendor/` prefix such as "openai/o3-mini". The gpt-5 chat variants are not reasoning models.
 */
export function isOpenAIReasoningModel(model: string): boolean {
  const name = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  return REASONING_MODEL.test(name) && !NON_REASONING_VARIANT.test(name);
}
