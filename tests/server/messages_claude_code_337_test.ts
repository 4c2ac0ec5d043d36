// The messages route with what Claude Code 2.1.337 sends: tool search over turns, session titles, omitted thinking, errors in Anthropic's words.
import assert from "node:assert/strict";
import type { FileConfig } from "../../src/config/validate.ts";
import type { MessagesRequest, StreamEvent } from "../../src/wire/anthropic_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import type { ResponsesRequest } from "../../src/wire/responses_types.ts";
import { omittedThinking } from "../../src/translate/anthropic/signature.ts";
import {
  jsonResponse,
  type MockHandler,
  sseResponse,
  startMockUpstream,
} from "../helpers/mock_upstream.ts";
import { startProxy, testConfig } from "../helpers/proxy.ts";
import { parseAnthropicSse } from "../helpers/streams.ts";

const KEY = "sk-test-secret-key-123456";

function recorded(name: string): { body: MessagesRequest; beta: string } {
  const url = new URL(`../fixtures/claude-code/${name}`, import.meta.url);
  const { body, headers } = JSON.parse(Deno.readTextFileSync(url));
  return { body, beta: headers["anthropic-beta"] };
}

/**
 * A provider table for a preset, pointed at the mock. On the openai preset every model goes to
 * Chat Completions (its gpt-6 defaults would go to the Responses API): these tests read its requests.
 */
function preset(name: string): (url: string) => FileConfig {
  return (url) => ({
    provider: { name, base_url: url, api_key: KEY },
    ...(name === "openai" ? { model_options: { "*": { api: "chat" as const } } } : {}),
  });
}

async function withProxy(
  handler: MockHandler,
  file: (url: string) => FileConfig,
  fn: (ctx: {
    post: (body: unknown, beta?: string) => Promise<Response>;
    mock: Awaited<ReturnType<typeof startMockUpstream>>;
    proxy: ReturnType<typeof startProxy>;
  }) => Promise<void>,
) {
  const mock = await startMockUpstream(handler);
  const proxy = startProxy(testConfig(mock.url, file(mock.url)));
  const post = (body: unknown, beta?: string) =>
    fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(beta ? { "anthropic-beta": beta } : {}),
      },
      body: JSON.stringify(body),
    });
  try {
    await fn({ post, mock, proxy });
  } finally {
    await proxy.close();
    await mock.close();
  }
}

function chunk(delta: unknown, finish: string | null = null) {
  return { id: "c1", choices: [{ index: 0, delta, finish_reason: finish }] };
}

function answer(...deltas: unknown[]): MockHandler {
  return (req) =>
    sseResponse([...deltas.map((d) => chunk(d)), chunk({}, "stop")], { signal: req.signal });
}

async function events(response: Response): Promise<StreamEvent[]> {
  assert.equal(response.status, 200);
  return parseAnthropicSse(await response.text());
}

function text(events: StreamEvent[]): string {
  return events.flatMap((e) =>
    e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : []
  ).join("");
}

// --- tool search over turns ---

Deno.test("messages sends only non-deferred tools and ToolSearch on 2.1.337's first turn, then the tool a tool_reference names", async () => {
  await withProxy(answer({ content: "ok" }), preset("openai"), async ({ post, mock }) => {
    for (
      const name of [
        "first-turn-2.1.337.request.json",
        "tool-search-second-turn-2.1.337.request.json",
      ]
    ) {
      const { body, beta } = recorded(name);
      await events(await post(body, beta));
    }
    const [first, second] = mock.requests.map((r) => r.json<ChatCompletionRequest>());
    const names = (req: ChatCompletionRequest | undefined) =>
      req?.tools?.map((tool) => tool.function.name) ?? [];
    assert.ok(names(first).includes("ToolSearch"));
    assert.equal(names(first).includes("CronList"), false);
    assert.equal(names(first).includes("DeferredToolPlaceholder"), false);
    assert.ok(names(second).includes("CronList"));
    assert.equal(names(second).includes("DeferredToolPlaceholder"), false);
    const tool = second!.messages.find((m) => m.role === "tool");
    assert.match(String(tool?.content), /^Tool "CronList" is now available: /);
  });
});

// --- session titles (structured output) ---

Deno.test("messages answers Claude Code's session-title request through response_format json_schema", async () => {
  const { body, beta } = recorded("session-title-2.1.337.request.json");
  await withProxy(
    answer({ content: '{"title": ' }, { content: '"Say pong"}' }),
    preset("openai"),
    async ({ post, mock }) => {
      const out = await events(await post(body, beta));
      assert.equal(text(out), '{"title": "Say pong"}');
      assert.equal(out.at(-1)?.type, "message_stop");
      const sent = mock.requests[0]!.json<ChatCompletionRequest>();
      assert.equal(sent.response_format?.type, "json_schema");
      assert.equal(
        sent.response_format?.type === "json_schema" && sent.response_format.json_schema.strict,
        true,
      );
    },
  );
});

Deno.test("messages gives a provider without structured output the title schema as an instruction and unwraps its fenced answer", async () => {
  const { body, beta } = recorded("session-title-2.1.337.request.json");
  await withProxy(
    answer({ content: '```json\n{"title": "Say pong"}\n```' }),
    () => ({}), // the "custom" provider: no structured output known
    async ({ post, mock }) => {
      const out = await events(await post(body, beta));
      assert.equal(text(out), '{"title": "Say pong"}');
      const sent = mock.requests[0]!.json<ChatCompletionRequest>();
      assert.equal(sent.response_format, undefined);
      assert.match(String(sent.messages[0]?.content), /<json_schema>/);
    },
  );
});

Deno.test("messages reports a session title that is not JSON as an error event and logs it", async () => {
  const { body, beta } = recorded("session-title-2.1.337.request.json");
  await withProxy(answer({ content: "Say pong" }), preset("openai"), async ({ post, proxy }) => {
    const out = await events(await post(body, beta));
    const last = out.at(-1);
    assert.ok(last?.type === "error");
    assert.match(last.error.message, /does not match output_config\.format: not JSON/);
    const [record] = await proxy.waitForRecords(1);
    assert.equal(record?.error_type, "api_error");
  });
});

Deno.test("messages answers the session-title request on the Responses format through text.format", async () => {
  const { body, beta } = recorded("session-title-2.1.337.request.json");
  const reply = {
    id: "resp_1",
    status: "completed",
    output: [{
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: '{"title": "Say pong"}' }],
    }],
    usage: { input_tokens: 10, output_tokens: 5 },
  };
  await withProxy(() => jsonResponse(reply), preset("openai-responses"), async ({ post, mock }) => {
    const response = await post({ ...body, stream: false }, beta);
    assert.equal(response.status, 200);
    const message = await response.json();
    assert.deepEqual(message.content, [{ type: "text", text: '{"title": "Say pong"}' }]);
    const sent = mock.requests[0]!.json<ResponsesRequest>();
    assert.equal(mock.requests[0]!.path, "/responses");
    assert.equal(sent.text?.format.type, "json_schema");
  });
});

// --- thinking display ---

Deno.test("messages sends thinking empty for display omitted and gives its text back to a provider that wants it", async () => {
  const { body, beta } = recorded("first-turn-2.1.337.request.json");
  const handler: MockHandler = (req, n) =>
    n === 1
      ? sseResponse([
        chunk({ reasoning_content: "Just say it." }),
        chunk({ content: "pong" }),
        chunk({}, "stop"),
      ], { signal: req.signal })
      : answer({ content: "ok" })(req, n);
  await withProxy(handler, preset("deepseek"), async ({ post, mock }) => {
    const out = await events(await post(body, beta));
    const start = out.find((e) => e.type === "content_block_start");
    assert.deepEqual(start?.type === "content_block_start" && start.content_block, {
      type: "thinking",
      thinking: "",
      signature: "",
    });
    const signature = out.flatMap((e) =>
      e.type === "content_block_delta" && e.delta.type === "signature_delta"
        ? [e.delta.signature]
        : []
    )[0];
    assert.equal(omittedThinking(signature), "Just say it.");
    const next = {
      ...body,
      messages: [
        ...body.messages,
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "", signature },
            { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "echo pong" } },
          ],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "pong" }],
        },
      ],
    };
    await events(await post(next, beta));
    const sent = mock.requests[1]!.json<ChatCompletionRequest>();
    const assistant = sent.messages.find((m) =>
      m.role === "assistant"
    );
    assert.equal(assistant?.role === "assistant" && assistant.reasoning_content, "Just say it.");
  });
});

// --- errors in Anthropic's words ---

Deno.test("messages passes the upstream's Retry-After and retry-after-ms on 429, 503 and 529", async () => {
  for (const format of ["openai", "openai-responses"]) {
    for (const status of [429, 503, 529]) {
      const headers = { "retry-after": "7", "retry-after-ms": "6500" };
      await withProxy(
        () => jsonResponse({ error: { message: "Slow down" } }, status, headers),
        preset(format),
        async ({ post }) => {
          const response = await post({ ...recorded("first-turn-2.1.337.request.json").body });
          assert.equal(response.status, status, `${format} ${status}`);
          assert.equal(response.headers.get("retry-after"), "7");
          assert.equal(response.headers.get("retry-after-ms"), "6500");
          const body = await response.json();
          assert.equal(body.error.message, "Upstream returned " + status + ": Slow down");
        },
      );
    }
  }
});

Deno.test("messages turns a provider's context overflow into Anthropic's prompt is too long", async () => {
  const overflow = {
    error: {
      message:
        "This model's maximum context length is 131072 tokens. However, you requested 194640 tokens (130640 in the messages, 64000 in the completion). Please reduce the length of the messages or completion.",
      code: "context_length_exceeded",
    },
  };
  await withProxy(() => jsonResponse(overflow, 400), preset("deepseek"), async ({ post, mock }) => {
    const response = await post({
      ...recorded("first-turn-2.1.337.request.json").body,
      stream: false,
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "prompt is too long: 131073 tokens > 131072 maximum",
      },
    });
    assert.equal(mock.requests.length, 1, "no room for a smaller max_tokens: no retry");
  });
});

Deno.test("messages counts the prompt itself and takes the catalog's context window when the provider's overflow message has no numbers", async () => {
  const groq = {
    error: {
      message: "Please reduce the length of the messages or completion.",
      type: "invalid_request_error",
      code: "context_length_exceeded",
    },
  };
  await withProxy(() => jsonResponse(groq, 400), preset("groq"), async ({ post }) => {
    const response = await post({
      ...recorded("first-turn-2.1.337.request.json").body,
      stream: false,
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.type, "invalid_request_error");
    // groq's default big model, openai/gpt-oss-120b, has a 131072-token window in the catalog.
    assert.match(body.error.message, /^prompt is too long: \d+ tokens > 131072 maximum$/);
  });
});

Deno.test("messages says the prompt did not fit, with its own count, when neither the provider nor the catalog gives a window", async () => {
  const groq = {
    error: {
      message: "Please reduce the length of the messages or completion.",
      type: "invalid_request_error",
      code: "context_length_exceeded",
    },
  };
  const file = (url: string): FileConfig => ({
    ...preset("groq")(url),
    models: { "*": "unlisted-model" },
  });
  await withProxy(() => jsonResponse(groq, 400), file, async ({ post }) => {
    const response = await post({
      ...recorded("first-turn-2.1.337.request.json").body,
      stream: false,
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(
      body.error.message,
      /^prompt is too long for the model's context window \(about \d+ tokens\): Please reduce the length/,
    );
  });
});

Deno.test("messages refuses a tool_reference without a tool name with a 400 naming its path", async () => {
  await withProxy(answer({ content: "ok" }), preset("openai"), async ({ post, mock }) => {
    const response = await post({
      model: "claude-opus-5-5",
      max_tokens: 100,
      messages: [
        { role: "user", content: "x" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "t1", name: "ToolSearch", input: {} }],
        },
        {
          role: "user",
          content: [{
            type: "tool_result",
            tool_use_id: "t1",
            content: [{ type: "tool_reference" }],
          }],
        },
      ],
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.message, "messages.2.content.0.content.0.tool_name: Field required");
    assert.equal(mock.requests.length, 0);
  });
});
