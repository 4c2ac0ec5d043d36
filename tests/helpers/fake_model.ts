// A scripted OpenAI-compatible "model" for end-to-end tests: answers like a chat model would, streamed or not.
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { jsonResponse, type RecordedRequest, sseResponse } from "./mock_upstream.ts";

/** What the fake model says for one request. */
export type FakeReply =
  | { text: string; reasoning?: string }
  | { toolCalls: Array<{ id: string; name: string; arguments: unknown }>; text?: string };

/** Decides the reply from the translated request. */
export type FakeBrain = (request: ChatCompletionRequest) => FakeReply;

/** Splits a string into pieces of at most `size` characters. */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Builds a mock handler that answers in OpenAI chat-completions format. */
export function fakeModel(brain: FakeBrain) {
  return (req: RecordedRequest): Response => {
    const request = req.json<ChatCompletionRequest>();
    const reply = brain(request);
    const id = "chatcmpl-fake";
    const model = request.model;
    const usage = { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 };
    const toolCalls = "toolCalls" in reply ? reply.toolCalls : [];
    const text = reply.text ?? "";
    const reasoning = "reasoning" in reply ? reply.reasoning : undefined;
    const finish = toolCalls.length > 0 ? "tool_calls" : "stop";
    if (!request.stream) {
      return jsonResponse({
        id,
        object: "chat.completion",
        model,
        choices: [{
          index: 0,
          message: {
            role: "assistant",
            content: text || null,
            ...(reasoning ? { reasoning_content: reasoning } : {}),
            ...(toolCalls.length > 0
              ? {
                tool_calls: toolCalls.map((c) => ({
                  id: c.id,
                  type: "function",
                  function: { name: c.name, arguments: JSON.stringify(c.arguments) },
                })),
              }
              : {}),
          },
          finish_reason: finish,
        }],
        usage,
      });
    }
    const chunk = (delta: unknown, finishReason: string | null = null) => ({
      id,
      object: "chat.completion.chunk",
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
    const chunks: unknown[] = [chunk({ role: "assistant", content: "" })];
    if (reasoning) {
      for (const p of pieces(reasoning, 5)) chunks.push(chunk({ reasoning_content: p }));
    }
    for (const p of pieces(text, 4)) chunks.push(chunk({ content: p }));
    toolCalls.forEach((call, index) => {
      const args = pieces(JSON.stringify(call.arguments), 7);
      chunks.push(chunk({
        tool_calls: [{
          index,
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: args[0] ?? "" },
        }],
      }));
      for (const p of args.slice(1)) {
        chunks.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
      }
    });
    chunks.push(chunk({}, finish));
    chunks.push({ id, object: "chat.completion.chunk", model, choices: [], usage });
    return sseResponse(chunks, { signal: req.signal });
  };
}

/** The text of the last message of a translated request. */
export function lastMessageText(request: ChatCompletionRequest): string {
  const last = request.messages[request.messages.length - 1];
  if (!last) return "";
  const content = last.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => ("text" in p ? p.text : "")).join("");
  }
  return "";
}
