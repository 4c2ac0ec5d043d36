// Tests for `reasoning_content` on every assistant tool-call turn (DeepSeek thinking mode, Kimi).
import assert from "node:assert/strict";
import { deepseekReasoning } from "../../src/quirks/deepseek_reasoning.ts";
import type { ChatCompletionRequest, ChatToolCall } from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

const CALL: ChatToolCall = {
  id: "c",
  type: "function",
  function: { name: "Bash", arguments: "{}" },
};

Deno.test("deepseek_reasoning adds empty reasoning_content to tool-call turns that lack it", () => {
  // DeepSeek: "Missing reasoning_content field in the assistant message at message index 2"
  const req: ChatCompletionRequest = {
    model: "deepseek-reasoner",
    messages: [
      { role: "user", content: "hi" },
      { role: "assistant", content: "Plain answer." },
      { role: "assistant", content: null, tool_calls: [CALL] },
      { role: "tool", tool_call_id: "c", content: "ok" },
      { role: "assistant", content: null, tool_calls: [CALL], reasoning_content: "Kept." },
    ],
  };
  const ctx = quirkContext();
  const out = deepseekReasoning.request!(req, ctx);
  assert.equal("reasoning_content" in out.messages[1]!, false);
  assert.equal((out.messages[2] as { reasoning_content?: string }).reasoning_content, "");
  assert.equal((out.messages[4] as { reasoning_content?: string }).reasoning_content, "Kept.");
  assert.deepEqual(ctx.notes, ["deepseek_reasoning: empty reasoning_content on 1 tool-call turn"]);
});
