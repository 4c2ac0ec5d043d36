// Tests for what a request asks of its answer's shape (thinking display, structured output, stop sequences, betas).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { answerShape } from "../../../src/translate/anthropic/answer_shape.ts";
import type { MessagesRequest } from "../../../src/wire/anthropic_types.ts";

function recorded(name: string): { body: MessagesRequest; beta: string } {
  const url = new URL(`../../fixtures/claude-code/${name}`, import.meta.url);
  const { body, headers } = JSON.parse(readFileSync(url, "utf8"));
  return { body, beta: headers["anthropic-beta"] };
}

Deno.test("answerShape omits thinking for 2.1.337's -p turn (display omitted) and counts thinking tokens", () => {
  const { body, beta } = recorded("first-turn-2.1.337.request.json");
  assert.deepEqual(answerShape(body, beta), { omitThinking: true, thinkingTokens: true });
});

Deno.test("answerShape shows thinking for 2.1.337's interactive turn (display updates)", () => {
  const { body, beta } = recorded("interactive-first-turn-2.1.337.request.json");
  assert.equal(answerShape(body, beta).omitThinking, false);
});

Deno.test("answerShape reads the session title's schema and the redact-thinking beta", () => {
  const { body, beta } = recorded("session-title-2.1.337.request.json");
  const shape = answerShape(body, beta);
  assert.equal(shape.omitThinking, true, "redact-thinking-2026-02-12");
  assert.deepEqual(shape.outputFormat?.schema.required, ["title"]);
});

Deno.test("answerShape asks for nothing special without a display, a format or the betas", () => {
  const body: MessagesRequest = {
    model: "m",
    max_tokens: 1,
    messages: [],
    thinking: { type: "adaptive", display: "summarized" },
  };
  assert.deepEqual(answerShape(body, null), { omitThinking: false, thinkingTokens: false });
});

Deno.test("answerShape reads the stop sequence of auto mode's recorded check", () => {
  const { body, beta } = recorded("auto-mode-check-block-2.1.337.request.json");
  assert.deepEqual(answerShape(body, beta).stopSequences, ["</block>"]);
  const severity = recorded("auto-mode-check-severity-2.1.337.request.json");
  assert.equal(answerShape(severity.body, severity.beta).stopSequences, undefined);
});
