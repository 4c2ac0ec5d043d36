// Tests for keeping reasoning_effort to each OpenAI model's levels, and o1-mini's system role.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { modelEfforts, nearestEffort, openaiReasoning } from "../../src/quirks/openai_reasoning.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

function withEffort(model: string, effort: string): ChatCompletionRequest {
  return { model, messages: [{ role: "user", content: "hi" }], reasoning_effort: effort };
}

Deno.test("modelEfforts knows the levels of each OpenAI reasoning family", () => {
  assert.deepEqual(modelEfforts("o3"), ["low", "medium", "high"]);
  assert.deepEqual(modelEfforts("openai/o4-mini"), ["low", "medium", "high"]);
  assert.deepEqual(modelEfforts("gpt-5-mini"), ["minimal", "low", "medium", "high"]);
  assert.deepEqual(modelEfforts("gpt-5.1"), ["none", "low", "medium", "high"]);
  assert.ok(modelEfforts("gpt-5.2")!.includes("xhigh"));
  assert.ok(modelEfforts("gpt-5.1-codex-max")!.includes("xhigh"));
  assert.equal(modelEfforts("deepseek-reasoner"), undefined);
});

Deno.test("nearestEffort moves up to the next level the model has, else to its highest", () => {
  assert.equal(nearestEffort("minimal", ["none", "low", "medium", "high"]), "low");
  assert.equal(nearestEffort("xhigh", ["low", "medium", "high"]), "high");
  assert.equal(nearestEffort("low", ["high"]), "high");
  assert.equal(nearestEffort("medium", ["low", "medium", "high"]), "medium");
  assert.equal(nearestEffort("high", []), undefined);
});

Deno.test("openai_reasoning keeps xhigh for gpt-5.2 and lowers it for o3 and gpt-5", () => {
  const ctx = quirkContext();
  assert.equal(
    openaiReasoning.request!(withEffort("gpt-5.2", "xhigh"), ctx).reasoning_effort,
    "xhigh",
  );
  assert.equal(openaiReasoning.request!(withEffort("o3", "xhigh"), ctx).reasoning_effort, "high");
  assert.equal(
    openaiReasoning.request!(withEffort("gpt-5", "xhigh"), ctx).reasoning_effort,
    "high",
  );
  assert.equal(
    openaiReasoning.request!(withEffort("gpt-5", "minimal"), ctx).reasoning_effort,
    "minimal",
  );
  assert.equal(
    openaiReasoning.request!(withEffort("gpt-5.1", "minimal"), ctx).reasoning_effort,
    "low",
  );
  assert.deepEqual(ctx.notes, [
    "openai_reasoning: reasoning_effort xhigh → high (o3)",
    "openai_reasoning: reasoning_effort xhigh → high (gpt-5)",
    "openai_reasoning: reasoning_effort minimal → low (gpt-5.1)",
  ]);
});

Deno.test("openai_reasoning leaves models it does not know alone", () => {
  const req = withEffort("deepseek-reasoner", "xhigh");
  assert.equal(openaiReasoning.request!(req, quirkContext()).reasoning_effort, "xhigh");
});

Deno.test("openai_reasoning sends o1-mini system messages as user messages and no effort", () => {
  const recorded = JSON.parse(readFileSync(
    new URL("../fixtures/upstream/openai/error-400-unsupported-value.json", import.meta.url),
    "utf8",
  ));
  assert.equal(recorded.error.param, "messages[0].role");
  const req: ChatCompletionRequest = {
    model: "o1-mini",
    messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }],
    reasoning_effort: "low",
  };
  const out = openaiReasoning.request!(req, quirkContext());
  assert.deepEqual(out.messages.map((m) => m.role), ["user", "user"]);
  assert.equal(out.reasoning_effort, undefined);
});

Deno.test("openai_reasoning gives a request that turns thinking off the least reasoning each model has", () => {
  const off = { thinking: { type: "disabled" } } as const;
  const plain = (model: string): ChatCompletionRequest => ({
    model,
    messages: [{ role: "user", content: "Is this action safe?" }],
    max_completion_tokens: 64,
  });
  const least = (model: string) => {
    const ctx = quirkContext({ anthropic: off });
    return openaiReasoning.request!(plain(model), ctx).reasoning_effort;
  };
  assert.equal(least("gpt-5.4-mini"), "none");
  assert.equal(least("gpt-5.1"), "none");
  assert.equal(least("gpt-5-mini"), "minimal");
  assert.equal(least("o4-mini"), "low");
  assert.equal(least("gpt-5-pro"), "high", "its only level");
  assert.equal(least("o1-mini"), undefined, "it takes no effort");
  assert.equal(least("deepseek-reasoner"), undefined, "levels unknown: left to the provider");
  const ctx = quirkContext({ anthropic: off });
  openaiReasoning.request!(plain("o3"), ctx);
  assert.deepEqual(ctx.notes, ["openai_reasoning: thinking disabled → reasoning_effort low (o3)"]);
});

Deno.test("openai_reasoning leaves the effort alone when thinking is not turned off, or an effort was asked for", () => {
  const request: ChatCompletionRequest = { model: "gpt-5.2", messages: [] };
  assert.equal(
    openaiReasoning.request!({ ...request }, quirkContext()).reasoning_effort,
    undefined,
  );
  const adaptive = quirkContext({ anthropic: { thinking: { type: "adaptive" } } });
  assert.equal(openaiReasoning.request!({ ...request }, adaptive).reasoning_effort, undefined);
  const asked = quirkContext({ anthropic: { thinking: { type: "disabled" } } });
  assert.equal(
    openaiReasoning.request!(withEffort("gpt-5.2", "high"), asked).reasoning_effort,
    "high",
    "an effort from output_config wins",
  );
});
