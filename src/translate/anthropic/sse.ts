// Server-sent-event framing for Anthropic stream events. Pure.
import type { StreamEvent } from "../../wire/anthropic_types.ts";

/** The keep-alive frame, byte for byte as Anthropic sends it. */
export const PING_FRAME = 'event: ping\ndata: {"type": "ping"}\n\n';

/**
 * Encodes one Anthropic stream event as an SSE frame whose `event:` name equals the JSON `type`.
 *
 * @example
 * ```ts
 * encodeSseEvent({ type: "message_stop" }); // 'event: message_stop\ndata: {"type":"message_stop"}\n\n'
 * ```
 */
export function encodeSseEvent(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
