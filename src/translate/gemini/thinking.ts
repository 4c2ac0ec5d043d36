// Maps Anthropic thinking and effort to Gemini's thinkingConfig: a level for Gemini 3, a budget for 2.5. Pure.
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import type { GeminiThinkingConfig, GeminiThinkingLevel } from "../../wire/gemini_types.ts";
import { effortForBudget, effortForLevel, type ReasoningEffort } from "../openai/effort.ts";
import { isRecord } from "../../util/is_record.ts";

/** Options for {@linkcode geminiThinkingConfig}. */
export interface GeminiThinkingOptions {
  /** The upstream model; its family decides between a level, a budget and nothing. */
  model: string;
  /** An effort that wins over the request's (`[model_options] reasoning_effort`). */
  forcedEffort?: ReasoningEffort;
}

/** The thinking settings for a request, and a note on where they came from (for the log). */
export interface GeminiThinking {
  config?: GeminiThinkingConfig;
  note?: string;
}

/** What a model family takes: discrete levels (Gemini 3+) or a token budget in a range (2.5). */
type ModelThinking =
  | { kind: "level"; levels: readonly GeminiThinkingLevel[] }
  | { kind: "budget"; min: number; max: number; canDisable: boolean };

const LEVEL_ORDER: readonly GeminiThinkingLevel[] = ["minimal", "low", "medium", "high"];

/** Token budgets for the effort levels on Gemini 2.5 (clamped to the model's range). */
const EFFORT_BUDGETS: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 0,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: Number.MAX_SAFE_INTEGER,
};

/**
 * The thinkingConfig for a request, or none for models without thinking control (Gemini 1.x, 2.0,
 * Gemma, unknown names). The effort comes from the forced effort, else `output_config.effort`, else
 * `thinking.budget_tokens`; adaptive thinking without an effort leaves the depth to the model, and
 * no thinking asks for the least the model allows. Thought summaries come back (`includeThoughts`)
 * when the client asked for thinking and did not set `display: "omitted"`.
 *
 * | request                      | Gemini 3 (`thinkingLevel`)      | Gemini 2.5 (`thinkingBudget`)   |
 * | ---------------------------- | ------------------------------- | ------------------------------- |
 * | effort low / medium / high   | low / medium / high             | 1024 / 8192 / 24576             |
 * | effort max                   | high                            | the model's maximum             |
 * | budget_tokens N              | low < 4096 ≤ medium < 16384 ≤ high | N                            |
 * | adaptive, no effort          | (model default)                 | -1 (dynamic)                    |
 * | no thinking, no effort       | the lowest level                | 0 (Flash), 128 (Pro)            |
 *
 * A level the model lacks becomes the next one up (Gemini 3 Pro: medium → high, minimal → low);
 * a budget is clamped to the model's range.
 */
export function geminiThinkingConfig(
  req: Pick<MessagesRequest, "thinking" | "output_config">,
  options: GeminiThinkingOptions,
): GeminiThinking {
  const family = modelThinking(options.model);
  if (!family) return {};
  const thinking = thinkingOf(req);
  const asked = thinking?.type === "enabled" || thinking?.type === "adaptive";
  const includeThoughts = asked && thinking?.display !== "omitted";
  const { effort, source } = requestedEffort(req, options.forcedEffort);
  const budgetTokens = thinking?.type === "enabled" && typeof thinking.budget_tokens === "number"
    ? thinking.budget_tokens
    : undefined;
  const config: GeminiThinkingConfig = {};
  if (family.kind === "level") {
    const level = effort ??
      (budgetTokens !== undefined ? effortForBudget(budgetTokens) : undefined);
    const wanted = level === undefined
      ? (asked ? undefined : "minimal")
      : level === "xhigh"
      ? "high"
      : level;
    if (wanted !== undefined) config.thinkingLevel = nearestLevel(wanted, family.levels);
  } else {
    const budget = effort !== undefined ? EFFORT_BUDGETS[effort] : budgetTokens ?? (asked ? -1 : 0);
    if (budget === -1) config.thinkingBudget = -1;
    else if (budget <= 0 && family.canDisable) config.thinkingBudget = 0;
    else config.thinkingBudget = Math.min(family.max, Math.max(family.min, Math.round(budget)));
  }
  if (includeThoughts && config.thinkingBudget !== 0) config.includeThoughts = true;
  if (Object.keys(config).length === 0) return {};
  const setting = config.thinkingLevel !== undefined
    ? `thinkingLevel ${config.thinkingLevel}`
    : config.thinkingBudget !== undefined
    ? `thinkingBudget ${config.thinkingBudget}`
    : "includeThoughts";
  const from = source ?? (asked ? "thinking" : "no thinking");
  return { config, note: `${from} → ${setting}` };
}

/** The effort asked for outright (model options, then `output_config.effort`), and its source. */
function requestedEffort(
  req: Pick<MessagesRequest, "output_config">,
  forced: ReasoningEffort | undefined,
): { effort?: ReasoningEffort; source?: string } {
  if (forced !== undefined) return { effort: forced, source: "model options" };
  const level = effortForLevel(req.output_config?.effort, { maxEffort: "xhigh" });
  if (level !== undefined) return { effort: level, source: "output_config.effort" };
  return {};
}

/** The request's `thinking` as a plain object (it may carry fields the types do not list). */
function thinkingOf(req: Pick<MessagesRequest, "thinking">): Record<string, unknown> | undefined {
  const thinking: unknown = req.thinking;
  return isRecord(thinking) ? thinking : undefined;
}

/** The level the model takes closest to `wanted`, rounding up (down only past the top). */
function nearestLevel(
  wanted: GeminiThinkingLevel,
  levels: readonly GeminiThinkingLevel[],
): GeminiThinkingLevel {
  const start = LEVEL_ORDER.indexOf(wanted);
  for (const level of LEVEL_ORDER.slice(start)) if (levels.includes(level)) return level;
  return levels[levels.length - 1] ?? wanted;
}

/** The Gemini version in a model name (`gemini-2.5-pro` → 2.5); undefined for other names. */
export function geminiVersion(model: string): { major: number; minor: number } | undefined {
  const name = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  const match = /^gemini-(\d+)(?:\.(\d+))?-/.exec(name);
  return match ? { major: Number(match[1]), minor: Number(match[2] ?? 0) } : undefined;
}

/** What thinking control a model has, from its name; undefined for none. */
function modelThinking(model: string): ModelThinking | undefined {
  const version = geminiVersion(model);
  if (!version) return undefined;
  const { major, minor } = version;
  const name = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  if (major >= 3) {
    if (/^gemini-3-pro/.test(name)) return { kind: "level", levels: ["low", "high"] };
    if (name.includes("pro")) return { kind: "level", levels: ["low", "medium", "high"] };
    return { kind: "level", levels: LEVEL_ORDER };
  }
  if (major !== 2 || minor < 5) return undefined;
  if (name.includes("pro")) return { kind: "budget", min: 128, max: 32768, canDisable: false };
  if (name.includes("lite")) return { kind: "budget", min: 512, max: 24576, canDisable: true };
  return { kind: "budget", min: 1, max: 24576, canDisable: true };
}
