// Tests for the mapping of Anthropic thinking and effort to Gemini's thinkingConfig.
import assert from "node:assert/strict";
import { geminiThinkingConfig, geminiVersion } from "../../../src/translate/gemini/thinking.ts";
import type { MessagesRequest } from "../../../src/wire/anthropic_types.ts";

type Ask = Pick<MessagesRequest, "thinking" | "output_config">;

const ADAPTIVE: Ask = { thinking: { type: "adaptive" } };
const OMITTED: Ask = { thinking: { type: "adaptive", display: "omitted" } as never };
const budget = (budget_tokens: number): Ask => ({ thinking: { type: "enabled", budget_tokens } });
const effort = (value: string, base: Ask = ADAPTIVE): Ask => ({
  ...base,
  output_config: { effort: value },
});

/** [model, request, expected thinkingConfig (undefined: none sent)] */
const CASES: Array<[string, Ask, unknown]> = [
  // Gemini 3: levels.
  ["gemini-3-flash-preview", effort("low"), { thinkingLevel: "low", includeThoughts: true }],
  ["gemini-3-flash-preview", effort("medium"), { thinkingLevel: "medium", includeThoughts: true }],
  ["gemini-3-flash-preview", effort("max"), { thinkingLevel: "high", includeThoughts: true }],
  ["gemini-3-pro-preview", effort("medium"), { thinkingLevel: "high", includeThoughts: true }],
  ["gemini-3.1-pro-preview", effort("medium"), { thinkingLevel: "medium", includeThoughts: true }],
  ["gemini-3-pro-preview", budget(2000), { thinkingLevel: "low", includeThoughts: true }],
  ["gemini-3-flash-preview", budget(8000), { thinkingLevel: "medium", includeThoughts: true }],
  ["gemini-3-flash-preview", budget(31999), { thinkingLevel: "high", includeThoughts: true }],
  ["gemini-3-pro-preview", ADAPTIVE, { includeThoughts: true }],
  ["gemini-3-pro-preview", OMITTED, undefined],
  ["gemini-3-pro-preview", effort("high", OMITTED), { thinkingLevel: "high" }],
  ["gemini-3-flash-preview", {}, { thinkingLevel: "minimal" }],
  ["gemini-3-pro-preview", { thinking: { type: "disabled" } }, { thinkingLevel: "low" }],
  ["gemini-3.1-pro-preview", {}, { thinkingLevel: "low" }],
  // Gemini 2.5: budgets, clamped to each model's range.
  ["gemini-2.5-pro", budget(31999), { thinkingBudget: 31999, includeThoughts: true }],
  ["gemini-2.5-flash", budget(31999), { thinkingBudget: 24576, includeThoughts: true }],
  ["gemini-2.5-flash-lite", budget(100), { thinkingBudget: 512, includeThoughts: true }],
  ["gemini-2.5-pro", effort("low"), { thinkingBudget: 1024, includeThoughts: true }],
  ["gemini-2.5-pro", effort("max"), { thinkingBudget: 32768, includeThoughts: true }],
  ["gemini-2.5-pro", ADAPTIVE, { thinkingBudget: -1, includeThoughts: true }],
  ["gemini-2.5-flash", {}, { thinkingBudget: 0 }],
  ["gemini-2.5-flash", { thinking: { type: "disabled" } }, { thinkingBudget: 0 }],
  ["gemini-2.5-pro", {}, { thinkingBudget: 128 }],
  ["models/gemini-2.5-flash", ADAPTIVE, { thinkingBudget: -1, includeThoughts: true }],
  // No thinking control.
  ["gemini-2.0-flash", ADAPTIVE, undefined],
  ["gemma-3-27b-it", effort("high"), undefined],
  ["gemini-1.5-pro", budget(4000), undefined],
];

for (const [model, ask, expected] of CASES) {
  Deno.test(`geminiThinkingConfig for ${model} with ${JSON.stringify(ask)}`, () => {
    assert.deepEqual(geminiThinkingConfig(ask, { model }).config, expected);
  });
}

Deno.test("geminiThinkingConfig lets the model options' effort win over the request's", () => {
  const result = geminiThinkingConfig(effort("low"), {
    model: "gemini-3-flash-preview",
    forcedEffort: "minimal",
  });
  assert.deepEqual(result.config, { thinkingLevel: "minimal", includeThoughts: true });
  assert.equal(result.note, "model options → thinkingLevel minimal");
  const pro = geminiThinkingConfig({}, { model: "gemini-2.5-pro", forcedEffort: "xhigh" });
  assert.deepEqual(pro.config, { thinkingBudget: 32768 });
});

Deno.test("geminiThinkingConfig notes where the setting came from", () => {
  assert.equal(
    geminiThinkingConfig(budget(8000), { model: "gemini-2.5-pro" }).note,
    "thinking → thinkingBudget 8000",
  );
  assert.equal(
    geminiThinkingConfig(effort("low"), { model: "gemini-3-pro-preview" }).note,
    "output_config.effort → thinkingLevel low",
  );
});

Deno.test("geminiVersion reads the version from model names with or without a collection", () => {
  assert.deepEqual(geminiVersion("gemini-2.5-pro"), { major: 2, minor: 5 });
  assert.deepEqual(geminiVersion("models/gemini-3-flash-preview"), { major: 3, minor: 0 });
  assert.equal(geminiVersion("gemma-3-27b-it"), undefined);
});

Deno.test("geminiThinkingConfig says when the setting stands for no thinking", () => {
  assert.equal(
    geminiThinkingConfig({}, { model: "gemini-2.5-flash" }).note,
    "no thinking → thinkingBudget 0",
  );
});
