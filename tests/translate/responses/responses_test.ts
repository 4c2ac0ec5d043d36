// Tests for the Chat Completions ↔ OpenAI Responses conversion of requests and non-streaming answers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { UpstreamError } from "../../../src/errors.ts";
import type { MessagesRequest } from "../../../src/wire/anthropic_types.ts";
import type { ChatCompletionRequest, ChatMessage } from "../../../src/wire/openai_types.ts";
import { toOpenAIRequest } from "../../../src/translate/openai/request.ts";
import { toAnthropicResponse } from "../../../src/translate/openai/response.ts";
import {
  fromResponsesResponse,
  MIN_OUTPUT_TOKENS,
  toResponsesRequest,
} from "../../../src/translate/responses/responses.ts";

const CHAT_ONLY_KEYS = [
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "stream_options",
  "reasoning_effort",
  "n",
  "logprobs",
  "top_logprobs",
];

function chat(extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: "gpt-5.2", messages: [{ role: "user", content: "hi" }], ...extra };
}

function convert(extra: Partial<ChatCompletionRequest> = {}) {
  return toResponsesRequest(chat(extra));
}

function inputOf(messages: ChatMessage[]) {
  return convert({ messages }).request.input;
}

// --- messages ---

Deno.test("toResponsesRequest joins leading system and developer messages into instructions", () => {
  const { request } = convert({
    messages: [
      { role: "system", content: "Be brief." },
      { role: "developer", content: "Use tools." },
      { role: "user", content: "hi" },
    ],
  });
  assert.equal(request.instructions, "Be brief.\n\nUse tools.");
  assert.deepEqual(request.input, [{ role: "user", content: "hi" }]);
});

Deno.test("toResponsesRequest omits instructions when there is no leading system message", () => {
  const { request } = convert();
  assert.equal("instructions" in request, false);
});

Deno.test("toResponsesRequest sends later system messages as developer input items", () => {
  const { request } = convert({
    messages: [
      { role: "system", content: "First." },
      { role: "user", content: "hi" },
      { role: "system", content: "Reminder." },
      { role: "developer", content: "Another." },
    ],
  });
  assert.equal(request.instructions, "First.");
  assert.deepEqual(request.input, [
    { role: "user", content: "hi" },
    { role: "developer", content: "Reminder." },
    { role: "developer", content: "Another." },
  ]);
});

Deno.test("toResponsesRequest converts user text, image and file parts", () => {
  const input = inputOf([{
    role: "user",
    content: [
      { type: "text", text: "Look:" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AAA=" } },
      { type: "image_url", image_url: { url: "https://x/y.png", detail: "high" } },
      { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBE" } },
    ],
  }]);
  assert.deepEqual(input, [{
    role: "user",
    content: [
      { type: "input_text", text: "Look:" },
      { type: "input_image", image_url: "data:image/png;base64,AAA=", detail: "auto" },
      { type: "input_image", image_url: "https://x/y.png", detail: "high" },
      { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBE" },
    ],
  }]);
});

Deno.test("toResponsesRequest pairs assistant tool calls with function_call_output items", () => {
  const input = inputOf([
    { role: "user", content: "weather?" },
    {
      role: "assistant",
      content: "Checking.",
      reasoning_content: "think",
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "w", arguments: '{"c":"A"}' } },
        { id: "call_2", type: "function", function: { name: "w", arguments: '{"c":"B"}' } },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: "sunny" },
    { role: "tool", tool_call_id: "call_2", content: "rain" },
  ]);
  assert.deepEqual(input, [
    { role: "user", content: "weather?" },
    { role: "assistant", content: "Checking." },
    { type: "function_call", call_id: "call_1", name: "w", arguments: '{"c":"A"}' },
    { type: "function_call", call_id: "call_2", name: "w", arguments: '{"c":"B"}' },
    { type: "function_call_output", call_id: "call_1", output: "sunny" },
    { type: "function_call_output", call_id: "call_2", output: "rain" },
  ]);
  // No stored-item ids and no reasoning replay.
  assert.ok(!JSON.stringify(input).includes('"id"'));
  assert.ok(!JSON.stringify(input).includes("think"));
});

Deno.test("toResponsesRequest skips empty and null assistant text", () => {
  const call = { id: "c", type: "function" as const, function: { name: "f", arguments: "{}" } };
  const input = inputOf([
    { role: "user", content: "go" },
    { role: "assistant", content: "", tool_calls: [call] },
    { role: "tool", tool_call_id: "c", content: "ok" },
    { role: "assistant", content: null, tool_calls: [{ ...call, id: "d" }] },
  ]);
  assert.deepEqual(input.map((item) => "type" in item ? item.type : item.role), [
    "user",
    "function_call",
    "function_call_output",
    "function_call",
  ]);
});

// --- top-level fields ---

Deno.test("toResponsesRequest always sets store to false", () => {
  assert.equal(convert().request.store, false);
  const { request, changes } = convert({ store: true });
  assert.equal(request.store, false);
  assert.ok(changes.some((c) => c.includes("store")));
});

Deno.test("toResponsesRequest sends tools as flat functions with strict false", () => {
  const parameters = { type: "object", properties: { q: { type: "string" } } };
  const { request } = convert({
    tools: [
      { type: "function", function: { name: "search", description: "Find", parameters } },
      { type: "function", function: { name: "noop", parameters: { type: "object" } } },
    ],
  });
  assert.deepEqual(request.tools, [
    { type: "function", name: "search", description: "Find", parameters, strict: false },
    { type: "function", name: "noop", parameters: { type: "object" }, strict: false },
  ]);
});

Deno.test("toResponsesRequest converts every tool_choice form", () => {
  for (const choice of ["auto", "required", "none"] as const) {
    assert.equal(convert({ tool_choice: choice }).request.tool_choice, choice);
  }
  const named = convert({ tool_choice: { type: "function", function: { name: "search" } } });
  assert.deepEqual(named.request.tool_choice, { type: "function", name: "search" });
});

Deno.test("toResponsesRequest maps max_completion_tokens, then max_tokens, to max_output_tokens", () => {
  assert.equal(
    convert({ max_completion_tokens: 4000, max_tokens: 100 }).request.max_output_tokens,
    4000,
  );
  assert.equal(convert({ max_tokens: 100 }).request.max_output_tokens, 100);
  assert.equal("max_output_tokens" in convert().request, false);
});

Deno.test("toResponsesRequest raises max_output_tokens below the minimum and notes it", () => {
  const { request, changes } = convert({ max_tokens: 1 });
  assert.equal(request.max_output_tokens, MIN_OUTPUT_TOKENS);
  assert.equal(MIN_OUTPUT_TOKENS, 16);
  assert.ok(changes.some((c) => c.includes("max_output_tokens") && c.includes("16")), changes[0]);
  assert.deepEqual(convert({ max_tokens: 16 }).changes, []);
});

Deno.test("toResponsesRequest drops stop with a note", () => {
  const { request, changes } = convert({ stop: ["END"] });
  assert.equal("stop" in request, false);
  assert.ok(changes.some((c) => c.includes("stop")));
});

Deno.test("toResponsesRequest sends reasoning_effort as reasoning with an auto summary", () => {
  const { request } = convert({ reasoning_effort: "high" });
  assert.deepEqual(request.reasoning, { effort: "high", summary: "auto" });
  assert.equal("reasoning_effort" in request, false);
  assert.equal("reasoning" in convert().request, false);
});

Deno.test("toResponsesRequest lets a reasoning object from model options refine the effort", () => {
  const { request } = convert({ reasoning_effort: "high", reasoning: { summary: "detailed" } });
  assert.deepEqual(request.reasoning, { effort: "high", summary: "detailed" });
});

Deno.test("toResponsesRequest copies sampling, stream, user and parallel_tool_calls", () => {
  const { request } = convert({
    temperature: 0.5,
    top_p: 0.9,
    stream: true,
    stream_options: { include_usage: true },
    parallel_tool_calls: false,
    user: "u1",
  });
  assert.equal(request.temperature, 0.5);
  assert.equal(request.top_p, 0.9);
  assert.equal(request.stream, true);
  assert.equal(request.parallel_tool_calls, false);
  assert.equal(request.user, "u1");
  assert.equal("stream_options" in request, false);
});

Deno.test("toResponsesRequest copies unknown top-level keys unchanged", () => {
  const text = { verbosity: "low" };
  const { request } = convert({ text, service_tier: "flex", metadata: { a: "b" } });
  assert.equal(request.text, text);
  assert.equal(request.service_tier, "flex");
  assert.deepEqual(request.metadata, { a: "b" });
});

Deno.test("toResponsesRequest never copies chat-only keys", () => {
  const { request, changes } = convert({
    max_tokens: 100,
    max_completion_tokens: 200,
    stop: ["x"],
    stream_options: { include_usage: true },
    reasoning_effort: "low",
    n: 1,
    logprobs: true,
    top_logprobs: 2,
  });
  for (const key of CHAT_ONLY_KEYS) assert.equal(key in request, false, key);
  for (const key of ["n", "logprobs", "top_logprobs"]) {
    assert.ok(changes.some((c) => c.includes(key)), key);
  }
});

Deno.test("toResponsesRequest does not mutate the chat request", () => {
  const input = chat({
    messages: [{ role: "system", content: "S" }, { role: "user", content: "hi" }],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    reasoning_effort: "medium",
  });
  const before = JSON.stringify(input);
  toResponsesRequest(input);
  assert.equal(JSON.stringify(input), before);
});

// --- the real Claude Code request ---

const CLAUDE_CODE = JSON.parse(
  readFileSync(
    new URL("../../fixtures/claude-code/first-turn.request.json", import.meta.url),
    "utf8",
  ),
).body as MessagesRequest;

Deno.test("toResponsesRequest converts the real Claude Code first turn after toOpenAIRequest", () => {
  const { request: chatRequest } = toOpenAIRequest(CLAUDE_CODE, { model: "gpt-5.2" });
  const { request } = toResponsesRequest(chatRequest);
  assert.equal(typeof request.instructions, "string");
  assert.ok(request.instructions!.startsWith("You are a Claude agent"));
  assert.equal(request.store, false);
  assert.ok((request.tools?.length ?? 0) > 0);
  for (const tool of request.tools ?? []) {
    assert.equal(tool.strict, false, tool.name);
    assert.equal(typeof tool.parameters, "object", tool.name);
    assert.equal(tool.type, "function");
  }
  for (const key of CHAT_ONLY_KEYS) assert.equal(key in request, false, key);
  assert.deepEqual(request.reasoning, { effort: chatRequest.reasoning_effort, summary: "auto" });
  assert.equal(request.max_output_tokens, chatRequest.max_completion_tokens);
  // The mid-conversation system message stays in place as a developer item.
  assert.deepEqual(request.input.map((item) => "role" in item ? item.role : item.type), [
    "user",
    "developer",
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(request)), request);
});

// --- responses ---

const FUNCTION_CALL = JSON.parse(
  readFileSync(
    new URL(
      "../../fixtures/upstream/openai-responses/response-function-call.json",
      import.meta.url,
    ),
    "utf8",
  ),
);

function answer(extra: Record<string, unknown>) {
  return {
    id: "resp_1",
    object: "response",
    model: "gpt-5.2",
    status: "completed",
    error: null,
    incomplete_details: null,
    output: [],
    usage: {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 17,
    },
    ...extra,
  };
}

function textMessage(...texts: string[]) {
  return {
    type: "message",
    id: "msg_1",
    role: "assistant",
    status: "completed",
    content: texts.map((text) => ({ type: "output_text", text, annotations: [] })),
  };
}

function upstreamError(fn: () => unknown): UpstreamError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UpstreamError, String(error));
    return error;
  }
  assert.fail("expected an UpstreamError");
}

Deno.test("fromResponsesResponse converts the recorded function call answer", () => {
  const out = fromResponsesResponse(FUNCTION_CALL);
  assert.deepEqual(out, {
    id: "resp_682f80f5bdb88191bb25ea6b93eb685f03d0b2fd90d3afa9",
    model: "gpt-4.1-2025-04-14",
    choices: [{
      index: 0,
      finish_reason: "tool_calls",
      message: {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "call_tjEzTywkXuBUO42ugPFnQYqi",
          type: "function",
          function: {
            name: "get_current_weather",
            arguments: '{"location":"Boston, MA","unit":"celsius"}',
          },
        }],
      },
    }],
    usage: {
      prompt_tokens: 75,
      completion_tokens: 23,
      total_tokens: 98,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  });
});

Deno.test("fromResponsesResponse output becomes an Anthropic tool_use through toAnthropicResponse", () => {
  const message = toAnthropicResponse(fromResponsesResponse(FUNCTION_CALL), {
    model: "claude-sonnet-4-5",
    messageId: "msg_01",
    signature: "sig",
    newToolId: () => "toolu_new",
  });
  assert.equal(message.stop_reason, "tool_use");
  assert.deepEqual(message.content, [{
    type: "tool_use",
    id: "call_tjEzTywkXuBUO42ugPFnQYqi",
    name: "get_current_weather",
    input: { location: "Boston, MA", unit: "celsius" },
  }]);
  assert.deepEqual(message.usage, { input_tokens: 75, output_tokens: 23 });
});

Deno.test("fromResponsesResponse joins output_text parts into the message content", () => {
  const out = fromResponsesResponse(answer({ output: [textMessage("Hello, ", "world")] }));
  const choice = out.choices[0]!;
  assert.equal(choice.message.content, "Hello, world");
  assert.equal(choice.finish_reason, "stop");
  assert.equal(choice.message.tool_calls, undefined);
  assert.deepEqual(out.usage, {
    prompt_tokens: 10,
    completion_tokens: 7,
    total_tokens: 17,
    prompt_tokens_details: { cached_tokens: 4 },
    completion_tokens_details: { reasoning_tokens: 3 },
  });
  assert.equal(out.id, "resp_1");
  assert.equal(out.model, "gpt-5.2");
});

Deno.test("fromResponsesResponse turns reasoning summaries into reasoning_content", () => {
  const out = fromResponsesResponse(answer({
    output: [
      {
        type: "reasoning",
        id: "rs_1",
        summary: [{ type: "summary_text", text: "Plan A." }, {
          type: "summary_text",
          text: "Plan B.",
        }],
        content: [{ type: "reasoning_text", text: "raw ignored when summarised" }],
      },
      {
        type: "reasoning",
        id: "rs_2",
        summary: [],
        content: [{ type: "reasoning_text", text: "Raw." }],
      },
      { type: "reasoning", id: "rs_3", summary: [], encrypted_content: "gAAA" },
      textMessage("Done."),
    ],
  }));
  const message = out.choices[0]!.message;
  assert.equal(message.reasoning_content, "Plan A.\n\nPlan B.\n\nRaw.");
  assert.equal(message.content, "Done.");
});

Deno.test("fromResponsesResponse leaves reasoning_content out when there is no reasoning text", () => {
  const out = fromResponsesResponse(answer({
    output: [{ type: "reasoning", id: "rs", summary: [] }, textMessage("x")],
  }));
  assert.equal("reasoning_content" in out.choices[0]!.message, false);
});

Deno.test("fromResponsesResponse moves refusal parts to message.refusal", () => {
  const out = fromResponsesResponse(answer({
    output: [{
      type: "message",
      role: "assistant",
      content: [{ type: "refusal", refusal: "I can't help with that." }],
    }],
  }));
  const message = out.choices[0]!.message;
  assert.equal(message.refusal, "I can't help with that.");
  assert.equal(message.content, null);
});

Deno.test("fromResponsesResponse reads past output items of the wrong shape", () => {
  const out = fromResponsesResponse(answer({
    output: [
      "stray",
      { type: "message", role: "assistant", content: { type: "output_text", text: "lost" } },
      textMessage("Kept"),
      { type: "function_call", call_id: 7, id: "fc_1", name: ["Read"], arguments: { a: 1 } },
    ],
  }));
  const message = out.choices[0]!.message;
  assert.equal(message.content, "Kept");
  assert.deepEqual(message.tool_calls, [
    { id: "fc_1", type: "function", function: { name: "", arguments: '{"a":1}' } },
  ]);
});

Deno.test("fromResponsesResponse reports max_output_tokens as length", () => {
  const out = fromResponsesResponse(answer({
    status: "incomplete",
    incomplete_details: { reason: "max_output_tokens" },
    output: [textMessage("Cut")],
  }));
  assert.equal(out.choices[0]!.finish_reason, "length");
  assert.equal(out.choices[0]!.message.content, "Cut");
});

Deno.test("fromResponsesResponse reports a content_filter stop as content_filter", () => {
  const out = fromResponsesResponse(answer({
    status: "incomplete",
    incomplete_details: { reason: "content_filter" },
    output: [],
  }));
  assert.equal(out.choices[0]!.finish_reason, "content_filter");
});

Deno.test("fromResponsesResponse keeps function calls in order after text", () => {
  const out = fromResponsesResponse(answer({
    output: [
      textMessage("Two calls."),
      { type: "function_call", id: "fc_1", call_id: "call_a", name: "f", arguments: "{}" },
      { type: "function_call", id: "fc_2", call_id: "call_b", name: "g", arguments: '{"x":1}' },
    ],
  }));
  const choice = out.choices[0]!;
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, "Two calls.");
  assert.deepEqual(choice.message.tool_calls?.map((c) => [c.id, c.function?.name]), [
    ["call_a", "f"],
    ["call_b", "g"],
  ]);
});

Deno.test("fromResponsesResponse throws an UpstreamError quoting a failed response's error", () => {
  const error = upstreamError(() =>
    fromResponsesResponse(answer({
      status: "failed",
      error: { code: "server_error", message: "The model had an error" },
      output: [],
    }))
  );
  assert.equal(error.status, 502);
  assert.equal(error.type, "api_error");
  assert.ok(error.message.includes("The model had an error"), error.message);
  assert.ok(error.message.includes("server_error"), error.message);
});

Deno.test("fromResponsesResponse throws an UpstreamError on a body without an output array", () => {
  for (const body of [null, "text", [], { id: "resp_1" }, { output: "nope" }]) {
    const error = upstreamError(() => fromResponsesResponse(body));
    assert.equal(error.status, 502);
    assert.equal(error.type, "api_error");
  }
  const envelope = upstreamError(() =>
    fromResponsesResponse({ error: { message: "Quota exceeded", type: "insufficient_quota" } })
  );
  assert.ok(envelope.message.includes("Quota exceeded"), envelope.message);
});

// --- structured output ---

Deno.test("toResponsesRequest sends a json_schema response_format as text.format", () => {
  const schema = { type: "object", properties: { title: { type: "string" } } };
  const { request, changes } = convert({
    response_format: {
      type: "json_schema",
      json_schema: { name: "output", schema, strict: false },
    },
  });
  assert.deepEqual(request.text, {
    format: { type: "json_schema", name: "output", schema, strict: false },
  });
  assert.equal("response_format" in request, false);
  assert.equal(changes.some((c) => c.includes("response_format")), false);
});

Deno.test("toResponsesRequest sends a json_object response_format as text.format beside other text settings", () => {
  const { request } = convert({
    response_format: { type: "json_object" },
    text: { verbosity: "low" },
  });
  assert.deepEqual(request.text, { verbosity: "low", format: { type: "json_object" } });
});

// --- Claude Code 2.1.337 on the Responses format ---

function claudeCodeBody(name: string): MessagesRequest {
  const url = new URL(`../../fixtures/claude-code/${name}`, import.meta.url);
  return JSON.parse(Deno.readTextFileSync(url)).body as MessagesRequest;
}

Deno.test("toResponsesRequest carries the referenced deferred tool and the reference text of a 2.1.337 tool search turn", () => {
  const body = claudeCodeBody("tool-search-second-turn-2.1.337.request.json");
  const { request } = toResponsesRequest(toOpenAIRequest(body, { model: "gpt-5.2" }).request);
  const names = request.tools!.map((tool) => tool.name);
  assert.ok(names.includes("CronList"));
  assert.equal(names.includes("DeferredToolPlaceholder"), false);
  const output = request.input.find((item) =>
    "type" in item && item.type === "function_call_output"
  );
  assert.ok(output && "output" in output);
  assert.match(String(output.output), /^Tool "CronList" is now available: \S/);
});

Deno.test("toResponsesRequest sends Claude Code's session-title schema as a strict text.format", () => {
  const body = claudeCodeBody("session-title-2.1.337.request.json");
  const { request } = toResponsesRequest(toOpenAIRequest(body, { model: "gpt-5.2" }).request);
  assert.deepEqual(request.text, {
    format: {
      type: "json_schema",
      name: "output",
      schema: {
        type: "object",
        properties: { title: { type: "string" } },
        required: ["title"],
        additionalProperties: false,
      },
      strict: true,
    },
  });
});
