// What any provider behind the proxy must get right, asserted without knowing what the model says.
// tests/live/live_test.ts runs these against real providers; checks_test.ts against scripted ones.
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";

/** The model names a check sends, as the client writes them (the proxy's `[models]` maps them). */
export interface LiveModels {
  /** Routed to the provider's model under test. */
  model: string;
  /** Routed to a model the provider does not have. */
  missing: string;
}

/** One check: a name and what it does with a client pointed at the proxy. */
export interface LiveCheck {
  name: string;
  run(client: Anthropic, models: LiveModels): Promise<void>;
}

type Message = Anthropic.Message;

/** Stop reasons a finished answer may carry; anything else is a translation fault. */
const STOP_REASONS = new Set(["end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal"]);
/** Error types of the Anthropic envelope, written out from the API's list rather than the proxy's. */
const ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "api_error",
  "overloaded_error",
  "timeout_error",
]);

/** Room for reasoning models, which may think before they answer. */
const MAX_TOKENS = 2048;

/** The tool the tool check offers. */
export const WEATHER_TOOL: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object",
    properties: { city: { type: "string", description: "City name" } },
    required: ["city"],
  },
};

const TOOL_PROMPT =
  "What is the weather in Paris? Use the get_weather tool, then say what it said.";
const TOOL_RESULT = "Sunny, 21 °C";

/** The text of a message's text blocks. */
function textOf(message: Message): string {
  return message.content.map((block) => block.type === "text" ? block.text : "").join("");
}

/** What every answer must look like, whatever the model said. */
function assertWellFormed(message: Message, model: string): void {
  assert.equal(message.type, "message");
  assert.equal(message.role, "assistant");
  assert.equal(message.model, model, "the answer names the model the client asked for");
  assert.match(message.id, /^msg_/);
  assert.ok(Array.isArray(message.content) && message.content.length > 0, "content is not empty");
  assert.ok(STOP_REASONS.has(String(message.stop_reason)), `stop_reason ${message.stop_reason}`);
  assert.ok(message.usage.input_tokens > 0, "usage counts the prompt");
  assert.ok(message.usage.output_tokens > 0, "usage counts the answer");
  for (const block of message.content) {
    if (block.type === "tool_use") {
      assert.ok(block.id.length > 0, "a tool_use block has an id");
      assert.equal(typeof block.input, "object", "tool input is an object");
    }
  }
}

/** A finished answer (end_turn) says something. */
function assertAnswered(message: Message): void {
  if (message.stop_reason === "end_turn") {
    assert.ok(textOf(message).trim().length > 0, "an end_turn answer has text");
  }
}

/** Streams `params`, checks the event order the SDK relies on, and returns the final message. */
async function streamChecked(
  client: Anthropic,
  params: Anthropic.MessageCreateParamsNonStreaming,
): Promise<Message> {
  const stream = client.messages.stream(params);
  const events: Anthropic.RawMessageStreamEvent[] = [];
  stream.on("streamEvent", (event) => events.push(event));
  const message = await stream.finalMessage();
  assert.equal(events[0]?.type, "message_start", "the stream opens with message_start");
  assert.equal(events.at(-1)?.type, "message_stop", "the stream ends with message_stop");
  let open: number | undefined;
  let next = 0;
  for (const event of events) {
    if (event.type === "content_block_start") {
      assert.equal(open, undefined, "a block starts only after the previous one stopped");
      assert.equal(event.index, next++, "blocks are numbered 0, 1, 2…");
      open = event.index;
    } else if (event.type === "content_block_delta") {
      assert.equal(event.index, open, "a delta belongs to the open block");
    } else if (event.type === "content_block_stop") {
      assert.equal(event.index, open, "the open block stops");
      open = undefined;
    }
  }
  assert.equal(open, undefined, "every block stopped");
  assert.equal(events.filter((e) => e.type === "message_delta").length, 1, "one message_delta");
  const streamed = events.flatMap((e) =>
    e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : []
  ).join("");
  assert.equal(streamed, textOf(message), "the text deltas add up to the message's text");
  return message;
}

/** Every check, in the order a session meets them. */
export const LIVE_CHECKS: readonly LiveCheck[] = [
  {
    name: "answers a short prompt",
    async run(client, { model }) {
      const message = await client.messages.create({
        model,
        max_tokens: MAX_TOKENS,
        messages: [{ role: "user", content: "Reply with the single word: pong" }],
      });
      assertWellFormed(message, model);
      assertAnswered(message);
    },
  },
  {
    name: "streams a short prompt in the order the SDK expects",
    async run(client, { model }) {
      const message = await streamChecked(client, {
        model,
        max_tokens: MAX_TOKENS,
        system: "You are terse.",
        messages: [{ role: "user", content: "Count from 1 to 5, separated by spaces." }],
      });
      assertWellFormed(message, model);
      assertAnswered(message);
    },
  },
  {
    name: "calls a tool and answers from its result",
    async run(client, { model }) {
      const ask: Anthropic.MessageParam = { role: "user", content: TOOL_PROMPT };
      const first = await streamChecked(client, {
        model,
        max_tokens: MAX_TOKENS,
        tools: [WEATHER_TOOL],
        messages: [ask],
      });
      assertWellFormed(first, model);
      assert.equal(first.stop_reason, "tool_use", `expected a tool call, got: ${textOf(first)}`);
      const call = first.content.find((block) => block.type === "tool_use");
      assert.ok(call?.type === "tool_use", "a tool_use block");
      assert.equal(call.name, WEATHER_TOOL.name);
      const city = (call.input as { city?: unknown }).city;
      assert.ok(typeof city === "string" && city.length > 0, "the call names a city");
      // The assistant turn goes back whole, thinking and signatures included, as Claude Code does.
      const second = await streamChecked(client, {
        model,
        max_tokens: MAX_TOKENS,
        tools: [WEATHER_TOOL],
        messages: [ask, { role: "assistant", content: first.content }, {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: call.id, content: TOOL_RESULT }],
        }],
      });
      assertWellFormed(second, model);
      assert.notEqual(second.stop_reason, "tool_use", "the result answers the question");
      assertAnswered(second);
    },
  },
  {
    name: "counts a prompt's tokens",
    async run(client, { model }) {
      const count = await client.messages.countTokens({
        model,
        tools: [WEATHER_TOOL],
        messages: [{ role: "user", content: TOOL_PROMPT }],
      });
      assert.ok(Number.isInteger(count.input_tokens) && count.input_tokens > 0, "a positive count");
    },
  },
  {
    name: "answers an unknown model with an Anthropic error",
    async run(client, { missing }) {
      const error = await client.messages.create({
        model: missing,
        max_tokens: 16,
        messages: [{ role: "user", content: "ping" }],
      }).then(() => undefined, (error: unknown) => error);
      assert.ok(error instanceof Anthropic.APIError, `expected an API error, got ${error}`);
      assert.ok(error.status !== undefined && error.status >= 400 && error.status < 500, "a 4xx");
      const body = error.error as { type?: unknown; error?: { type?: unknown; message?: unknown } };
      assert.equal(body.type, "error");
      assert.ok(ERROR_TYPES.has(String(body.error?.type)), `error type ${body.error?.type}`);
      assert.ok(String(body.error?.message ?? "").length > 0, "the error says what went wrong");
    },
  },
];
