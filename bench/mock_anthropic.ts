// The Anthropic Messages side of the benchmark mock: canned `/v1/messages` answers chosen by model name.
//
// Served by bench/mock_openai.ts for requests to `/v1/messages`; the model names are the OpenAI
// side's, so a case carries the same answer whichever API it is asked through:
// - `bench-json`: a non-streaming message with one short text;
// - `bench-text-N`: a stream of N text deltas in the shape Anthropic sends today (message_start with
//   the current usage fields, content_block_start, ping, the deltas, content_block_stop,
//   message_delta, message_stop; data lines padded with spaces as the API pads them).
// Each event is its own frame, enqueued on its own pull (see mock_openai.ts).
import { JSON_TEXT, WORDS } from "./mock_openai.ts";

const MESSAGE_ID = "msg_01BenchMockAnthropicAnswer";
const INPUT_TOKENS = 21_000;
/** Anthropic pads `data` lines with trailing spaces; a fixed pad keeps the frame sizes realistic. */
const PAD = "       ";

function usage(output: number): Record<string, unknown> {
  return {
    input_tokens: INPUT_TOKENS,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: "standard",
  };
}

function frame(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}${PAD}\n\n`;
}

/** The SSE frames of a `bench-text-N` stream, or undefined for another model. */
export function anthropicStreamFrames(model: string): string[] | undefined {
  const match = /^bench-text-(\d+)$/.exec(model);
  if (!match) return undefined;
  const n = Number(match[1]);
  const frames = [
    frame("message_start", {
      message: {
        model,
        id: MESSAGE_ID,
        type: "message",
        role: "assistant",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(1),
      },
    }),
    frame("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    'event: ping\ndata: {"type": "ping"}\n\n',
  ];
  for (let i = 0; i < n; i++) {
    frames.push(frame("content_block_delta", {
      index: 0,
      delta: { type: "text_delta", text: WORDS[i % WORDS.length] },
    }));
  }
  frames.push(
    frame("content_block_stop", { index: 0 }),
    frame("message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { ...usage(n), output_tokens: n },
    }),
    frame("message_stop", {}),
  );
  return frames;
}

/** The non-streaming answer for `bench-json`, or undefined for another model. */
export function anthropicMessage(model: string): string | undefined {
  if (model !== "bench-json") return undefined;
  return JSON.stringify({
    model,
    id: MESSAGE_ID,
    type: "message",
    role: "assistant",
    content: [{ type: "text", text: JSON_TEXT }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: usage(2),
  });
}
