// Provider quirks end to end: Anthropic SDK → proxy → a mock upstream that is as strict as the real provider.
//
// Each mock answers with the provider's recorded or documented shapes and refuses what the real
// provider refuses, with its error message; the table at the end shows each refusal with the quirk
// off.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileProvider } from "../../src/config/validate.ts";
import type {
  ChatCompletionRequest,
  ChatMessage,
  ChatToolCall,
} from "../../src/wire/openai_types.ts";
import {
  jsonResponse,
  type MockHandler,
  type MockUpstream,
  type RecordedRequest,
  sseResponse,
  startMockUpstream,
} from "../helpers/mock_upstream.ts";
import { startProxy, type TestProxy } from "../helpers/proxy.ts";

const UPSTREAM = new URL("../fixtures/upstream/", import.meta.url);
const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;

interface Stack {
  client: Anthropic;
  mock: MockUpstream;
  proxy: TestProxy;
  /** The translated requests the mock received, parsed. */
  sent(): ChatCompletionRequest[];
}

interface StackOptions {
  preset: string;
  model: string;
  upstream: MockHandler;
  /** Extra keys for the provider table (e.g. `disable_quirks`). */
  provider?: FileProvider;
}

async function withStack(options: StackOptions, fn: (stack: Stack) => Promise<void>) {
  const mock = await startMockUpstream(options.upstream);
  const config = resolveConfig({
    cli: {},
    env: {},
    file: {
      providers: {
        [options.preset]: { base_url: mock.url, api_key: "sk-test", ...options.provider },
      },
      models: { "*": options.model },
      upstream: { retries: 0, ping_interval_ms: 60_000 },
    },
    source: "test",
  });
  const proxy = startProxy(config);
  const client = new Anthropic({
    baseURL: proxy.url,
    apiKey: "any",
    maxRetries: 0,
    timeout: 30_000,
  });
  try {
    await fn({ client, mock, proxy, sent: () => mock.requests.map((r) => r.json()) });
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** A 400 in the OpenAI error shape. */
function refuse(message: string): Response {
  return jsonResponse({ error: { message, type: "invalid_request_error" } }, 400);
}

function completion(message: Record<string, unknown>, finish = "stop") {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

function chunk(delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id: "c1",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

function assistants(req: ChatCompletionRequest) {
  return req.messages.filter((m): m is Extract<ChatMessage, { role: "assistant" }> =>
    m.role === "assistant"
  );
}

function lastIsTool(req: ChatCompletionRequest): boolean {
  return req.messages.at(-1)?.role === "tool";
}

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof Anthropic.APIError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

// --- Gemini: schemas and thought signatures ---

/** Claude Code's Read tool schema (zod-to-json-schema output). */
const READ_TOOL = {
  name: "Read",
  description: "Reads a file",
  input_schema: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object" as const,
    additionalProperties: false,
    properties: {
      file_path: { type: "string" },
      offset: { type: "number", exclusiveMinimum: 0 },
    },
    required: ["file_path"],
  },
};

const TIME_TOOL = {
  name: "get_current_time",
  input_schema: { type: "object" as const, properties: {} },
};

const GEMINI_ANSWER = JSON.parse(
  readFileSync(
    new URL("gemini-openai-compat/chat-tool-call-thought-signature.json", UPSTREAM),
    "utf8",
  ),
);
const GEMINI_SIGNATURE: string =
  GEMINI_ANSWER.choices[0].message.extra_content.google.thought_signature;

/** Gemini 3 over its OpenAI endpoint: strict schemas, signatures required on replayed calls. */
function geminiUpstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  for (const [i, tool] of (body.tools ?? []).entries()) {
    for (const key of ["$schema", "additionalProperties", "exclusiveMinimum"]) {
      if (JSON.stringify(tool.function.parameters).includes(`"${key}"`)) {
        return refuse(
          `Invalid JSON payload received. Unknown name "${key}" at 'tools[0].function_declarations[${i}].parameters': Cannot find field.`,
        );
      }
    }
  }
  for (const message of assistants(body)) {
    const first = message.tool_calls?.[0] as ChatToolCall | undefined;
    const google = (first?.extra_content as { google?: { thought_signature?: string } })?.google;
    if (first && google?.thought_signature !== GEMINI_SIGNATURE) {
      return refuse(
        "Function call is missing a thought_signature in functionCall parts. This is required for " +
          "tools to work correctly, and missing thought_signature may lead to degraded model " +
          "performance. Additional data, function call `default_api:get_current_time` , position 2.",
      );
    }
  }
  if (lastIsTool(body)) return jsonResponse(completion({ content: "The current time is Noon." }));
  if (!body.stream) return jsonResponse(GEMINI_ANSWER);
  return sseResponse([
    chunk({
      role: "assistant",
      tool_calls: [{
        index: 0,
        id: "",
        type: "function",
        function: { name: "get_current_time", arguments: "{}" },
        extra_content: { google: { thought_signature: GEMINI_SIGNATURE } },
      }],
    }),
    chunk({}, "tool_calls"),
  ], { signal: req.signal });
}

const GEMINI = { preset: "gemini-openai", model: "gemini-3-pro-preview", upstream: geminiUpstream };

/** Asks for the time, runs the tool, and sends the result back (the second turn of Claude Code). */
async function timeRoundTrip(client: Anthropic, stream: boolean): Promise<Anthropic.Message> {
  const question = { role: "user" as const, content: "What is the current time?" };
  const params = { model: "claude-test", max_tokens: 1000, tools: [TIME_TOOL, READ_TOOL] };
  const first = stream
    ? await client.messages.stream({ ...params, messages: [question] }).finalMessage()
    : await client.messages.create({ ...params, messages: [question] });
  const call = first.content.find((b) => b.type === "tool_use");
  assert.ok(call?.type === "tool_use", "a tool call");
  assert.match(call.id, TOOL_USE_ID);
  return await client.messages.create({
    ...params,
    messages: [
      question,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "Noon" }] },
    ],
  });
}

for (const stream of [false, true]) {
  Deno.test(`gemini-openai quirks carry the thought signature through the history (${stream ? "streamed" : "whole"})`, async () => {
    await withStack(GEMINI, async ({ client, sent }) => {
      const answer = await timeRoundTrip(client, stream);
      assert.deepEqual(answer.content, [{ type: "text", text: "The current time is Noon." }]);
      const second = sent()[1]!;
      const call = assistants(second)[0]!.tool_calls![0]!;
      assert.match(call.id, /^toolu_/);
      assert.equal((second.messages.at(-1) as { tool_call_id: string }).tool_call_id, call.id);
    });
  });
}

// --- DeepSeek: reasoning_content and same-role runs ---

/** DeepSeek's thinking mode: reasoning_content on tool-call turns, no successive same roles. */
function deepseekUpstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  for (let i = 1; i < body.messages.length; i++) {
    const [a, b] = [body.messages[i - 1]!, body.messages[i]!];
    if (a.role === b.role && (a.role === "user" || a.role === "assistant")) {
      return refuse(
        `deepseek-reasoner does not support successive user or assistant messages (messages[${
          i - 1
        }] and messages[${i}] in your input). You should interleave the user/assistant messages in the message sequence.`,
      );
    }
  }
  for (const [i, message] of body.messages.entries()) {
    if (
      message.role === "assistant" && message.tool_calls && message.reasoning_content === undefined
    ) {
      return refuse(
        `Missing \`reasoning_content\` field in the assistant message at message index ${i}`,
      );
    }
  }
  return jsonResponse(completion({ content: "Done.", reasoning_content: "Thought." }));
}

/** A history whose tool-call turn has no thinking block, after a thinking-only turn. */
const DEEPSEEK_HISTORY: Anthropic.MessageParam[] = [
  { role: "user", content: "Hello" },
  { role: "assistant", content: [{ type: "thinking", thinking: "Hm.", signature: "x" }] },
  { role: "user", content: "List the files" },
  { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "Bash", input: {} }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "a.ts" }] },
];
const DEEPSEEK_REQUEST = { model: "claude-test", max_tokens: 100, messages: DEEPSEEK_HISTORY };
const DEEPSEEK_REASONER = {
  preset: "deepseek",
  model: "deepseek-reasoner",
  upstream: deepseekUpstream,
};

Deno.test("deepseek quirks send reasoning_content on tool-call turns and join same-role runs", async () => {
  await withStack(DEEPSEEK_REASONER, async ({ client, sent, proxy }) => {
    const answer = await client.messages.create(DEEPSEEK_REQUEST);
    assert.deepEqual(answer.content.map((b) => b.type), ["thinking", "text"]);
    assert.equal(assistants(sent()[0]!)[0]!.reasoning_content, "");
    const [record] = await proxy.waitForRecords(1);
    assert.ok(record?.changes?.includes("merge_same_role: joined 1 message"));
  });
});

// --- Tool names and ids ---

const MCP_TOOL = {
  name: "mcp__plugin_github_github__create_pull_request_review_comment_reply_thread",
  input_schema: { type: "object" as const, properties: { body: { type: "string" } } },
};

/** OpenAI's function-name rule; the model calls the first tool it was given. */
function openAINamesUpstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  for (const [i, tool] of (body.tools ?? []).entries()) {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.function.name)) {
      return refuse(
        `Invalid 'tools[${i}].function.name': string too long. Expected a string with maximum length 64, but got a string with length ${tool.function.name.length} instead.`,
      );
    }
  }
  const name = body.tools![0]!.function.name;
  return sseResponse([
    chunk({ tool_calls: [{ index: 0, id: "call_1", function: { name, arguments: '{"body":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"LGTM"}' } }] }),
    chunk({}, "tool_calls"),
  ], { signal: req.signal });
}

const OPENAI_NAMES = { preset: "openai", model: "gpt-4.1", upstream: openAINamesUpstream };
const MCP_REQUEST: Anthropic.MessageCreateParamsNonStreaming = {
  model: "claude-test",
  max_tokens: 100,
  tools: [MCP_TOOL],
  messages: [{ role: "user", content: "reply" }],
};

Deno.test("tool_names shortens an MCP tool name upstream and gives the client its own name back", async () => {
  await withStack(OPENAI_NAMES, async ({ client, sent }) => {
    const message = await client.messages.stream(MCP_REQUEST).finalMessage();
    const call = message.content[0];
    assert.ok(call?.type === "tool_use");
    assert.equal(call.name, MCP_TOOL.name);
    assert.deepEqual(call.input, { body: "LGTM" });
    assert.equal(sent()[0]!.tools![0]!.function.name.length, 64);
  });
});

/** Kimi: ids like `functions.Bash:0`, which it expects back verbatim. */
function kimiUpstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  if (lastIsTool(body)) {
    const id = (body.messages.at(-1) as { tool_call_id: string }).tool_call_id;
    if (id !== "functions.Bash:0") return refuse(`Tool call id "${id}" was not issued`);
    return jsonResponse(completion({ content: "Listed." }));
  }
  return sseResponse([
    chunk({
      tool_calls: [{
        index: 0,
        id: "functions.Bash:0",
        type: "function",
        function: { name: "Bash", arguments: '{"command": "ls"}' },
      }],
    }),
    chunk({}, "tool_calls"),
  ], { signal: req.signal });
}

const BASH_TOOL = {
  name: "Bash",
  input_schema: { type: "object" as const, properties: { command: { type: "string" } } },
};

async function kimiRoundTrip(client: Anthropic): Promise<Anthropic.Message> {
  const params = { model: "claude-test", max_tokens: 100, tools: [BASH_TOOL] };
  const question = { role: "user" as const, content: "ls" };
  const first = await client.messages.stream({ ...params, messages: [question] }).finalMessage();
  const call = first.content[0];
  assert.ok(call?.type === "tool_use");
  assert.match(call.id, TOOL_USE_ID);
  return await client.messages.create({
    ...params,
    messages: [
      question,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "a.ts" }] },
    ],
  });
}

const KIMI = { preset: "moonshot", model: "kimi-k2.5", upstream: kimiUpstream };

Deno.test("tool_ids gives Kimi's functions.Bash:0 id a valid form and sends the original back", async () => {
  await withStack(KIMI, async ({ client }) => {
    const answer = await kimiRoundTrip(client);
    assert.deepEqual(answer.content, [{ type: "text", text: "Listed." }]);
  });
});

// --- Reasoning in content ---

/** Qwen3 on Groq: the reasoning inline in content, its tags split across chunks. */
function qwenUpstream(req: RecordedRequest): Response {
  const pieces = ["<th", "ink>\nThe user", " wants 2+2.</th", "ink>", "\n\n4"];
  return sseResponse([
    ...pieces.map((content) => chunk({ content })),
    chunk({}, "stop"),
  ], { signal: req.signal });
}

const QWEN_ON_GROQ = { preset: "groq", model: "qwen/qwen3-32b", upstream: qwenUpstream };

function askQwen(client: Anthropic): Promise<Anthropic.Message> {
  return client.messages.stream({
    model: "claude-test",
    max_tokens: 100,
    messages: [{ role: "user", content: "2+2?" }],
  }).finalMessage();
}

Deno.test("think_tags turns Qwen3's split <think> tags into a thinking block", async () => {
  await withStack(QWEN_ON_GROQ, async ({ client }) => {
    const message = await askQwen(client);
    assert.deepEqual(message.content.map((b) => b.type), ["thinking", "text"]);
    const [thinking, text] = message.content;
    assert.equal(thinking?.type === "thinking" ? thinking.thinking : "", "\nThe user wants 2+2.");
    assert.equal(text?.type === "text" ? text.text : "", "4");
  });
});

Deno.test("groq without think_tags shows the reasoning as answer text", async () => {
  await withStack(
    { ...QWEN_ON_GROQ, provider: { disable_quirks: ["think_tags"] } },
    async ({ client }) => {
      const message = await askQwen(client);
      assert.deepEqual(message.content.map((b) => b.type), ["text"]);
      assert.match(message.content[0]?.type === "text" ? message.content[0].text : "", /^<think>/);
    },
  );
});

// --- Malformed tool calls ---

/** A local model: nameless call, Python-style arguments, or a promise of calls that never come. */
function sloppyUpstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  const text = JSON.stringify(body.messages.at(-1)?.content);
  if (text.includes("promise")) {
    return sseResponse([chunk({ content: "I will run it." }), chunk({}, "tool_calls")], {
      signal: req.signal,
    });
  }
  return sseResponse([
    chunk({
      tool_calls: [{ index: 0, id: "call_1", function: { name: "", arguments: "{'command'" } }],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: ": 'ls -la'}" } }] }),
    chunk({}, "tool_calls"),
  ], { signal: req.signal });
}

const OLLAMA = { preset: "ollama", model: "qwen3-coder", upstream: sloppyUpstream };

Deno.test("tool_call_repair names a nameless call and repairs its Python-style arguments", async () => {
  await withStack(
    OLLAMA,
    async ({ client }) => {
      const message = await client.messages.stream({
        model: "claude-test",
        max_tokens: 100,
        tools: [BASH_TOOL],
        messages: [{ role: "user", content: "list" }],
      }).finalMessage();
      const call = message.content[0];
      assert.ok(call?.type === "tool_use");
      assert.equal(call.name, "Bash");
      assert.deepEqual(call.input, { command: "ls -la" });
      assert.equal(message.stop_reason, "tool_use");
    },
  );
});

Deno.test("tool_call_repair reports a promised tool call that never came instead of ending the turn", async () => {
  for (const disable of [[], ["tool_call_repair"]]) {
    await withStack({ ...OLLAMA, provider: { disable_quirks: disable } }, async ({ client }) => {
      const stream = client.messages.stream({
        model: "claude-test",
        max_tokens: 100,
        tools: [BASH_TOOL],
        messages: [{ role: "user", content: "promise" }],
      });
      if (disable.length === 0) {
        await rejectsWith(stream.finalMessage(), /sent no tool call/);
      } else {
        assert.equal((await stream.finalMessage()).stop_reason, "end_turn");
      }
    });
  }
});

// --- History shapes ---

/** OpenAI's rule: every call is answered by tool messages right after it. */
function strictHistoryUpstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  for (const [i, message] of body.messages.entries()) {
    if (message.role !== "assistant" || !message.tool_calls) continue;
    for (const call of message.tool_calls) {
      const answered = body.messages.slice(i + 1).find((m) =>
        m.role === "tool" && m.tool_call_id === call.id
      );
      if (!answered) return refuse(`No tool output found for tool call ${call.id}.`);
    }
  }
  return jsonResponse(completion({ content: "Trying again." }));
}

const INTERRUPTED: Anthropic.MessageParam[] = [
  { role: "user", content: "list files" },
  { role: "assistant", content: [{ type: "tool_use", id: "call-a", name: "Bash", input: {} }] },
  { role: "user", content: "[Request interrupted by user for tool use] use git instead" },
];
const INTERRUPTED_REQUEST = { model: "claude-test", max_tokens: 100, messages: INTERRUPTED };
const OPENAI_HISTORY = { preset: "openai", model: "gpt-4.1", upstream: strictHistoryUpstream };

Deno.test("history_repair answers an interrupted tool call so the history is accepted", async () => {
  await withStack(OPENAI_HISTORY, async ({ client, sent }) => {
    const answer = await client.messages.create(INTERRUPTED_REQUEST);
    assert.deepEqual(answer.content, [{ type: "text", text: "Trying again." }]);
    assert.deepEqual(sent()[0]!.messages.map((m) => m.role), [
      "user",
      "assistant",
      "tool",
      "user",
    ]);
  });
});

// --- OpenAI reasoning models ---

/** o3: max_completion_tokens only, no sampling parameters, efforts low…high. */
function o3Upstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  if (body.max_tokens !== undefined) {
    return refuse(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    );
  }
  if (body.temperature !== undefined) {
    return refuse("Unsupported parameter: 'temperature' is not supported with this model.");
  }
  if (!["low", "medium", "high"].includes(body.reasoning_effort ?? "medium")) {
    return refuse(
      `Unsupported value: 'reasoning_effort' does not support '${body.reasoning_effort}' with this model. Supported values are: 'low', 'medium', and 'high'.`,
    );
  }
  return jsonResponse(completion({ content: "Deep answer." }));
}

function maxEffortRequest(client: Anthropic) {
  return client.messages.create({
    model: "claude-test",
    max_tokens: 32000,
    temperature: 1,
    messages: [{ role: "user", content: "think hard" }],
    output_config: { effort: "max" },
  } as Anthropic.MessageCreateParamsNonStreaming);
}

const O3 = { preset: "openai", model: "o3", upstream: o3Upstream };

Deno.test("openai_reasoning sends o3 the highest effort it has for Claude Code's max", async () => {
  await withStack(O3, async ({ client, sent }) => {
    const answer = await maxEffortRequest(client);
    assert.deepEqual(answer.content, [{ type: "text", text: "Deep answer." }]);
    const request = sent()[0]!;
    assert.equal(request.reasoning_effort, "high");
    assert.equal(request.max_completion_tokens, 32000);
  });
});

// --- max_tokens against the context window ---

/** A 128k model: input 76000 tokens, so at most 52000 output tokens fit. */
function contextUpstream(req: RecordedRequest): Response {
  const body = req.json<ChatCompletionRequest>();
  const requested = body.max_tokens ?? 0;
  if (76_000 + requested > 128_000) {
    return jsonResponse({
      error: {
        message: `This model's maximum context length is 128000 tokens. However, you requested ${
          76_000 + requested
        } tokens (76000 in the messages, ${requested} in the completion). Please reduce the length of the messages or completion.`,
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    }, 400);
  }
  return jsonResponse(completion({ content: `Fits in ${requested}.` }));
}

const DEEPSEEK_CHAT = { preset: "deepseek", model: "deepseek-chat", upstream: contextUpstream };
const LONG_REQUEST: Anthropic.MessageCreateParamsNonStreaming = {
  model: "claude-test",
  max_tokens: 64000,
  messages: [{ role: "user", content: "long conversation" }],
};

Deno.test("context_retry retries once with the max_tokens that fits the context", async () => {
  await withStack(DEEPSEEK_CHAT, async ({ client, sent, proxy }) => {
    const answer = await client.messages.create(LONG_REQUEST);
    assert.deepEqual(answer.content, [{ type: "text", text: "Fits in 52000." }]);
    assert.deepEqual(sent().map((r) => r.max_tokens), [64000, 52000]);
    const [record] = await proxy.waitForRecords(1);
    assert.equal(record?.retries, 1);
  });
});

// --- Each quirk off: the strict mock refuses what the proxy then sends ---

interface RefusedWithout {
  /** The test name: what goes wrong without the quirk. */
  name: string;
  stack: StackOptions;
  quirk: string;
  send(client: Anthropic): Promise<unknown>;
  /** The provider's refusal, as the client sees it. */
  refusal: RegExp;
  /** How many requests reach the upstream, when that is part of the failure. */
  upstreamRequests?: number;
}

const REFUSED_WITHOUT: RefusedWithout[] = [
  {
    name: "gemini-openai without gemini_thought_signatures fails on the second turn",
    stack: GEMINI,
    quirk: "gemini_thought_signatures",
    send: (client) => timeRoundTrip(client, false),
    refusal: /missing a thought_signature/,
  },
  {
    name: "gemini-openai without gemini_schema fails on Claude Code's tool schemas",
    stack: GEMINI,
    quirk: "gemini_schema",
    send: (client) => timeRoundTrip(client, false),
    refusal: /Unknown name \\?"\$schema/,
  },
  {
    name: "deepseek without deepseek_reasoning is refused",
    stack: DEEPSEEK_REASONER,
    quirk: "deepseek_reasoning",
    send: (client) => client.messages.create(DEEPSEEK_REQUEST),
    refusal: /Missing `reasoning_content` field/,
  },
  {
    name: "deepseek without merge_same_role is refused",
    stack: DEEPSEEK_REASONER,
    quirk: "merge_same_role",
    send: (client) => client.messages.create(DEEPSEEK_REQUEST),
    refusal: /does not support successive user or assistant messages/,
  },
  {
    name: "openai without tool_names is refused for a long MCP tool name",
    stack: OPENAI_NAMES,
    quirk: "tool_names",
    send: (client) => client.messages.create(MCP_REQUEST),
    refusal: /maximum length 64/,
  },
  {
    name: "moonshot without tool_ids loses Kimi's tool-call id",
    stack: KIMI,
    quirk: "tool_ids",
    send: kimiRoundTrip,
    refusal: /was not issued/,
  },
  {
    name: "openai without history_repair is refused for an interrupted tool call",
    stack: OPENAI_HISTORY,
    quirk: "history_repair",
    send: (client) => client.messages.create(INTERRUPTED_REQUEST),
    refusal: /No tool output found for tool call call-a/,
  },
  {
    name: "openai without openai_reasoning sends o3 an effort it refuses",
    stack: O3,
    quirk: "openai_reasoning",
    send: maxEffortRequest,
    refusal: /does not support 'xhigh'/,
  },
  {
    name: "deepseek without context_retry passes the context-length error on",
    stack: DEEPSEEK_CHAT,
    quirk: "context_retry",
    send: (client) => client.messages.create(LONG_REQUEST),
    // The provider's overflow reaches Claude Code in Anthropic's words, so it compacts.
    refusal: /prompt is too long: \d+ tokens > 128000 maximum/,
    upstreamRequests: 1,
  },
];

for (const without of REFUSED_WITHOUT) {
  Deno.test(without.name, async () => {
    const stack = { ...without.stack, provider: { disable_quirks: [without.quirk] } };
    await withStack(stack, async ({ client, sent }) => {
      await rejectsWith(without.send(client), without.refusal);
      if (without.upstreamRequests !== undefined) {
        assert.equal(sent().length, without.upstreamRequests);
      }
    });
  });
}
