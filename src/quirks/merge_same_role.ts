// Quirk `merge_same_role`: consecutive messages of one role are joined after translation. Pure.
//
// DeepSeek's reasoner and many local chat templates (Ollama, LM Studio, llama.cpp) refuse two user
// or two assistant messages in a row. They appear after translation when a message the provider
// cannot take (thinking only, server tools only) is dropped between two others.
import type { ChatCompletionRequest, ChatContentPart, ChatMessage } from "../wire/openai_types.ts";
import { plural } from "./chunk_parts.ts";
import type { Quirk, QuirkContext } from "./quirk.ts";

type Assistant = Extract<ChatMessage, { role: "assistant" }>;
type User = Extract<ChatMessage, { role: "user" }>;

/** Joins runs of user, assistant or system messages; returns how many messages were merged away. */
export function joinSameRoleMessages(req: ChatCompletionRequest): number {
  const out: ChatMessage[] = [];
  for (const message of req.messages) {
    const last = out.at(-1);
    if (last?.role === "user" && message.role === "user") {
      out[out.length - 1] = joinUser(last, message);
    } else if (last?.role === "assistant" && message.role === "assistant") {
      out[out.length - 1] = joinAssistant(last, message);
    } else if (last?.role === "system" && message.role === "system") {
      out[out.length - 1] = { role: "system", content: `${last.content}\n\n${message.content}` };
    } else out.push(message);
  }
  const merged = req.messages.length - out.length;
  req.messages = out;
  return merged;
}

/** The quirk: no two consecutive messages share a role (tool messages aside). */
export const mergeSameRole: Quirk = {
  name: "merge_same_role",
  summary: "Consecutive user or assistant messages joined (DeepSeek reasoner, local templates)",
  request(req: ChatCompletionRequest, ctx: QuirkContext): ChatCompletionRequest {
    const merged = joinSameRoleMessages(req);
    if (merged > 0) ctx.note(`merge_same_role: joined ${plural(merged, "message")}`);
    return req;
  },
};

function joinUser(a: User, b: User): User {
  if (typeof a.content === "string" && typeof b.content === "string") {
    return { role: "user", content: `${a.content}\n\n${b.content}` };
  }
  return { role: "user", content: [...parts(a.content), ...parts(b.content)] };
}

function parts(content: string | ChatContentPart[]): ChatContentPart[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function joinAssistant(a: Assistant, b: Assistant): Assistant {
  const texts = [a.content, b.content].filter((t): t is string =>
    typeof t === "string" && t !== ""
  );
  const out: Assistant = { ...a, ...b, content: texts.length > 0 ? texts.join("\n\n") : null };
  const calls = [...(a.tool_calls ?? []), ...(b.tool_calls ?? [])];
  if (calls.length > 0) out.tool_calls = calls;
  else delete out.tool_calls;
  const reasoning = [a.reasoning_content, b.reasoning_content].filter((r) => typeof r === "string");
  if (reasoning.length > 0) out.reasoning_content = reasoning.join("\n\n");
  return out;
}
