import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { ChatCompletionResponse } from "../../../src/wire/openai_types.ts";
import {
  contentSegments,
  mapFinishReason,
  mapUsage,
  parseToolArguments,
  type ResponseContext,
  toAnthropicResponse,
} from "../../../src/translate/openai/response.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { UpstreamError } from "../../../src/errors.ts";
import { makeSignature, omittedThinking } from "../../../src/translate/anthropic/signature.ts";

function context(): ResponseContext {
  let next = 0;
  return {
    model: "claude-sonnet-4-5",
    messageId: "msg_test",
    signature: "sig_test",
    newToolId: () => `toolu_gen${++next}`,
  };
}

function completion(
  message: ChatCompletionResponse["choices"][number]["message"],
  finishReason: string | null = "stop",
  extra: Partial<ChatCompletionResponse> = {},
): ChatCompletionResponse {
  return {
    id: "chatcmpl-1",
    model: "upstream-model",
    choices: [{ index: 0, message, finish_reason: finishReason }],
    ...extra,
  };
}

Deno.test("mapFinishReason maps OpenAI finish reasons to Anthropic stop reasons", () => {
  assert.equal(mapFinishReason("stop", false), "end_turn");
  assert.equal(mapFinishReason("length", false), "max_tokens");
  assert.equal(mapFinishReason("tool_calls", true), "tool_use");
  assert.equal(mapFinishReason("function_call", true), "tool_use");
  assert.equal(mapFinishReason("content_filter", false), "refusal");
  assert.equal(mapFinishReason("unknown_reason", false), "end_turn");
  assert.equal(mapFinishReason(null, false), "end_turn");
  assert.equal(mapFinishReason(undefined, false), "end_turn");
});

Deno.test("mapFinishReason reports tool_use for stop with tool calls and end_turn for tool_calls without", () => {
  assert.equal(mapFinishReason("stop", true), "tool_use");
  assert.equal(mapFinishReason(null, true), "tool_use");
  assert.equal(mapFinishReason("tool_calls", false), "end_turn");
  assert.equal(mapFinishReason("length", true), "max_tokens");
});

Deno.test("mapUsage maps prompt and completion tokens", () => {
  assert.deepEqual(mapUsage({ prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 }), {
    input_tokens: 14,
    output_tokens: 8,
  });
  assert.deepEqual(mapUsage(null), { input_tokens: 0, output_tokens: 0 });
  assert.deepEqual(mapUsage(undefined), { input_tokens: 0, output_tokens: 0 });
  assert.deepEqual(mapUsage({}), { input_tokens: 0, output_tokens: 0 });
});

Deno.test("mapUsage moves cached prompt tokens out of input_tokens into cache_read_input_tokens", () => {
  const openai = {
    prompt_tokens: 687,
    completion_tokens: 187,
    prompt_tokens_details: { cached_tokens: 679 },
  };
  assert.deepEqual(mapUsage(openai), {
    input_tokens: 8,
    output_tokens: 187,
    cache_read_input_tokens: 679,
  });
  const deepseek = { prompt_tokens: 339, completion_tokens: 92, prompt_cache_hit_tokens: 320 };
  assert.deepEqual(mapUsage(deepseek), {
    input_tokens: 19,
    output_tokens: 92,
    cache_read_input_tokens: 320,
  });
  const mistral = { prompt_tokens: 77, completion_tokens: 12, num_cached_tokens: 76 };
  assert.equal(mapUsage(mistral).cache_read_input_tokens, 76);
  const none = {
    prompt_tokens: 10,
    completion_tokens: 1,
    prompt_tokens_details: { cached_tokens: 0 },
  };
  assert.equal("cache_read_input_tokens" in mapUsage(none), false);
});

Deno.test("mapUsage reports OpenRouter cache writes as cache_creation_input_tokens", () => {
  const usage = {
    prompt_tokens: 1000,
    completion_tokens: 5,
    prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 300 },
  };
  assert.deepEqual(mapUsage(usage), {
    input_tokens: 100,
    output_tokens: 5,
    cache_read_input_tokens: 600,
    cache_creation_input_tokens: 300,
  });
});

Deno.test("mapUsage adds reasoning tokens that the provider left out of completion_tokens", () => {
  const xai = {
    prompt_tokens: 12,
    completion_tokens: 1,
    total_tokens: 241,
    completion_tokens_details: { reasoning_tokens: 228 },
  };
  assert.equal(mapUsage(xai).output_tokens, 229);
  const openai = {
    prompt_tokens: 15,
    completion_tokens: 78,
    total_tokens: 93,
    completion_tokens_details: { reasoning_tokens: 64 },
  };
  assert.equal(mapUsage(openai).output_tokens, 78);
});

Deno.test("parseToolArguments gives {} for empty arguments", () => {
  assert.deepEqual(parseToolArguments(""), {});
  assert.deepEqual(parseToolArguments("  "), {});
  assert.deepEqual(parseToolArguments(null), {});
  assert.deepEqual(parseToolArguments(undefined), {});
  assert.deepEqual(parseToolArguments("null"), {});
});

Deno.test("parseToolArguments unwraps string-encoded and code-fenced JSON objects", () => {
  assert.deepEqual(parseToolArguments('{"a": 1}'), { a: 1 });
  assert.deepEqual(parseToolArguments(JSON.stringify('{"a": 1}')), { a: 1 });
  assert.deepEqual(parseToolArguments('```json\n{"a": 1}\n```'), { a: 1 });
});

Deno.test("parseToolArguments keeps unparsable or non-object arguments as raw_arguments", () => {
  assert.deepEqual(parseToolArguments("{'a': 1}"), { raw_arguments: "{'a': 1}" });
  assert.deepEqual(parseToolArguments('{"a": '), { raw_arguments: '{"a": ' });
  assert.deepEqual(parseToolArguments("[1, 2]"), { raw_arguments: "[1, 2]" });
});

Deno.test("parseToolArguments keeps arguments sent as an object, and other non-strings as raw_arguments", () => {
  assert.deepEqual(parseToolArguments({ path: "a.ts" }), { path: "a.ts" });
  assert.deepEqual(parseToolArguments([1, "x"]), { raw_arguments: '[1,"x"]' });
  assert.deepEqual(parseToolArguments(42), { raw_arguments: "42" });
});

Deno.test("contentSegments splits Mistral content arrays into ordered text and thinking", () => {
  assert.deepEqual(
    contentSegments([
      { type: "thinking", thinking: [{ type: "text", text: "Hm" }, { type: "text", text: "m" }] },
      { type: "text", text: "Answer" },
      { type: "image_url" },
      { type: "text", text: "" },
    ]),
    [{ kind: "thinking", text: "Hmm" }, { kind: "text", text: "Answer" }],
  );
  assert.deepEqual(contentSegments(""), []);
  assert.deepEqual(contentSegments(null), []);
});

Deno.test("toAnthropicResponse translates a text answer with the client's model and message id", () => {
  const result = toAnthropicResponse(
    completion({ role: "assistant", content: "Hello" }, "stop", {
      usage: { prompt_tokens: 3, completion_tokens: 1 },
    }),
    context(),
  );
  assert.deepEqual(result, {
    id: "msg_test",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [{ type: "text", text: "Hello" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 1 },
  });
});

Deno.test("toAnthropicResponse orders thinking, text, then tool_use blocks", () => {
  const result = toAnthropicResponse(
    completion({
      role: "assistant",
      content: "Let me look.",
      reasoning_content: "The user wants the weather.",
      tool_calls: [
        {
          id: "call_1",
          type: "function",
          function: { name: "weather", arguments: '{"city":"Paris"}' },
        },
        { id: "call_2", type: "function", function: { name: "time", arguments: "" } },
      ],
    }, "tool_calls"),
    context(),
  );
  assert.deepEqual(result.content, [
    { type: "thinking", thinking: "The user wants the weather.", signature: "sig_test" },
    { type: "text", text: "Let me look." },
    { type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } },
    { type: "tool_use", id: "call_2", name: "time", input: {} },
  ]);
  assert.equal(result.stop_reason, "tool_use");
});

Deno.test("toAnthropicResponse reads the reasoning field and Mistral thinking parts", () => {
  const reasoning = toAnthropicResponse(completion({ content: "4", reasoning: "2+2" }), context());
  assert.deepEqual(reasoning.content[0], {
    type: "thinking",
    thinking: "2+2",
    signature: "sig_test",
  });
  const mistral = toAnthropicResponse(
    completion({
      content: [
        { type: "thinking", thinking: [{ type: "text", text: "Think" }] },
        { type: "text", text: "Say" },
      ],
    }),
    context(),
  );
  assert.deepEqual(mistral.content, [
    { type: "thinking", thinking: "Think", signature: "sig_test" },
    { type: "text", text: "Say" },
  ]);
});

Deno.test("toAnthropicResponse always returns at least one content block", () => {
  assert.deepEqual(toAnthropicResponse(completion({ content: null }), context()).content, [
    { type: "text", text: "" },
  ]);
  const noChoices = toAnthropicResponse({ choices: [] }, context());
  assert.deepEqual(noChoices.content, [{ type: "text", text: "" }]);
  assert.equal(noChoices.stop_reason, "end_turn");
});

Deno.test("toAnthropicResponse omits the empty text block when there are tool calls", () => {
  const result = toAnthropicResponse(
    completion({
      content: "",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    }, "tool_calls"),
    context(),
  );
  assert.deepEqual(result.content.map((b) => b.type), ["tool_use"]);
});

Deno.test("toAnthropicResponse generates ids for missing or invalid tool call ids", () => {
  const result = toAnthropicResponse(
    completion({
      tool_calls: [
        { id: "", type: "function", function: { name: "a", arguments: "{}" } },
        { id: "functions.read:0", type: "function", function: { name: "b", arguments: "{}" } },
        { type: "function", function: { name: "c", arguments: "{}" } },
      ],
    }, "tool_calls"),
    context(),
  );
  const ids = result.content.map((b) => b.type === "tool_use" ? b.id : "");
  assert.deepEqual(ids, ["toolu_gen1", "toolu_gen2", "toolu_gen3"]);
});

Deno.test("toAnthropicResponse keeps invalid tool arguments as raw_arguments", () => {
  const result = toAnthropicResponse(
    completion({
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{oops" } }],
    }, "tool_calls"),
    context(),
  );
  assert.deepEqual(result.content[0], {
    type: "tool_use",
    id: "call_1",
    name: "f",
    input: { raw_arguments: "{oops" },
  });
});

Deno.test("toAnthropicResponse uses the refusal text when there is no content", () => {
  const result = toAnthropicResponse(
    completion({ content: null, refusal: "I can't help with that." }),
    context(),
  );
  assert.deepEqual(result.content, [{ type: "text", text: "I can't help with that." }]);
});

Deno.test("toAnthropicResponse reads choice 0 when several choices are returned", () => {
  const result = toAnthropicResponse({
    choices: [
      { index: 1, message: { content: "second" }, finish_reason: "length" },
      { index: 0, message: { content: "first" }, finish_reason: "stop" },
    ],
  }, context());
  assert.deepEqual(result.content, [{ type: "text", text: "first" }]);
  assert.equal(result.stop_reason, "end_turn");
});

// Every non-streaming chat.completion fixture, with the stop reason each must map to.
const FIXTURES: Record<string, string> = {
  "azure/chat-text-content-filter.json": "max_tokens",
  "cerebras/chat-gpt-oss-reasoning-field.json": "end_turn",
  "deepseek/chat-reasoning-parallel-tool-calls.json": "tool_use",
  "deepseek/chat-reasoning-tool-call.json": "tool_use",
  "gemini-openai-compat/chat-text-after-tool-result.json": "end_turn",
  "gemini-openai-compat/chat-tool-call-thought-signature.json": "tool_use",
  "groq/chat-gpt-oss-reasoning-field.json": "end_turn",
  "groq/chat-qwen3-think-tags-in-content.json": "end_turn",
  "groq/chat-tool-call.json": "tool_use",
  "mistral/chat-text.json": "end_turn",
  "mistral/chat-tool-call.json": "tool_use",
  "ollama/chat-gpt-oss-tool-call-reasoning.json": "tool_use",
  "ollama/chat-qwen3-local-reasoning-field.json": "end_turn",
  "openai/chat-parallel-tool-calls.json": "tool_use",
  "openai/chat-text.json": "end_turn",
  "openai/chat-tool-call.json": "tool_use",
  "openrouter/chat-reasoning-details.json": "end_turn",
  "together/chat-deepseek-r1-think-tags.json": "end_turn",
  "xai/chat-reasoning-content-text.json": "end_turn",
  "xai/chat-reasoning-tool-call.json": "tool_use",
};

const UPSTREAM = new URL("../../fixtures/upstream/", import.meta.url);

for (const [name, stopReason] of Object.entries(FIXTURES)) {
  Deno.test(`toAnthropicResponse translates the ${name} fixture`, () => {
    const raw: ChatCompletionResponse = JSON.parse(readFileSync(new URL(name, UPSTREAM), "utf8"));
    const message = raw.choices[0]!.message;
    const result = toAnthropicResponse(raw, context());
    assert.equal(result.stop_reason, stopReason);
    const text = result.content.flatMap((b) => b.type === "text" ? [b.text] : []).join("");
    assert.equal(text, typeof message.content === "string" ? message.content : "");
    const thinking = result.content.flatMap((b) => b.type === "thinking" ? [b.thinking] : []);
    assert.equal(thinking.join(""), message.reasoning_content ?? message.reasoning ?? "");
    const tools = result.content.flatMap((b) => b.type === "tool_use" ? [b] : []);
    assert.deepEqual(
      tools.map((t) => ({ name: t.name, input: t.input })),
      (message.tool_calls ?? []).map((call) => ({
        name: call.function?.name,
        input: JSON.parse(call.function?.arguments || "{}"),
      })),
    );
    for (const tool of tools) assert.match(tool.id, /^[a-zA-Z0-9_-]+$/);
    assert.equal(result.usage.output_tokens > 0, true);
    assertGolden(
      result,
      new URL(
        `../../fixtures/responses/${name.replace(/\.json$/, ".anthropic.json")}`,
        import.meta.url,
      ),
    );
  });
}

// --- answer shape: omitted thinking, structured output, thinking tokens ---

const TITLE_FORMAT = {
  type: "json_schema" as const,
  schema: {
    type: "object",
    properties: { title: { type: "string" } },
    required: ["title"],
    additionalProperties: false,
  },
};

Deno.test("toAnthropicResponse sends omitted thinking empty, its text inside the signature", () => {
  const signature = makeSignature("deepseek");
  const message = toAnthropicResponse(
    completion({ role: "assistant", reasoning_content: "Think.", content: "Hi" }),
    { ...context(), signature, omitThinking: true },
  );
  const block = message.content[0];
  assert.ok(block?.type === "thinking");
  assert.equal(block.thinking, "");
  assert.equal(omittedThinking(block.signature), "Think.");
});

Deno.test("toAnthropicResponse passes a matching structured answer and removes its fence", () => {
  const message = toAnthropicResponse(
    completion({ role: "assistant", content: '```json\n{"title": "Say pong"}\n```' }),
    { ...context(), outputFormat: TITLE_FORMAT },
  );
  assert.deepEqual(message.content, [{ type: "text", text: '{"title": "Say pong"}' }]);
});

Deno.test("toAnthropicResponse throws a 502 for a structured answer that does not match the schema", () => {
  assert.throws(
    () =>
      toAnthropicResponse(
        completion({ role: "assistant", content: "Say pong" }),
        { ...context(), outputFormat: TITLE_FORMAT },
      ),
    (err: unknown) =>
      err instanceof UpstreamError && err.status === 502 &&
      err.message === 'Upstream answer does not match output_config.format: not JSON: "Say pong"',
  );
});

Deno.test("toAnthropicResponse leaves a structured answer cut by max_tokens unchecked", () => {
  const message = toAnthropicResponse(
    completion({ role: "assistant", content: '{"title": "Sa' }, "length"),
    { ...context(), outputFormat: TITLE_FORMAT },
  );
  assert.equal(message.stop_reason, "max_tokens");
});

Deno.test("mapUsage reports the reasoning tokens as thinking tokens only when asked", () => {
  const usage = {
    prompt_tokens: 5,
    completion_tokens: 9,
    completion_tokens_details: { reasoning_tokens: 4 },
  };
  assert.deepEqual(mapUsage(usage, { thinkingTokens: true }).output_tokens_details, {
    thinking_tokens: 4,
  });
  assert.equal(mapUsage(usage).output_tokens_details, undefined);
});

Deno.test("toAnthropicResponse ends the text at the first stop sequence and drops the tool calls after it", () => {
  const stops = { ...context(), stopSequences: ["</block>"] };
  const cut = toAnthropicResponse(
    completion({
      content: "<block>no</block> The command is harmless.",
      reasoning_content: "Check the port.",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "Bash", arguments: "{}" } }],
    }, "tool_calls"),
    stops,
  );
  assert.deepEqual(cut.content.map((b) => b.type), ["thinking", "text"]);
  assert.deepEqual(cut.content[1], { type: "text", text: "<block>no" });
  assert.equal(cut.stop_reason, "stop_sequence");
  assert.equal(cut.stop_sequence, "</block>");
  const untouched = toAnthropicResponse(completion({ content: "<block>no" }), stops);
  assert.deepEqual(untouched.content, [{ type: "text", text: "<block>no" }]);
  assert.equal(untouched.stop_reason, "end_turn", "a provider that stopped itself says stop");
  assert.equal(untouched.stop_sequence, null);
  const empty = toAnthropicResponse(completion({ content: "</block> rest" }), stops);
  assert.deepEqual(empty.content, [{ type: "text", text: "" }]);
  assert.equal(empty.stop_reason, "stop_sequence");
});
