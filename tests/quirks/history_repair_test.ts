// Tests for mending interrupted, repeated and orphaned tool results before translation.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { historyRepair, MISSING_RESULT_TEXT } from "../../src/quirks/history_repair.ts";
import type { Message, MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { toOpenAIRequest } from "../../src/translate/openai/request.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

function request(messages: Message[]): MessagesRequest {
  return { model: "claude-test", max_tokens: 100, messages };
}

function toolUse(id: string) {
  return { type: "tool_use" as const, id, name: "Bash", input: { command: "ls" } };
}

function result(id: string, content = "ok") {
  return { type: "tool_result" as const, tool_use_id: id, content };
}

/** What OpenAI-format providers require: every call answered by a tool message right after it. */
function assertCallsAnswered(req: MessagesRequest): void {
  const { request: out } = toOpenAIRequest(req, { model: "m" });
  out.messages.forEach((message, i) => {
    if (message.role !== "assistant" || !message.tool_calls) return;
    const answered = out.messages.slice(i + 1, i + 1 + message.tool_calls.length)
      .map((m) => (m.role === "tool" ? m.tool_call_id : undefined));
    assert.deepEqual(answered, message.tool_calls.map((c) => c.id), `message ${i}`);
  });
}

Deno.test("history_repair answers a call the user interrupted (DeepSeek: No tool output found)", () => {
  const error = JSON.parse(
    readFileSync(
      new URL("../fixtures/upstream/deepseek/error-400-invalid-request.json", import.meta.url),
      "utf8",
    ),
  );
  assert.match(error.error.message, /No tool output found for tool call/);
  const req = request([
    { role: "user", content: "list files" },
    { role: "assistant", content: [toolUse("call-a")] },
    { role: "user", content: "[Request interrupted by user] try again" },
  ]);
  const ctx = quirkContext();
  const out = historyRepair.anthropicRequest!(req, ctx);
  assert.deepEqual(out.messages[2], {
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: "call-a", content: MISSING_RESULT_TEXT, is_error: true },
      { type: "text", text: "[Request interrupted by user] try again" },
    ],
  });
  assert.deepEqual(ctx.notes, ["history_repair: added 1 missing tool result"]);
  assertCallsAnswered(out);
});

Deno.test("history_repair drops a repeated tool result and keeps the first", () => {
  const req = request([
    { role: "assistant", content: [toolUse("a")] },
    { role: "user", content: [result("a", "first"), result("a", "second")] },
  ]);
  const out = historyRepair.anthropicRequest!(req, quirkContext());
  assert.deepEqual(out.messages[1]!.content, [result("a", "first")]);
});

Deno.test("history_repair turns a result whose call is gone into user text", () => {
  const req = request([
    { role: "user", content: [result("gone", "old output"), { type: "text", text: "go on" }] },
  ]);
  const out = historyRepair.anthropicRequest!(req, quirkContext());
  assert.deepEqual(out.messages[0]!.content, [
    { type: "text", text: "Earlier tool result (gone):\nold output" },
    { type: "text", text: "go on" },
  ]);
  assertCallsAnswered(out);
});

Deno.test("history_repair joins split assistant turns so results follow their calls", () => {
  const req = request([
    { role: "user", content: "hi" },
    { role: "assistant", content: [toolUse("a")] },
    { role: "assistant", content: [{ type: "text", text: "" }] },
    { role: "assistant", content: "Also this." },
    { role: "user", content: [result("a")] },
  ]);
  const ctx = quirkContext();
  const out = historyRepair.anthropicRequest!(req, ctx);
  assert.equal(out.messages.length, 3);
  assert.deepEqual(out.messages[1]!.content, [toolUse("a"), { type: "text", text: "Also this." }]);
  assert.deepEqual(ctx.notes, [
    "history_repair: dropped 1 empty message",
    "history_repair: merged 1 message into the turn before",
  ]);
  assertCallsAnswered(out);
});

Deno.test("history_repair returns a sound history unchanged", () => {
  const req = request([
    { role: "user", content: "hi" },
    { role: "assistant", content: [toolUse("a")] },
    { role: "user", content: [result("a")] },
    { role: "assistant", content: [toolUse("b")] },
  ]);
  const ctx = quirkContext();
  assert.equal(historyRepair.anthropicRequest!(req, ctx), req);
  assert.deepEqual(ctx.notes, []);
});
