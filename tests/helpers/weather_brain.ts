// A fake model with one weather tool, for tool round trips through the proxy with the Anthropic SDK.
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { type FakeReply, lastMessageText } from "./fake_model.ts";

/** The Anthropic tool definition the weather brain calls. */
export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

/**
 * Answers a tool result with "The tool said: <result>"; when tools are offered, says "Let me
 * check." and calls get_weather (id "call_abc123") for "Zürich 東京"; otherwise echoes the last
 * message as "echo: <text>" with the reasoning "The user wants an echo.".
 */
export function weatherBrain(request: ChatCompletionRequest): FakeReply {
  const last = request.messages[request.messages.length - 1];
  if (last?.role === "tool") return { text: `The tool said: ${last.content}` };
  if (request.tools?.length) {
    return {
      text: "Let me check.",
      toolCalls: [{ id: "call_abc123", name: "get_weather", arguments: { city: "Zürich 東京" } }],
    };
  }
  return { text: `echo: ${lastMessageText(request)}`, reasoning: "The user wants an echo." };
}
