// Tests for joining consecutive same-role messages after translation.
import assert from "node:assert/strict";
import { joinSameRoleMessages, mergeSameRole } from "../../src/quirks/merge_same_role.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

Deno.test("joinSameRoleMessages joins user, assistant and system runs", () => {
  const req: ChatCompletionRequest = {
    model: "deepseek-reasoner",
    messages: [
      { role: "system", content: "A" },
      { role: "system", content: "B" },
      { role: "user", content: "one" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:x" } }] },
      { role: "assistant", content: "first", reasoning_content: "r1" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c", type: "function", function: { name: "t", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c", content: "ok" },
      { role: "user", content: "two" },
    ],
  };
  assert.equal(joinSameRoleMessages(req), 3);
  assert.deepEqual(req.messages.map((m) => m.role), [
    "system",
    "user",
    "assistant",
    "tool",
    "user",
  ]);
  assert.deepEqual(req.messages[0], { role: "system", content: "A\n\nB" });
  assert.deepEqual(req.messages[1], {
    role: "user",
    content: [
      { type: "text", text: "one" },
      { type: "image_url", image_url: { url: "data:x" } },
    ],
  });
  const assistant = req.messages[2] as Record<string, unknown>;
  assert.equal(assistant.content, "first");
  assert.equal(assistant.reasoning_content, "r1");
  assert.equal((assistant.tool_calls as unknown[]).length, 1);
});

Deno.test("merge_same_role notes what it joined and leaves alternating messages alone", () => {
  const ctx = quirkContext();
  const req: ChatCompletionRequest = {
    model: "m",
    messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }],
  };
  assert.deepEqual(mergeSameRole.request!(req, ctx).messages, [{
    role: "user",
    content: "a\n\nb",
  }]);
  assert.deepEqual(ctx.notes, ["merge_same_role: joined 1 message"]);
  const alternating: ChatCompletionRequest = {
    model: "m",
    messages: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }],
  };
  assert.equal(joinSameRoleMessages(alternating), 0);
});
