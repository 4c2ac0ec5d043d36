// Tests for the shape check of whole Chat Completions answers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { completionShapeProblem } from "../../../src/translate/openai/completion_shape.ts";

const UPSTREAM = new URL("../../fixtures/upstream/", import.meta.url);

Deno.test("completionShapeProblem accepts every recorded whole answer", () => {
  const names = [
    "openai/chat-text.json",
    "openai/chat-tool-call.json",
    "openai/chat-parallel-tool-calls.json",
    "deepseek/chat-reasoning-parallel-tool-calls.json",
    "gemini-openai-compat/chat-tool-call-thought-signature.json",
    "groq/chat-qwen3-think-tags-in-content.json",
    "mistral/chat-tool-call.json",
    "ollama/chat-gpt-oss-tool-call-reasoning.json",
    "azure/chat-text-content-filter.json",
  ];
  for (const name of names) {
    const json = JSON.parse(readFileSync(new URL(name, UPSTREAM), "utf8"));
    assert.equal(completionShapeProblem(json), undefined, name);
  }
});

Deno.test("completionShapeProblem leaves missing and null fields to the quirks and the translation", () => {
  assert.equal(completionShapeProblem({ choices: [] }), undefined);
  assert.equal(completionShapeProblem({ choices: [{ finish_reason: "stop" }] }), undefined);
  assert.equal(completionShapeProblem({ choices: [{ message: null }] }), undefined);
  assert.equal(completionShapeProblem({ choices: [{ message: { tool_calls: null } }] }), undefined);
  const nameless = { choices: [{ message: { tool_calls: [{ function: { arguments: "{}" } }] } }] };
  assert.equal(completionShapeProblem(nameless), undefined);
  const objectArgs = { choices: [{ message: { tool_calls: [{ function: { arguments: {} } }] } }] };
  assert.equal(completionShapeProblem(objectArgs), undefined);
});

Deno.test("completionShapeProblem names the first place that has the wrong type", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ choices: {} }, "choices: expected an array"],
    [{ choices: [null] }, "choices.0: expected an object"],
    [{ choices: [{ message: "hi" }] }, "choices.0.message: expected an object"],
    [
      { choices: [{ message: {} }, { message: { tool_calls: "Read" } }] },
      "choices.1.message.tool_calls: expected an array",
    ],
    [
      { choices: [{ message: { tool_calls: [{ function: { name: "a" } }, 5] } }] },
      "choices.0.message.tool_calls.1: expected an object",
    ],
    [
      { choices: [{ message: { tool_calls: [{ function: "Read" }] } }] },
      "choices.0.message.tool_calls.0.function: expected an object",
    ],
    [
      { choices: [{ message: { tool_calls: [{ function: { name: 7 } }] } }] },
      "choices.0.message.tool_calls.0.function.name: expected a string",
    ],
  ];
  for (const [json, problem] of cases) assert.equal(completionShapeProblem(json), problem);
});
