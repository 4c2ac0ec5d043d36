// A whole Anthropic message as the client asked for it: JSON, or the stream events that carry it.
import { messageToEvents } from "../translate/anthropic/message_events.ts";
import { encodeSseEvent } from "../translate/anthropic/sse.ts";
import type { MessagesResponse } from "../wire/anthropic_types.ts";

/** The headers of a streamed answer. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "connection": "keep-alive",
};

/** `message` as JSON (`json`, when already serialised), or as the events that deliver it at once. */
export function messageResponse(
  message: MessagesResponse,
  stream: boolean,
  json = JSON.stringify(message),
): Response {
  if (!stream) return new Response(json, { headers: { "content-type": "application/json" } });
  const sse = messageToEvents(message).map(encodeSseEvent).join("");
  return new Response(sse, { status: 200, headers: SSE_HEADERS });
}
