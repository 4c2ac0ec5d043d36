// Quirk `deepseek_reasoning`: assistant tool-call turns always carry `reasoning_content`. Pure.
//
// DeepSeek's thinking mode (and Kimi's) refuses a history whose assistant tool-call turns lack
// `reasoning_content`: "Missing reasoning_content field in the assistant message at message index
// 2". The translator sends thinking blocks back as `reasoning_content` (the preset's
// `reasoning_history`); a turn whose thinking Claude Code dropped, or that came from another
// provider, gets an empty string.
import type { ChatCompletionRequest } from "../wire/openai_types.ts";
import { assistantMessages, plural } from "./chunk_parts.ts";
import type { Quirk, QuirkContext } from "./quirk.ts";

/** The quirk: `reasoning_content: ""` on assistant tool-call turns that have none. */
export const deepseekReasoning: Quirk = {
  name: "deepseek_reasoning",
  summary: "Assistant turns with tool calls always carry `reasoning_content` (DeepSeek, Kimi)",
  request(req: ChatCompletionRequest, ctx: QuirkContext): ChatCompletionRequest {
    let added = 0;
    for (const message of assistantMessages(req)) {
      const calls = message.tool_calls;
      if (!calls || calls.length === 0 || typeof message.reasoning_content === "string") continue;
      message.reasoning_content = "";
      added++;
    }
    if (added > 0) {
      ctx.note(`deepseek_reasoning: empty reasoning_content on ${plural(added, "tool-call turn")}`);
    }
    return req;
  },
};
