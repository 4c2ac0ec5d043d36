// Tests for the thinking/effort → reasoning_effort mapping and reasoning-model detection.
import assert from "node:assert/strict";
import {
  effortFor,
  effortForBudget,
  effortForLevel,
  isOpenAIReasoningModel,
  LOW_EFFORT_BUDGET_LIMIT,
  MEDIUM_EFFORT_BUDGET_LIMIT,
} from "../../../src/translate/openai/effort.ts";
import type { MessagesRequest } from "../../../src/wire/anthropic_types.ts";

function request(extra: Partial<MessagesRequest>): MessagesRequest {
  return { model: "claude-sonnet-4-5", max_tokens: 1024, messages: [], ...extra };
}

Deno.test("effortFor passes output_config.effort low, medium and high through", () => {
  for (const effort of ["low", "medium", "high"] as const) {
    assert.equal(effortFor(request({ output_config: { effort } })), effort);
  }
});

Deno.test("effortFor maps effort max to high unless maxEffort is xhigh", () => {
  const req = request({ output_config: { effort: "max" } });
  assert.equal(effortFor(req), "high");
  assert.equal(effortFor(req, { maxEffort: "high" }), "high");
  assert.equal(effortFor(req, { maxEffort: "xhigh" }), "xhigh");
});

Deno.test("effortFor prefers output_config.effort over the thinking budget", () => {
  const req = request({
    output_config: { effort: "low" },
    thinking: { type: "enabled", budget_tokens: 60000 },
  });
  assert.equal(effortFor(req), "low");
});

Deno.test("effortFor maps thinking budgets at the exported thresholds", () => {
  const cases: Array<[number, string]> = [
    [1024, "low"],
    [LOW_EFFORT_BUDGET_LIMIT - 1, "low"],
    [LOW_EFFORT_BUDGET_LIMIT, "medium"],
    [MEDIUM_EFFORT_BUDGET_LIMIT - 1, "medium"],
    [MEDIUM_EFFORT_BUDGET_LIMIT, "high"],
    [128000, "high"],
  ];
  assert.equal(LOW_EFFORT_BUDGET_LIMIT, 4096);
  assert.equal(MEDIUM_EFFORT_BUDGET_LIMIT, 16384);
  for (const [budget, expected] of cases) {
    const req = request({ thinking: { type: "enabled", budget_tokens: budget } });
    assert.equal(effortFor(req), expected, `budget ${budget}`);
  }
});

Deno.test("effortFor maps adaptive thinking without effort to medium", () => {
  assert.equal(effortFor(request({ thinking: { type: "adaptive" } })), "medium");
});

Deno.test("effortFor returns undefined when thinking is disabled or absent and no effort is set", () => {
  assert.equal(effortFor(request({})), undefined);
  assert.equal(effortFor(request({ thinking: { type: "disabled" } })), undefined);
});

Deno.test("effortFor ignores an unrecognised effort value and falls back to thinking", () => {
  const req = request({ output_config: { effort: "extreme" }, thinking: { type: "adaptive" } });
  assert.equal(effortFor(req), "medium");
  assert.equal(effortFor(request({ output_config: { effort: "extreme" } })), undefined);
});

Deno.test("effortForLevel returns undefined for non-string values", () => {
  assert.equal(effortForLevel(undefined), undefined);
  assert.equal(effortForLevel(3), undefined);
  assert.equal(effortForLevel("xhigh", { maxEffort: "xhigh" }), "xhigh");
});

Deno.test("effortForBudget treats a missing budget as medium", () => {
  assert.equal(effortForBudget(undefined), "medium");
  assert.equal(effortForBudget(Number.NaN), "medium");
});

Deno.test("isOpenAIReasoningModel recognises the o1, o3, o4 and gpt-5 families", () => {
  for (
    const model of ["o1", "o1-mini", "o3", "o3-pro", "o4-mini", "gpt-5", "gpt-5.1", "gpt-5-mini"]
  ) {
    assert.equal(isOpenAIReasoningModel(model), true, model);
  }
});

Deno.test("isOpenAIReasoningModel ignores vendor prefixes and case", () => {
  assert.equal(isOpenAIReasoningModel("openai/o3-mini"), true);
  assert.equal(isOpenAIReasoningModel("OpenAI/GPT-5"), true);
});

Deno.test("isOpenAIReasoningModel rejects other models and the gpt-5 chat variants", () => {
  const models = [
    "gpt-4o",
    "gpt-4.1-mini",
    "deepseek-reasoner",
    "openrouter/anthropic/claude-sonnet-4",
    "gpt-5-chat-latest",
    "gpt-5.1-chat-latest",
    "o10",
    "omni",
  ];
  for (const model of models) assert.equal(isOpenAIReasoningModel(model), false, model);
});
