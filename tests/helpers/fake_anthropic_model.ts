// A scripted Anthropic Messages API "model" for end-to-end tests: /v1/messages (streamed or not) and count_tokens.
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { type FakeReply, pieces } from "./fake_model.ts";
import { jsonResponse, type RecordedRequest, streamResponse } from "./mock_upstream.ts";

/** Decides the reply from the forwarded request. */
export type FakeAnthropicBrain = (request: MessagesRequest) => FakeReply;

const USAGE = { input_tokens: 42, output_tokens: 7 };

/** The content blocks of a reply: thinking (signed), text, then tool_use blocks. */
function blocksOf(reply: FakeReply): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  if ("reasoning" in reply && reply.reasoning) {
    blocks.push({ type: "thinking", thinking: reply.reasoning, signature: "sig-fake-anthropic" });
  }
  if (reply.text) blocks.push({ type: "text", text: reply.text });
  for (const call of "toolCalls" in reply ? reply.toolCalls : []) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments });
  }
  return blocks;
}

/** The stream events of one message made of `blocks`. */
function streamEvents(
  message: Record<string, unknown>,
  blocks: Array<Record<string, unknown>>,
): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [{
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { ...USAGE, output_tokens: 1 } },
  }];
  blocks.forEach((block, index) => {
    const delta = (d: Record<string, unknown>) =>
      events.push({ type: "content_block_delta", index, delta: d });
    if (block.type === "thinking") {
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      for (const p of pieces(String(block.thinking), 5)) {
        delta({ type: "thinking_delta", thinking: p });
      }
      delta({ type: "signature_delta", signature: block.signature });
    } else if (block.type === "text") {
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "text", text: "" },
      });
      for (const p of pieces(String(block.text), 4)) delta({ type: "text_delta", text: p });
    } else {
      events.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      for (const p of pieces(JSON.stringify(block.input), 7)) {
        delta({ type: "input_json_delta", partial_json: p });
      }
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: USAGE.output_tokens },
  });
  events.push({ type: "message_stop" });
  return events;
}

/**
 * Builds a mock handler that answers like the Anthropic API: `/v1/messages` as JSON or SSE, and
 * `/v1/messages/count_tokens` with one token per four characters of the body.
 */
export function fakeAnthropicModel(brain: FakeAnthropicBrain) {
  return (req: RecordedRequest): Response => {
    if (req.path.endsWith("/count_tokens")) {
      return jsonResponse({ input_tokens: Math.ceil(req.body.length / 4) });
    }
    const request = req.json<MessagesRequest>();
    const reply = brain(request);
    const blocks = blocksOf(reply);
    const hasTool = blocks.some((block) => block.type === "tool_use");
    const message = {
      id: "msg_fake_anthropic",
      type: "message",
      role: "assistant",
      model: request.model,
      content: blocks,
      stop_reason: hasTool ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: USAGE,
    };
    if (request.stream !== true) return jsonResponse(message);
    const frames = streamEvents(message, blocks).map((event) =>
      `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
    );
    return streamResponse(frames, {
      signal: req.signal,
      headers: { "content-type": "text/event-stream" },
    });
  };
}
