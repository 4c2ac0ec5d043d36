// Small accessors the quirks share: the parts of a chunk or answer the translator reads. Pure.
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatDelta,
  ChatMessage,
  ChatResponseMessage,
} from "../wire/openai_types.ts";

/** The choice the translator reads (index 0), or undefined. */
export function firstChoice(
  chunk: ChatCompletionChunk,
): NonNullable<ChatCompletionChunk["choices"]>[number] | undefined {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices) if (choice && (choice.index ?? 0) === 0) return choice;
  return undefined;
}

/** The delta of the choice the translator reads, or undefined. */
export function firstDelta(chunk: ChatCompletionChunk): ChatDelta | undefined {
  const delta = firstChoice(chunk)?.delta;
  return delta && typeof delta === "object" ? delta : undefined;
}

/** The message of the choice the translator reads (index 0), or undefined. */
export function firstMessage(res: ChatCompletionResponse): ChatResponseMessage | undefined {
  const choices = Array.isArray(res.choices) ? res.choices : [];
  const choice = choices.find((c) => (c?.index ?? 0) === 0) ?? choices[0];
  const message = choice?.message;
  return message && typeof message === "object" ? message : undefined;
}

/** The assistant messages of a request. */
export function assistantMessages(
  req: ChatCompletionRequest,
): Array<Extract<ChatMessage, { role: "assistant" }>> {
  return req.messages.filter((m): m is Extract<ChatMessage, { role: "assistant" }> =>
    m.role === "assistant"
  );
}

/** A chunk that ends the stream with an `api_error` carrying `message`. */
export function errorChunk(message: string): ChatCompletionChunk {
  return { error: { message, type: "api_error" } };
}

export { isRecord } from "../util/is_record.ts";

export { plural } from "../util/plural.ts";
