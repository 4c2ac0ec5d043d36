// Turns a complete Anthropic message into the stream events that would have produced it. Pure.
import type { MessagesResponse, StreamEvent } from "../../wire/anthropic_types.ts";

/** The events of a stream that delivers `message` in one go (for upstreams that ignore `stream`). */
export function messageToEvents(message: MessagesResponse): StreamEvent[] {
  const events: StreamEvent[] = [{
    type: "message_start",
    message: {
      ...message,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...message.usage, output_tokens: 0 },
    },
  }];
  message.content.forEach((block, index) => {
    switch (block.type) {
      case "text":
        events.push({
          type: "content_block_start",
          index,
          content_block: { type: "text", text: "" },
        });
        if (block.text) {
          events.push({
            type: "content_block_delta",
            index,
            delta: { type: "text_delta", text: block.text },
          });
        }
        break;
      case "thinking":
        events.push({
          type: "content_block_start",
          index,
          content_block: { type: "thinking", thinking: "", signature: "" },
        });
        events.push({
          type: "content_block_delta",
          index,
          delta: { type: "thinking_delta", thinking: block.thinking },
        });
        if (block.signature) {
          events.push({
            type: "content_block_delta",
            index,
            delta: { type: "signature_delta", signature: block.signature },
          });
        }
        break;
      case "tool_use":
      case "server_tool_use":
        events.push({
          type: "content_block_start",
          index,
          content_block: { type: block.type, id: block.id, name: block.name, input: {} },
        });
        events.push({
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input ?? {}) },
        });
        break;
      case "redacted_thinking":
      case "web_search_tool_result":
        events.push({ type: "content_block_start", index, content_block: block });
        break;
      default: {
        const unreachable: never = block;
        throw new TypeError(`Unknown block ${JSON.stringify(unreachable)}`);
      }
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
    usage: message.usage,
  });
  events.push({ type: "message_stop" });
  return events;
}
