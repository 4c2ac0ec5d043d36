// Tests for the Anthropic Messages → OpenAI Chat Completions request translation.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import type { ContentBlock, Message, MessagesRequest } from "../../../src/wire/anthropic_types.ts";
import type { ChatMessage } from "../../../src/wire/openai_types.ts";
import {
  EMPTY_TOOL_RESULT,
  MAX_USER_LENGTH,
  TOOL_ERROR_PREFIX,
  toOpenAIRequest,
  type ToOpenAIRequestOptions,
} from "../../../src/translate/openai/request.ts";
import { webSearchMessage } from "../../../src/translate/web_search.ts";
import {
  makeSignature,
  omittedThinkingSignature,
} from "../../../src/translate/anthropic/signature.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { invalidRequestMessage } from "../../helpers/invalid_request.ts";

const PNG = { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } as const;

function request(extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  };
}

function translate(extra: Partial<MessagesRequest>, options: Partial<ToOpenAIRequestOptions> = {}) {
  return toOpenAIRequest(request(extra), { model: "gpt-4o", ...options });
}

function messagesOf(messages: unknown[], options: Partial<ToOpenAIRequestOptions> = {}) {
  return translate({ messages: messages as Message[] }, options).request.messages;
}

// --- system ---

Deno.test("toOpenAIRequest puts a string system prompt first as a system message", () => {
  const { request: out } = translate({ system: "Be brief." });
  assert.deepEqual(out.messages[0], { role: "system", content: "Be brief." });
  assert.deepEqual(out.messages[1], { role: "user", content: "hi" });
});

Deno.test("toOpenAIRequest joins system text blocks with blank lines and drops cache_control", () => {
  const { request: out, changes } = translate({
    system: [
      { type: "text", text: "One." },
      { type: "text", text: "Two.", cache_control: { type: "ephemeral" } },
    ],
  });
  assert.deepEqual(out.messages[0], { role: "system", content: "One.\n\nTwo." });
  assert.ok(changes.includes("dropped 1 cache_control marker"));
});

Deno.test("toOpenAIRequest removes the billing header system block and notes it", () => {
  const { request: out, changes } = translate({
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;" },
      { type: "text", text: "You are helpful." },
    ],
  });
  assert.deepEqual(out.messages[0], { role: "system", content: "You are helpful." });
  assert.ok(changes.includes("removed billing header"));
});

Deno.test("toOpenAIRequest sends no system message when the system prompt is empty", () => {
  assert.equal(translate({ system: "" }).request.messages[0]?.role, "user");
  assert.equal(translate({ system: [] }).request.messages[0]?.role, "user");
});

Deno.test("toOpenAIRequest keeps mid-conversation system messages in place", () => {
  const messages = messagesOf([
    { role: "user", content: "a" },
    { role: "system", content: "Reminder." },
    { role: "assistant", content: "b" },
    { role: "system", content: [{ type: "text", text: "X." }, { type: "text", text: "Y." }] },
    { role: "user", content: "c" },
  ]);
  assert.deepEqual(messages.map((m) => m.role), ["user", "system", "assistant", "system", "user"]);
  assert.equal(messages[1]?.content, "Reminder.");
  assert.equal(messages[3]?.content, "X.\n\nY.");
});

// --- user content ---

Deno.test("toOpenAIRequest keeps string user content as a string", () => {
  assert.deepEqual(messagesOf([{ role: "user", content: "hello" }]), [
    { role: "user", content: "hello" },
  ]);
});

Deno.test("toOpenAIRequest collapses a single user text block to a string", () => {
  const messages = messagesOf([
    {
      role: "user",
      content: [{ type: "text", text: "only", cache_control: { type: "ephemeral" } }],
    },
  ]);
  assert.deepEqual(messages, [{ role: "user", content: "only" }]);
});

Deno.test("toOpenAIRequest turns several user text blocks into text parts", () => {
  const messages = messagesOf([
    { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
  ]);
  assert.deepEqual(messages[0]?.content, [{ type: "text", text: "a" }, {
    type: "text",
    text: "b",
  }]);
});

Deno.test("toOpenAIRequest keeps a lone image as a parts array", () => {
  const messages = messagesOf([{ role: "user", content: [{ type: "image", source: PNG }] }]);
  assert.ok(Array.isArray(messages[0]?.content));
});

Deno.test("toOpenAIRequest drops empty text blocks and notes them", () => {
  const { request: out, changes } = translate({
    messages: [{
      role: "user",
      content: [{ type: "text", text: "" }, { type: "text", text: "real" }],
    }],
  });
  assert.deepEqual(out.messages, [{ role: "user", content: "real" }]);
  assert.ok(changes.includes("dropped 1 empty text block"));
});

Deno.test("toOpenAIRequest never forwards cache_control on any block", () => {
  const { request: out } = translate({
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "a", cache_control: { type: "ephemeral" } },
          { type: "image", source: PNG, cache_control: { type: "ephemeral" } },
        ],
      },
      {
        role: "assistant",
        content: [{ type: "text", text: "b", cache_control: { type: "ephemeral" } }],
      },
    ],
  });
  assert.ok(!JSON.stringify(out).includes("cache_control"));
});

// --- assistant ---

Deno.test("toOpenAIRequest joins assistant text blocks and maps tool_use to tool_calls", () => {
  const messages = messagesOf([{
    role: "assistant",
    content: [
      { type: "text", text: "Let me look." },
      { type: "text", text: "Reading now." },
      { type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "/a" } },
      { type: "tool_use", id: "toolu_2", name: "Ls" },
    ],
  }]);
  assert.deepEqual(messages[0], {
    role: "assistant",
    content: "Let me look.\n\nReading now.",
    tool_calls: [
      {
        id: "toolu_1",
        type: "function",
        function: { name: "Read", arguments: '{"file_path":"/a"}' },
      },
      { id: "toolu_2", type: "function", function: { name: "Ls", arguments: "{}" } },
    ],
  });
});

Deno.test("toOpenAIRequest sets assistant content to null when there are only tool calls", () => {
  const messages = messagesOf([{
    role: "assistant",
    content: [{ type: "tool_use", id: "t", name: "Bash", input: { command: "ls" } }],
  }]);
  assert.equal(messages[0]?.content, null);
  assert.equal((messages[0] as { tool_calls: unknown[] }).tool_calls.length, 1);
});

Deno.test("toOpenAIRequest never emits an empty tool_calls array", () => {
  const messages = messagesOf([{ role: "assistant", content: [{ type: "text", text: "done" }] }]);
  assert.deepEqual(messages[0], { role: "assistant", content: "done" });
  assert.ok(!("tool_calls" in messages[0]!));
});

const THINKING_TURN = {
  role: "assistant",
  content: [
    { type: "thinking", thinking: "First idea.", signature: "sig1" },
    { type: "redacted_thinking", data: "opaque" },
    { type: "thinking", thinking: "Second idea.", signature: "sig2" },
    { type: "text", text: "Answer." },
  ],
};

Deno.test("toOpenAIRequest drops thinking blocks by default and notes them", () => {
  const { request: out, changes } = translate({ messages: [THINKING_TURN as Message] });
  assert.deepEqual(out.messages[0], { role: "assistant", content: "Answer." });
  assert.ok(changes.includes("dropped 2 thinking blocks"));
  assert.ok(changes.includes("dropped 1 redacted_thinking block"));
});

Deno.test("toOpenAIRequest sends thinking as reasoning_content when reasoningHistory is on", () => {
  const { request: out, changes } = translate(
    { messages: [THINKING_TURN as Message] },
    { reasoningHistory: true },
  );
  assert.deepEqual(out.messages[0], {
    role: "assistant",
    content: "Answer.",
    reasoning_content: "First idea.\n\nSecond idea.",
  });
  assert.ok(changes.includes("2 thinking blocks → reasoning_content"));
  assert.ok(changes.includes("dropped 1 redacted_thinking block"));
});

Deno.test("toOpenAIRequest drops server tool calls and keeps web search results as text", () => {
  const { request: out, changes } = translate({
    messages: [{
      role: "assistant",
      content: [
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "q" } },
        { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
        { type: "server_tool_use", id: "srvtoolu_2", name: "web_fetch", input: { url: "u" } },
        { type: "text", text: "Found it." },
      ],
    }],
  });
  assert.deepEqual(out.messages, [{
    role: "assistant",
    content: "Web search results:\n(none)\n\nFound it.",
  }]);
  assert.ok(changes.includes("dropped 2 server tool blocks"));
  assert.ok(changes.includes("1 web_search_tool_result block → text"));
});

Deno.test("toOpenAIRequest writes each web search result's title, URL and the proxy's extract", () => {
  const ours = webSearchMessage({
    hits: [{ title: "Deno 2.9", url: "https://deno.com/blog/v2.9", snippet: "Released today." }],
  }, {
    messageId: "msg_1",
    toolUseId: "srvtoolu_1",
    model: "m",
    toolName: "web_search",
    query: "deno",
    backend: "brave",
  });
  const { request: out } = translate({
    messages: [
      { role: "user", content: "Search deno" },
      {
        role: "assistant",
        content: [
          ours.content[1] as ContentBlock,
          {
            type: "web_search_tool_result",
            tool_use_id: "srvtoolu_2",
            // Anthropic's own results: the encrypted content means nothing elsewhere.
            content: [{
              type: "web_search_result",
              title: "Claude Shannon",
              url: "https://en.wikipedia.org/wiki/Claude_Shannon",
              encrypted_content: "EqgfCioIARgBIiQ3YTAw",
              page_age: null,
            }],
          },
          {
            type: "web_search_tool_result",
            tool_use_id: "srvtoolu_3",
            content: { type: "web_search_tool_result_error", error_code: "max_uses_exceeded" },
          },
        ],
      },
    ],
  });
  assert.equal(
    out.messages[1]?.content,
    "Web search results:\n1. Deno 2.9 (https://deno.com/blog/v2.9)\n   Released today.\n\n" +
      "Web search results:\n1. Claude Shannon (https://en.wikipedia.org/wiki/Claude_Shannon)\n\n" +
      "Web search failed: max_uses_exceeded.",
  );
});

Deno.test("toOpenAIRequest drops an assistant message left with neither content nor tool calls", () => {
  const { request: out, changes } = translate({
    messages: [
      { role: "user", content: "a" },
      { role: "assistant", content: [{ type: "redacted_thinking", data: "x" }] },
      { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }] },
      { role: "assistant", content: "" },
      { role: "user", content: "b" },
    ],
  });
  assert.deepEqual(out.messages.map((m) => m.role), ["user", "user"]);
  assert.ok(changes.includes("dropped 3 empty messages"));
  for (const message of out.messages) assert.notEqual(message.role, "assistant");
});

// --- tool results ---

const TOOL_CALL_TURN = {
  role: "assistant",
  content: [
    { type: "text", text: "Checking." },
    { type: "tool_use", id: "toolu_a", name: "Read", input: { file_path: "/x" } },
    { type: "tool_use", id: "toolu_b", name: "Bash", input: { command: "ls" } },
  ],
};

function toolTurn(content: unknown[], options: Partial<ToOpenAIRequestOptions> = {}) {
  return messagesOf(
    [{ role: "user", content: "go" }, TOOL_CALL_TURN, { role: "user", content }],
    options,
  )
    .slice(2);
}

Deno.test("toOpenAIRequest moves tool_result blocks before user text, in block order", () => {
  const messages = toolTurn([
    { type: "text", text: "Also, hurry." },
    { type: "tool_result", tool_use_id: "toolu_b", content: "file.txt" },
    { type: "tool_result", tool_use_id: "toolu_a", content: "contents" },
  ]);
  assert.deepEqual(messages, [
    { role: "tool", tool_call_id: "toolu_b", content: "file.txt" },
    { role: "tool", tool_call_id: "toolu_a", content: "contents" },
    { role: "user", content: "Also, hurry." },
  ]);
});

Deno.test("toOpenAIRequest joins tool_result text blocks with newlines", () => {
  const messages = toolTurn([{
    type: "tool_result",
    tool_use_id: "toolu_a",
    content: [{ type: "text", text: "line 1" }, { type: "text", text: "line 2" }],
  }]);
  assert.deepEqual(messages, [{
    role: "tool",
    tool_call_id: "toolu_a",
    content: "line 1\nline 2",
  }]);
});

Deno.test("toOpenAIRequest prefixes error tool results", () => {
  const messages = toolTurn([
    { type: "tool_result", tool_use_id: "toolu_a", content: "No such file", is_error: true },
    { type: "tool_result", tool_use_id: "toolu_b", is_error: true },
  ]);
  assert.equal(messages[0]?.content, `${TOOL_ERROR_PREFIX}No such file`);
  assert.equal(messages[0]?.content, "Error: No such file");
  assert.equal(messages[1]?.content, `${TOOL_ERROR_PREFIX}${EMPTY_TOOL_RESULT}`);
});

Deno.test("toOpenAIRequest gives empty tool results a placeholder", () => {
  const messages = toolTurn([
    { type: "tool_result", tool_use_id: "toolu_a" },
    { type: "tool_result", tool_use_id: "toolu_b", content: "" },
    { type: "tool_result", tool_use_id: "toolu_c", content: [] },
    { type: "tool_result", tool_use_id: "toolu_d", content: [{ type: "text", text: "" }] },
  ]);
  assert.equal(EMPTY_TOOL_RESULT, "(no output)");
  assert.deepEqual(messages.map((m) => m.content), Array(4).fill(EMPTY_TOOL_RESULT));
});

Deno.test("toOpenAIRequest sends tool_result images in a user message after all tool messages", () => {
  const messages = toolTurn([
    {
      type: "tool_result",
      tool_use_id: "toolu_a",
      content: [{ type: "text", text: "Screenshot taken" }, { type: "image", source: PNG }],
    },
    { type: "tool_result", tool_use_id: "toolu_b", content: [{ type: "image", source: PNG }] },
    { type: "text", text: "What do you see?" },
  ]);
  const image = { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } };
  assert.deepEqual(messages, [
    { role: "tool", tool_call_id: "toolu_a", content: "Screenshot taken\n(image attached below)" },
    { role: "tool", tool_call_id: "toolu_b", content: "(image attached below)" },
    {
      role: "user",
      content: [
        { type: "text", text: "Attached from tool result toolu_a:" },
        image,
        { type: "text", text: "Attached from tool result toolu_b:" },
        image,
        { type: "text", text: "What do you see?" },
      ],
    },
  ]);
});

Deno.test("toOpenAIRequest counts several images in one tool result", () => {
  const messages = toolTurn([{
    type: "tool_result",
    tool_use_id: "toolu_a",
    content: [{ type: "image", source: PNG }, { type: "image", source: PNG }],
  }]);
  assert.equal(messages[0]?.content, "(2 images attached below)");
  assert.equal((messages[1]?.content as unknown[]).length, 3);
});

Deno.test("toOpenAIRequest sends no user message when a user turn has only tool results", () => {
  const { request: out, changes } = translate({
    messages: [
      TOOL_CALL_TURN as Message,
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_a", content: "ok" }] },
    ],
  });
  assert.deepEqual(out.messages.map((m) => m.role), ["assistant", "tool"]);
  assert.ok(!changes.some((c) => c.includes("empty message")));
});

// --- parameters ---

Deno.test("toOpenAIRequest maps stop_sequences, temperature, top_p and max_tokens", () => {
  const { request: out } = translate({
    stop_sequences: ["END"],
    temperature: 0.2,
    top_p: 0.9,
    max_tokens: 500,
  });
  assert.deepEqual(out.stop, ["END"]);
  assert.equal(out.temperature, 0.2);
  assert.equal(out.top_p, 0.9);
  assert.equal(out.max_tokens, 500);
  assert.ok(!("max_completion_tokens" in out));
});

Deno.test("toOpenAIRequest drops top_k and notes it", () => {
  const { request: out, changes } = translate({ top_k: 40 });
  assert.ok(!("top_k" in out));
  assert.ok(changes.includes("dropped top_k"));
});

Deno.test("toOpenAIRequest uses max_completion_tokens and no sampling for reasoning models", () => {
  const { request: out, changes } = translate(
    { temperature: 0.5, top_p: 0.8, max_tokens: 2000 },
    { model: "openai/o3-mini" },
  );
  assert.equal(out.max_completion_tokens, 2000);
  assert.ok(!("max_tokens" in out));
  assert.ok(!("temperature" in out) && !("top_p" in out));
  assert.ok(changes.includes("dropped temperature (reasoning model)"));
  assert.ok(changes.includes("dropped top_p (reasoning model)"));
});

Deno.test("toOpenAIRequest sends no stop to OpenAI's reasoning models, which refuse it, and says the answer is cut instead", () => {
  for (const model of ["o3", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5.4-mini", "openai/o3-mini"]) {
    const { request: out, changes } = translate({ stop_sequences: ["</block>"] }, { model });
    assert.equal(out.stop, undefined, model);
    assert.ok(
      changes.includes("stop_sequences applied to the answer (the model takes no stop)"),
      model,
    );
  }
  const chat = translate({ stop_sequences: ["</block>"] }, { model: "gpt-5-chat-latest" });
  assert.deepEqual(chat.request.stop, ["</block>"], "the chat variant is no reasoning model");
});

Deno.test("toOpenAIRequest lets the reasoningModel option override model detection", () => {
  const out =
    translate({ temperature: 0.5 }, { model: "my-thinker", reasoningModel: true }).request;
  assert.equal(out.max_completion_tokens, 1024);
  assert.ok(!("temperature" in out));
  const plain = translate({ temperature: 0.5 }, { model: "gpt-5", reasoningModel: false }).request;
  assert.equal(plain.max_tokens, 1024);
  assert.equal(plain.temperature, 0.5);
});

Deno.test("toOpenAIRequest copies a short metadata.user_id to user", () => {
  assert.equal(translate({ metadata: { user_id: "user_123" } }).request.user, "user_123");
});

Deno.test("toOpenAIRequest hashes a metadata.user_id longer than 64 characters", () => {
  const long = JSON.stringify({ device_id: "d".repeat(64), session_id: "s" });
  const first = translate({ metadata: { user_id: long } });
  const again = translate({ metadata: { user_id: long } });
  assert.equal(MAX_USER_LENGTH, 64);
  assert.match(first.request.user ?? "", /^[0-9a-f]{64}$/);
  assert.equal(first.request.user, again.request.user);
  assert.notEqual(
    first.request.user,
    translate({ metadata: { user_id: long + "x" } }).request.user,
  );
  assert.ok(first.changes.includes("hashed metadata.user_id into user (longer than 64)"));
});

Deno.test("toOpenAIRequest asks for usage in the stream only when streaming", () => {
  const streaming = translate({ stream: true }).request;
  assert.equal(streaming.stream, true);
  assert.deepEqual(streaming.stream_options, { include_usage: true });
  for (const stream of [false, undefined]) {
    const out = translate(stream === undefined ? {} : { stream }).request;
    assert.ok(!("stream" in out) && !("stream_options" in out));
  }
});

// --- reasoning effort ---

Deno.test("toOpenAIRequest sets reasoning_effort for reasoning models by default", () => {
  const { request: out, changes } = translate(
    { thinking: { type: "enabled", budget_tokens: 2000 } },
    { model: "o4-mini" },
  );
  assert.equal(out.reasoning_effort, "low");
  assert.ok(changes.includes("thinking → reasoning_effort low"));
  assert.ok(!changes.includes("dropped thinking"));
});

Deno.test("toOpenAIRequest maps output_config.effort max through maxEffort", () => {
  const req = { output_config: { effort: "max" } };
  assert.equal(translate(req, { model: "gpt-5" }).request.reasoning_effort, "high");
  const xhigh = translate(req, { model: "gpt-5", maxEffort: "xhigh" });
  assert.equal(xhigh.request.reasoning_effort, "xhigh");
  assert.ok(xhigh.changes.includes("output_config.effort → reasoning_effort xhigh"));
});

Deno.test("toOpenAIRequest sends reasoning_effort only when sendReasoningEffort allows it", () => {
  const req = { thinking: { type: "enabled", budget_tokens: 20000 } } as const;
  assert.ok(!("reasoning_effort" in translate(req).request));
  assert.equal(translate(req, { sendReasoningEffort: true }).request.reasoning_effort, "high");
  const off = translate(req, { model: "o3", sendReasoningEffort: false });
  assert.ok(!("reasoning_effort" in off.request));
  assert.ok(off.changes.includes("dropped thinking"));
});

Deno.test("toOpenAIRequest sends no reasoning_effort when thinking is disabled", () => {
  const out = translate({ thinking: { type: "disabled" } }, { model: "o3" }).request;
  assert.ok(!("reasoning_effort" in out));
});

// --- whitelist and drop ---

Deno.test("toOpenAIRequest never forwards Anthropic-only or unknown top-level fields", () => {
  const { request: out, changes } = translate({
    context_management: { edits: [] },
    output_config: { effort: "high" },
    thinking: { type: "adaptive" },
    betas: ["x"],
    mcp_servers: [],
    container: "c",
    service_tier: "auto",
    surprise_field: 1,
  });
  assert.deepEqual(Object.keys(out).sort(), ["max_tokens", "messages", "model"]);
  for (
    const field of ["context_management", "output_config", "thinking", "betas", "surprise_field"]
  ) {
    assert.ok(changes.includes(`dropped ${field}`), field);
  }
});

Deno.test("toOpenAIRequest removes the fields listed in drop", () => {
  const { request: out, changes } = translate(
    { stream: true, metadata: { user_id: "u" }, thinking: { type: "adaptive" } },
    { model: "o3", drop: ["reasoning_effort", "stream_options", "user", "not_there"] },
  );
  assert.ok(!("reasoning_effort" in out) && !("stream_options" in out) && !("user" in out));
  assert.equal(out.stream, true);
  assert.ok(changes.includes("dropped reasoning_effort (config)"));
  assert.ok(!changes.some((c) => c.includes("not_there")));
});

Deno.test("toOpenAIRequest keeps model and messages even when drop lists them", () => {
  const { request: out, changes } = translate({}, { drop: ["model", "messages"] });
  assert.equal(out.model, "gpt-4o");
  assert.equal(out.messages.length, 1);
  assert.ok(changes.includes("kept model: required fields cannot be dropped"));
});

Deno.test("toOpenAIRequest uses the upstream model name from the options", () => {
  assert.equal(translate({}, { model: "deepseek-chat" }).request.model, "deepseek-chat");
});

// --- invalid input ---

Deno.test("toOpenAIRequest names the path of an unknown content block type", () => {
  const message = invalidRequestMessage(() =>
    messagesOf([{ role: "user", content: "a" }, {
      role: "user",
      content: [{ type: "text", text: "b" }, { type: "hologram" }],
    }])
  );
  assert.equal(
    message,
    'messages.1.content.1.type: unsupported content block type "hologram" in a user message',
  );
});

Deno.test("toOpenAIRequest refuses blocks in the wrong role, naming the path", () => {
  const toolUse = { type: "tool_use", id: "t", name: "n", input: {} };
  assert.match(
    invalidRequestMessage(() => messagesOf([{ role: "user", content: [toolUse] }])),
    /^messages\.0\.content\.0\.type: unsupported content block type "tool_use"/,
  );
  const result = { type: "tool_result", tool_use_id: "t" };
  assert.match(
    invalidRequestMessage(() => messagesOf([{ role: "assistant", content: [result] }])),
    /^messages\.0\.content\.0\.type: unsupported content block type "tool_result"/,
  );
});

Deno.test("toOpenAIRequest names the path of an unknown block inside a tool_result", () => {
  const message = invalidRequestMessage(() =>
    messagesOf([{
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "video" }] }],
    }])
  );
  assert.match(message, /^messages\.0\.content\.0\.content\.0\.type: /);
});

Deno.test("toOpenAIRequest throws InvalidRequestError, never TypeError, on odd shapes", () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ messages: "nope" }, /^messages: expected an array/],
    [{ messages: [null] }, /^messages\.0: expected a message object/],
    [
      { messages: [{ role: "robot", content: "x" }] },
      /^messages\.0\.role: unsupported role "robot"/,
    ],
    [
      { messages: [{ role: "user", content: 42 }] },
      /^messages\.0\.content: expected a string or an array/,
    ],
    [{ messages: [{ role: "assistant" }] }, /^messages\.0\.content: expected a string or an array/],
    [
      { messages: [{ role: "user", content: [7] }] },
      /^messages\.0\.content\.0: expected a content block/,
    ],
    [
      { messages: [{ role: "user", content: [{ text: "x" }] }] },
      /^messages\.0\.content\.0\.type: /,
    ],
    [
      { messages: [{ role: "user", content: [{ type: "text", text: 1 }] }] },
      /\.content\.0\.text: /,
    ],
    [
      { messages: [{ role: "user", content: [{ type: "image" }] }] },
      /\.content\.0\.source: expected an object/,
    ],
    [
      { messages: [{ role: "user", content: [{ type: "tool_result" }] }] },
      /\.content\.0\.tool_use_id: /,
    ],
    [
      { messages: [{ role: "assistant", content: [{ type: "tool_use", name: "x" }] }] },
      /\.content\.0\.id: /,
    ],
    [
      { messages: [{ role: "system", content: [{ type: "image", source: PNG }] }] },
      /^messages\.0\.content\.0\.type: /,
    ],
    [{ system: 5 }, /^system: expected a string or an array of text blocks/],
    [{ system: [{ type: "image" }] }, /^system\.0\.type: /],
    [{ tools: {} }, /^tools: expected an array/],
  ];
  for (const [extra, pattern] of cases) {
    assert.match(
      invalidRequestMessage(() => translate(extra as Partial<MessagesRequest>)),
      pattern,
    );
  }
});

// --- performance-related guarantees ---

const READ_SCHEMA = { type: "object", properties: { file_path: { type: "string" } } };

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

Deno.test("toOpenAIRequest does not modify its input", () => {
  const input = deepFreeze(request({
    system: [{ type: "text", text: "x-anthropic-billing-header: a" }, { type: "text", text: "s" }],
    messages: [TOOL_CALL_TURN as Message, {
      role: "user",
      content: [{
        type: "tool_result",
        tool_use_id: "toolu_a",
        content: [{ type: "image", source: PNG }],
      }],
    }],
    tools: [{ name: "Read", input_schema: READ_SCHEMA, defer_loading: true }],
    stream: true,
  }));
  const before = JSON.stringify(input);
  toOpenAIRequest(input, { model: "gpt-4o", drop: ["stream_options"] });
  assert.equal(JSON.stringify(input), before);
});

// --- the real Claude Code request and the golden fixtures ---

const REQUESTS = new URL("../../fixtures/requests/", import.meta.url);

const CLAUDE_CODE = JSON.parse(
  readFileSync(
    new URL("../../fixtures/claude-code/first-turn.request.json", import.meta.url),
    "utf8",
  ),
).body as MessagesRequest;

Deno.test("toOpenAIRequest translates the real Claude Code first turn for gpt-4o", () => {
  const { request: out, changes } = toOpenAIRequest(CLAUDE_CODE, { model: "gpt-4o" });
  const text = JSON.stringify(out);
  assert.ok(!text.includes("x-anthropic-billing-header"));
  assert.ok(changes.includes("removed billing header"));
  assert.equal(out.messages[0]?.role, "system");
  assert.ok((out.messages[0]?.content as string).startsWith("You are a Claude agent"));
  // The mid-conversation system message stays after the first user message, as sent.
  assert.deepEqual(out.messages.map((m: ChatMessage) => m.role), ["system", "user", "system"]);
  assert.equal(out.messages[2]?.content, CLAUDE_CODE.messages[1]?.content);
  const withSchema = CLAUDE_CODE.tools!.filter((tool) => tool.input_schema !== undefined);
  assert.equal(out.tools?.length, withSchema.length);
  assert.equal(out.tools?.length, 24);
  out.tools?.forEach((tool, i) =>
    assert.equal(tool.function.parameters, withSchema[i]?.input_schema)
  );
  for (const field of ["context_management", "output_config", "thinking", "cache_control"]) {
    assert.ok(!text.includes(`"${field}"`), field);
  }
  assert.deepEqual(out.stream_options, { include_usage: true });
  assert.equal(out.max_tokens, 64000);
  assert.ok(!("reasoning_effort" in out));
  assert.ok((out.user ?? "").length <= MAX_USER_LENGTH);
});

Deno.test("toOpenAIRequest maps the Claude Code effort to reasoning_effort for gpt-5", () => {
  const { request: out } = toOpenAIRequest(CLAUDE_CODE, { model: "gpt-5", maxEffort: "xhigh" });
  assert.equal(out.reasoning_effort, "high");
  assert.equal(out.max_completion_tokens, 64000);
});

Deno.test("toOpenAIRequest orders a tool round trip as assistant, tools, then user", () => {
  const input = JSON.parse(
    readFileSync(new URL("tool-round-trip.anthropic.json", REQUESTS), "utf8"),
  );
  const { request: out, changes } = toOpenAIRequest(input, { model: "gpt-4o" });
  const roles = out.messages.map((m) => m.role === "tool" ? `tool:${m.tool_call_id}` : m.role);
  assert.deepEqual(roles, [
    "system",
    "user",
    "assistant",
    "tool:toolu_01Read",
    "tool:toolu_02Shot",
    "user",
    "assistant",
    "tool:toolu_03Read",
  ]);
  assert.ok(changes.includes("moved 1 tool result attachment into a user message"));
});

// --- golden fixtures ---

/** Cases skipped by the golden loop, each with its reason. */
const SKIP: Record<string, string> = {};

function goldenCases(): Array<
  { name: string; input: MessagesRequest; options: ToOpenAIRequestOptions }
> {
  const cases = [{
    name: "claude-code-first-turn",
    input: CLAUDE_CODE,
    options: { model: "gpt-4o" },
  }];
  for (const file of readdirSync(REQUESTS).sort()) {
    const match = file.match(/^(.+)\.anthropic\.json$/);
    if (!match?.[1]) continue;
    const name = match[1];
    const input = JSON.parse(readFileSync(new URL(file, REQUESTS), "utf8"));
    let options: ToOpenAIRequestOptions = { model: "gpt-4o" };
    try {
      options = JSON.parse(readFileSync(new URL(`${name}.options.json`, REQUESTS), "utf8"));
    } catch (err) {
      if ((err as { code?: string }).code !== "ENOENT") throw err;
    }
    cases.push({ name, input, options });
  }
  return cases;
}

Deno.test("toOpenAIRequest matches every request golden", async (t) => {
  const cases = goldenCases();
  assert.ok(cases.length >= 5, "expected the golden fixtures to be present");
  for (const { name, input, options } of cases) {
    await t.step({
      name,
      ignore: name in SKIP,
      fn: () =>
        assertGolden(
          toOpenAIRequest(input, options).request,
          new URL(`${name}.openai.json`, REQUESTS),
        ),
    });
  }
});

// --- Claude Code 2.1.337: tool search, structured output, per-turn effort, omitted thinking ---

function claudeCodeBody(name: string): MessagesRequest {
  const url = new URL(`../../fixtures/claude-code/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).body as MessagesRequest;
}

Deno.test("toOpenAIRequest sends 2.1.337's first turn without its unreferenced deferred tool", () => {
  const body = claudeCodeBody("first-turn-2.1.337.request.json");
  const { request: out, changes } = toOpenAIRequest(body, { model: "gpt-4o" });
  const names = out.tools!.map((tool) => tool.function.name);
  assert.ok(names.includes("ToolSearch"));
  assert.equal(names.includes("DeferredToolPlaceholder"), false);
  assert.equal(names.length, body.tools!.length - 1);
  assert.ok(changes.includes("tool search: 0 deferred tools referenced and sent, 1 left out"));
  assert.equal(changes.some((c) => c.includes("defer_loading")), false);
});

Deno.test("toOpenAIRequest sends the tool a ToolSearch result referenced and the reference as the tool message's text", () => {
  const body = claudeCodeBody("tool-search-second-turn-2.1.337.request.json");
  const { request: out } = toOpenAIRequest(body, { model: "gpt-4o" });
  assert.ok(out.tools!.some((tool) => tool.function.name === "CronList"));
  assert.equal(out.tools!.some((tool) => tool.function.name === "DeferredToolPlaceholder"), false);
  const tool = out.messages.find((m) => m.role === "tool");
  assert.ok(tool && tool.role === "tool");
  assert.match(tool.content, /^Tool "CronList" is now available: \S/);
  const after = out.messages[out.messages.indexOf(tool) + 1];
  assert.deepEqual(after, { role: "user", content: "Tool loaded." });
});

const TITLE_SCHEMA = {
  type: "object",
  properties: { title: { type: "string" } },
  required: ["title"],
  additionalProperties: false,
};

Deno.test("toOpenAIRequest sends Claude Code's session-title schema as a strict json_schema response_format", () => {
  const body = claudeCodeBody("session-title-2.1.337.request.json");
  const { request: out, changes } = toOpenAIRequest(body, { model: "gpt-4o" });
  assert.deepEqual(out.response_format, {
    type: "json_schema",
    json_schema: { name: "output", schema: TITLE_SCHEMA, strict: true },
  });
  assert.ok(changes.includes("output_config.format → response_format json_schema (strict)"));
  assert.equal(changes.some((c) => c.startsWith("dropped output_config")), false);
});

Deno.test("toOpenAIRequest sends a schema strict mode cannot take with strict false", () => {
  const schema = { type: "object", properties: { a: { type: "string" }, b: { type: "number" } } };
  const { request: out } = translate({
    output_config: { format: { type: "json_schema", schema } },
  });
  assert.deepEqual(out.response_format, {
    type: "json_schema",
    json_schema: { name: "output", schema, strict: false },
  });
});

Deno.test("toOpenAIRequest puts the schema in the system prompt for a provider without structured output", () => {
  const { request: out, changes } = translate({
    system: "Name the session.",
    output_config: { format: { type: "json_schema", schema: TITLE_SCHEMA } },
  }, { structuredOutput: "instruction" });
  assert.equal(out.response_format, undefined);
  const system = out.messages[0];
  assert.ok(system?.role === "system");
  assert.ok(system.content.startsWith("Name the session.\n\nAnswer with one JSON value"));
  assert.ok(system.content.includes(JSON.stringify(TITLE_SCHEMA)));
  assert.ok(changes.includes("output_config.format → the schema in the system prompt"));
});

Deno.test("toOpenAIRequest asks a json_object provider for JSON and gives it the schema as a new system message", () => {
  const { request: out } = translate({
    output_config: { format: { type: "json_schema", schema: TITLE_SCHEMA } },
  }, { structuredOutput: "json_object" });
  assert.deepEqual(out.response_format, { type: "json_object" });
  assert.equal(out.messages[0]?.role, "system");
  assert.match(String(out.messages[0]?.content), /JSON schema/);
});

Deno.test("toOpenAIRequest reads the beta's top-level output_format like output_config.format", () => {
  const { request: out, changes } = translate({
    output_format: { type: "json_schema", schema: TITLE_SCHEMA },
  });
  assert.equal(out.response_format?.type, "json_schema");
  assert.equal(changes.some((c) => c.includes("dropped output_format")), false);
});

Deno.test("toOpenAIRequest refuses an output_config.format that is not a json_schema", () => {
  assert.equal(
    invalidRequestMessage(() => translate({ output_config: { format: { type: "xml" } } })),
    'output_config.format.type: expected "json_schema"',
  );
  assert.equal(
    invalidRequestMessage(() =>
      translate({ output_config: { format: { type: "json_schema", schema: "x" } } })
    ),
    "output_config.format.schema: expected a JSON schema object",
  );
});

Deno.test("toOpenAIRequest takes the effort of the turn's own output_config over the request's", () => {
  const { request: out, changes } = translate({
    output_config: { effort: "low" },
    messages: [
      { role: "user", content: "hi" },
      { role: "system", content: "Think harder now.", output_config: { effort: "high" } },
    ],
  }, { sendReasoningEffort: true });
  assert.equal(out.reasoning_effort, "high");
  assert.ok(changes.includes("this turn's output_config.effort → reasoning_effort high"));
  assert.equal(changes.some((c) => c.startsWith("dropped")), false);
});

Deno.test("toOpenAIRequest sends the text of an omitted thinking block, carried in its signature, back as reasoning_content", () => {
  const signature = omittedThinkingSignature(makeSignature("deepseek"), "Check the file first.");
  const messages = messagesOf([
    { role: "user", content: "hi" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "", signature },
        { type: "tool_use", id: "toolu_1", name: "Read", input: {} },
      ],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "x" }] },
  ], { reasoningHistory: true });
  const assistant = messages.find((m) => m.role === "assistant");
  assert.equal(
    assistant?.role === "assistant" && assistant.reasoning_content,
    "Check the file first.",
  );
});

Deno.test("toOpenAIRequest drops 2.1.337's safeguards and context_management, and shows the turn's effort", () => {
  const body = claudeCodeBody("interactive-first-turn-2.1.337.request.json");
  const { request: out, changes } = toOpenAIRequest(body, {
    model: "gpt-5.1",
    sendReasoningEffort: true,
  });
  assert.equal("safeguards" in out, false);
  assert.equal("context_management" in out, false);
  assert.ok(changes.includes("dropped safeguards"));
  assert.ok(changes.includes("dropped context_management"));
  assert.equal(out.reasoning_effort, "medium");
  assert.doesNotMatch(JSON.stringify(out), /home_dir|trusted_directories/);
});
