// Quirk `openai_reasoning`: `reasoning_effort` kept to the levels each OpenAI model has. Pure.
//
// The translator already sends `max_completion_tokens` and no `temperature` / `top_p` to o-series
// and gpt-5 models, and maps Claude Code's effort to `reasoning_effort` (see effort.ts). The levels
// differ by model: `minimal` exists on gpt-5 only, `xhigh` from gpt-5.1-codex-max and gpt-5.2 on,
// o1-mini takes neither an effort nor a system message. An effort a model lacks becomes the next
// level up it has (or its highest); o1-mini's system messages become user messages. A request that
// turns thinking off (`thinking: {type: "disabled"}`, as Claude Code's auto-mode safety check does
// with a 64-token answer) gets the least reasoning the model has (`none`, `minimal` or `low`), so the
// model does not spend the answer's tokens on reasoning it was asked not to do.
import type { ReasoningEffort } from "../translate/openai/effort.ts";
import type { ChatCompletionRequest } from "../wire/openai_types.ts";
import { isRecord } from "../util/is_record.ts";
import type { Quirk, QuirkRequestContext } from "./quirk.ts";

/** Every effort level, lowest first ("none" is gpt-5.1's no-reasoning level). */
const EFFORT_ORDER: readonly (ReasoningEffort | "none")[] = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
];

/** Reasoning levels by model family, first match wins (the name without a `vendor/` prefix). */
const MODEL_EFFORTS: ReadonlyArray<
  { pattern: RegExp; efforts: readonly (ReasoningEffort | "none")[] }
> = [
  { pattern: /^o1-(?:mini|preview)(?:$|-)/, efforts: [] },
  { pattern: /^o[134](?:$|-)/, efforts: ["low", "medium", "high"] },
  { pattern: /^gpt-5-pro(?:$|-)/, efforts: ["high"] },
  { pattern: /^gpt-5-codex(?:$|-)/, efforts: ["low", "medium", "high"] },
  { pattern: /^gpt-5(?:$|-)/, efforts: ["minimal", "low", "medium", "high"] },
  { pattern: /^gpt-5\.1-codex-max(?:$|-)/, efforts: ["low", "medium", "high", "xhigh"] },
  { pattern: /^gpt-5\.1-codex-mini(?:$|-)/, efforts: ["medium", "high"] },
  { pattern: /^gpt-5\.1-codex(?:$|-)/, efforts: ["low", "medium", "high"] },
  { pattern: /^gpt-5\.1(?:$|-)/, efforts: ["none", "low", "medium", "high"] },
  { pattern: /^gpt-5\.\d+-pro(?:$|-)/, efforts: ["medium", "high", "xhigh"] },
  { pattern: /^gpt-5\.\d+(?:$|-)/, efforts: ["none", "low", "medium", "high", "xhigh"] },
  // GPT-6 takes low to xhigh (and max and ultra above the levels Claude Code asks for).
  { pattern: /^gpt-6(?:\.\d+)?(?:$|-)/, efforts: ["low", "medium", "high", "xhigh"] },
];

/** Models that refuse system (and developer) messages. */
const NO_SYSTEM_ROLE = /^o1-(?:mini|preview)(?:$|-)/;

/** The levels `model` accepts, or undefined for a model not in the table. */
export function modelEfforts(model: string): readonly (ReasoningEffort | "none")[] | undefined {
  const name = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  return MODEL_EFFORTS.find((entry) => entry.pattern.test(name))?.efforts;
}

/** The level to send for `effort` to a model with `allowed`: the next up, else the highest. */
export function nearestEffort(
  effort: string,
  allowed: readonly string[],
): string | undefined {
  if (allowed.length === 0 || allowed.includes(effort)) return allowed.length ? effort : undefined;
  const rank = EFFORT_ORDER.indexOf(effort as ReasoningEffort);
  const up = allowed.find((level) => EFFORT_ORDER.indexOf(level as ReasoningEffort) > rank);
  return up ?? allowed[allowed.length - 1];
}

/** The quirk: clamp `reasoning_effort` per model; o1-mini gets no effort and no system role. */
export const openaiReasoning: Quirk = {
  name: "openai_reasoning",
  summary: "`reasoning_effort` limited to the levels each OpenAI model has (minimal, xhigh…)",
  request(req: ChatCompletionRequest, ctx: QuirkRequestContext): ChatCompletionRequest {
    const name = req.model.slice(req.model.lastIndexOf("/") + 1).toLowerCase();
    if (NO_SYSTEM_ROLE.test(name) && req.messages.some((m) => m.role === "system")) {
      req.messages = req.messages.map((m) =>
        m.role === "system" || m.role === "developer" ? { role: "user", content: m.content } : m
      );
      ctx.note("openai_reasoning: system messages sent as user messages");
    }
    const allowed = modelEfforts(req.model);
    if (req.reasoning_effort === undefined && thinkingOff(ctx) && allowed?.[0] !== undefined) {
      req.reasoning_effort = allowed[0];
      ctx.note(
        `openai_reasoning: thinking disabled → reasoning_effort ${allowed[0]} (${req.model})`,
      );
      return req;
    }
    const effort = req.reasoning_effort;
    if (typeof effort !== "string" || allowed === undefined) return req;
    const sent = nearestEffort(effort, allowed);
    if (sent === effort) return req;
    if (sent === undefined) {
      delete req.reasoning_effort;
      ctx.note(`openai_reasoning: dropped reasoning_effort (${req.model} has none)`);
    } else {
      req.reasoning_effort = sent;
      ctx.note(`openai_reasoning: reasoning_effort ${effort} → ${sent} (${req.model})`);
    }
    return req;
  },
};

/** Whether the client's request turned thinking off outright. */
function thinkingOff(ctx: QuirkRequestContext): boolean {
  const thinking: unknown = ctx.anthropic.thinking;
  return isRecord(thinking) && thinking.type === "disabled";
}
