// Passthrough to Anthropic-format providers, in process against a mock upstream: recorded streams byte
// for byte, auth and betas per preset, cleaning, signature origins, errors, count_tokens.
import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { Config } from "../../src/config/schema.ts";
import type { FileConfig, FileProvider } from "../../src/config/validate.ts";
import type { RequestLogger, RequestLogRecord } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import { randomId } from "../../src/server/deps.ts";
import { parseSignature, wrapSignature } from "../../src/translate/anthropic/signature.ts";
import {
  jsonResponse,
  type MockHandler,
  type MockUpstream,
  type RecordedRequest,
  startMockUpstream,
  streamResponse,
} from "../helpers/mock_upstream.ts";
import { collectText, randomSplit } from "../helpers/streams.ts";

const DIR = new URL("../fixtures/upstream/anthropic/", import.meta.url);
const FIRST_TURN = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);
const STREAMS = [
  "messages-stream-text.sse",
  "messages-stream-text-sonnet-4-5.sse",
  "messages-stream-tool-use.sse",
  "messages-stream-thinking-signature.sse",
  "messages-stream-redacted-thinking.sse",
];
const KEY = "sk-ant-upstream-key-0123456789";
const decoder = new TextDecoder();

/** A config whose providers all point at the mock; the first is the default. */
function config(url: string, providers: Record<string, FileProvider>, file: FileConfig = {}) {
  const tables = Object.fromEntries(
    Object.entries(providers).map(([name, table]) => [name, { base_url: url, ...table }]),
  );
  return resolveConfig({
    cli: {},
    env: {},
    file: { providers: tables, upstream: { retries: 0 }, ...file },
    source: "test",
  });
}

const ANTHROPIC: Record<string, FileProvider> = { anthropic: { api_key: KEY } };
const TWO: Record<string, FileProvider> = {
  anthropic: { api_key: KEY },
  "deepseek-anthropic": { api_key: "sk-deepseek-key-0123456789" },
};
const TWO_MODELS = { "*haiku*": "deepseek-v4-flash@deepseek-anthropic" };

/** The app over `config`, with the log records it writes. */
function proxy(cfg: Config) {
  const records: RequestLogRecord[] = [];
  const logger: RequestLogger = { write: (r) => records.push(r), close: () => Promise.resolve() };
  const app = createApp({ config: cfg, logger, now: () => Date.now(), newId: randomId });
  return { app, records };
}

async function withMock(handler: MockHandler, fn: (mock: MockUpstream) => Promise<void>) {
  const mock = await startMockUpstream(handler);
  try {
    await fn(mock);
  } finally {
    await mock.close();
  }
}

function post(body: unknown, headers: Record<string, string> = {}, path = "/v1/messages") {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "client-key", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function ask(extra: Record<string, unknown> = {}) {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    stream: true,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  };
}

function sse(bytes: Uint8Array, request: RecordedRequest, seed = 1): Response {
  return streamResponse(randomSplit(bytes, seed, 300), {
    signal: request.signal,
    headers: { "content-type": "text/event-stream", "request-id": "req_upstream_1" },
  });
}

for (const name of STREAMS) {
  Deno.test(`anthropicPassthrough streams ${name} to the client byte for byte`, async () => {
    const bytes = await Deno.readFile(new URL(name, DIR));
    await withMock((req) => sse(bytes, req), async (mock) => {
      const { app, records } = proxy(config(mock.url, ANTHROPIC));
      const response = await app.request(post(ask()));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/event-stream");
      assert.equal(response.headers.get("request-id"), "req_upstream_1");
      const out = new Uint8Array(await response.arrayBuffer());
      assert.deepEqual(out, bytes);
      assert.equal(records.length, 1);
      assert.equal(records[0]?.status, 200);
      assert.ok((records[0]?.output_tokens ?? 0) > 0);
      assert.equal(records[0]?.error_type, undefined);
    });
  });
}

Deno.test("anthropicPassthrough logs the stop reason and usage of a stream", async () => {
  const bytes = await Deno.readFile(new URL("messages-stream-tool-use.sse", DIR));
  await withMock((req) => sse(bytes, req), async (mock) => {
    const { app, records } = proxy(config(mock.url, ANTHROPIC));
    await (await app.request(post(ask()))).arrayBuffer();
    const text = decoder.decode(bytes);
    const input = Number(/"input_tokens":(\d+)/.exec(text)![1]);
    const output = Number([...text.matchAll(/"output_tokens":(\d+)/g)].at(-1)![1]);
    assert.equal(records[0]?.stop_reason, "tool_use");
    assert.equal(records[0]?.input_tokens, input);
    assert.equal(records[0]?.output_tokens, output);
    assert.equal(records[0]?.provider, "anthropic");
  });
});

Deno.test("anthropicPassthrough sends the client's body bytes untouched to Anthropic", async () => {
  const text = JSON.stringify(JSON.parse(await Deno.readTextFile(FIRST_TURN)).body);
  const upstream = JSON.parse(text);
  upstream.model = "claude-opus-4-5";
  await withMock(() => jsonResponse({ type: "message", content: [] }), async (mock) => {
    const { app } = proxy(config(mock.url, ANTHROPIC));
    await (await app.request(post(text))).arrayBuffer();
    assert.equal(mock.requests[0]?.body, text);
    const mapped = proxy(config(mock.url, ANTHROPIC, { models: { "*": "claude-opus-4-5" } }));
    await (await mapped.app.request(post(text))).arrayBuffer();
    assert.equal(
      mock.requests[1]?.body,
      text.replace(/^\{"model":"[^"]+"/, '{"model":"claude-opus-4-5"'),
    );
  });
});

Deno.test("anthropicPassthrough resends the same body bytes when it retries", async () => {
  const text = JSON.stringify(JSON.parse(await Deno.readTextFile(FIRST_TURN)).body);
  const overloaded = { type: "error", error: { type: "overloaded_error", message: "busy" } };
  await withMock(
    (_req, n) =>
      n === 1
        ? jsonResponse(overloaded, 529, { "retry-after": "0" })
        : jsonResponse({ type: "message", content: [] }),
    async (mock) => {
      const { app, records } = proxy(
        config(mock.url, ANTHROPIC, {
          models: { "*": "claude-opus-4-5" },
          upstream: { retries: 1 },
        }),
      );
      const response = await app.request(post(text));
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      assert.equal(mock.requests.length, 2);
      const expected = text.replace(/^\{"model":"[^"]+"/, '{"model":"claude-opus-4-5"');
      assert.equal(mock.requests[0]?.body, expected);
      assert.equal(mock.requests[1]?.body, expected);
      assert.equal(records[0]?.retries, 1);
    },
  );
});

Deno.test("anthropicPassthrough sends the key, version and betas each provider expects", async () => {
  await withMock(() => jsonResponse({ type: "message", content: [] }), async (mock) => {
    const beta = "claude-code-20250219,context-management-2025-06-27";
    const anthropic = proxy(config(mock.url, ANTHROPIC));
    await (await anthropic.app.request(post(ask(), { "anthropic-beta": beta }))).arrayBuffer();
    const moonshot = proxy(
      config(mock.url, { "moonshot-anthropic": { api_key: "sk-moon-1234567890" } }),
    );
    await (await moonshot.app.request(
      post(ask(), { "anthropic-beta": beta, "anthropic-version": "2023-01-01" }),
    )).arrayBuffer();
    const [first, second] = mock.requests;
    assert.equal(first?.path, "/v1/messages");
    assert.equal(first?.headers["x-api-key"], KEY);
    assert.equal(first?.headers.authorization, undefined);
    assert.equal(first?.headers["anthropic-version"], "2023-06-01");
    assert.equal(first?.headers["anthropic-beta"], beta);
    assert.equal(second?.headers.authorization, "Bearer sk-moon-1234567890");
    assert.equal(second?.headers["x-api-key"], undefined);
    assert.equal(second?.headers["anthropic-version"], "2023-01-01");
    assert.equal(second?.headers["anthropic-beta"], "claude-code-20250219");
    assert.ok(
      moonshot.records[0]?.changes?.includes(
        "removed anthropic-beta context-management-2025-06-27",
      ),
    );
  });
});

Deno.test("anthropicPassthrough sends no key to a keyless local server", async () => {
  await withMock(() => jsonResponse({ type: "message", content: [] }), async (mock) => {
    const { app } = proxy(config(mock.url, { "ollama-anthropic": {} }));
    await (await app.request(post(ask({ model: "qwen3-coder" })))).arrayBuffer();
    assert.equal(mock.requests[0]?.headers.authorization, undefined);
    assert.equal(mock.requests[0]?.headers["x-api-key"], undefined);
    assert.equal(mock.requests[0]?.json<{ model: string }>().model, "qwen3-coder");
  });
});

Deno.test("anthropicPassthrough cleans Claude Code's request for a third-party provider", async () => {
  const body = JSON.parse(await Deno.readTextFile(FIRST_TURN)).body;
  await withMock(() => jsonResponse({ type: "message", content: [] }), async (mock) => {
    const { app, records } = proxy(
      config(mock.url, { "deepseek-anthropic": { api_key: "sk-ds-0123456789" } }),
    );
    await (await app.request(post(body))).arrayBuffer();
    const sent = mock.requests[0]!.json<Record<string, unknown>>();
    assert.equal(sent.context_management, undefined);
    assert.doesNotMatch(JSON.stringify(sent.system), /x-anthropic-billing-header/);
    assert.deepEqual(sent.messages, body.messages);
    assert.deepEqual(sent.output_config, body.output_config);
    assert.deepEqual(records[0]?.changes?.slice(0, 2), [
      "dropped x-anthropic-billing-header",
      "dropped context_management",
    ]);
  });
});

Deno.test("anthropicPassthrough honours drop_fields and unsupported from the config", async () => {
  await withMock(() => jsonResponse({ type: "message", content: [] }), async (mock) => {
    const cfg = config(mock.url, {
      anthropic: { api_key: KEY, drop_fields: ["metadata"], unsupported: ["tool_choice"] },
    });
    const { app } = proxy(cfg);
    await (await app.request(post(ask({ metadata: { user_id: "u" } })))).arrayBuffer();
    assert.equal(mock.requests[0]?.json<Record<string, unknown>>().metadata, undefined);
    const refused = await app.request(post(ask({ tool_choice: { type: "tool", name: "Bash" } })));
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).error.message, /does not support tool_choice/);
    assert.equal(mock.requests.length, 1);
  });
});

Deno.test("anthropicPassthrough refuses an image for a provider without images, upstream untouched", async () => {
  await withMock(() => jsonResponse({}), async (mock) => {
    const { app, records } = proxy(config(mock.url, { minimax: { api_key: "sk-mm-0123456789" } }));
    const image = {
      type: "image",
      source: { type: "base64", media_type: "image/png", data: "AA" },
    };
    const response = await app.request(post(ask({
      messages: [{ role: "user", content: [{ type: "text", text: "look" }, image] }],
    })));
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.type, "invalid_request_error");
    assert.equal(
      body.error.message,
      'messages.0.content.1: provider "minimax" does not accept images',
    );
    assert.equal(mock.requests.length, 0);
    assert.equal(records[0]?.status, 400);
  });
});

Deno.test("anthropicPassthrough refuses a tool_result holding a non-block with its path, upstream untouched", async () => {
  await withMock(() => jsonResponse({}), async (mock) => {
    const { app } = proxy(config(mock.url, { minimax: { api_key: "sk-mm-0123456789" } }));
    const messages = [{
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [null] }],
    }];
    for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
      const response = await app.request(post(ask({ messages }), {}, path));
      assert.equal(response.status, 400, path);
      assert.equal(
        (await response.json()).error.message,
        "messages.0.content.0.content.0: expected an object, got null",
      );
    }
    assert.equal(mock.requests.length, 0);
  });
});

Deno.test("anthropicPassthrough forwards blocks of any type inside a tool_result (tool_reference)", async () => {
  await withMock(() => jsonResponse({ type: "message", content: [] }), async (mock) => {
    // A dropped field makes the body parsed and checked; Anthropic itself has tool search.
    const { app } = proxy(
      config(mock.url, { anthropic: { api_key: KEY, drop_fields: ["metadata"] } }),
    );
    const messages = [
      { role: "user", content: "find a tool" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_1", name: "ToolSearch", input: { query: "x" } }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "toolu_1",
          content: [{ type: "tool_reference", tool_name: "mcp__x__y" }],
        }],
      },
    ];
    const response = await app.request(post(ask({ stream: false, messages })));
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.deepEqual(mock.requests[0]!.json<{ messages: unknown }>().messages, messages);
  });
});

Deno.test("anthropicPassthrough resolves tool search for a preset without it: referenced deferred tools sent, references as text", async () => {
  await withMock(() => jsonResponse({ type: "message", content: [] }), async (mock) => {
    const { app, records } = proxy(
      config(mock.url, { "deepseek-anthropic": { api_key: "sk-ds-0123456789" } }),
    );
    const tools = [
      { name: "ToolSearch", description: "Finds tools", input_schema: { type: "object" } },
      {
        name: "CronList",
        description: "Lists the scheduled jobs.\n\nMore detail.",
        input_schema: { type: "object" },
        defer_loading: true,
      },
      { name: "Placeholder", input_schema: { type: "object" }, defer_loading: true },
    ];
    const messages = [
      { role: "user", content: "list my jobs" },
      {
        role: "assistant",
        content: [{
          type: "tool_use",
          id: "toolu_1",
          name: "ToolSearch",
          input: { query: "select:CronList" },
        }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "toolu_1",
          content: [{ type: "tool_reference", tool_name: "CronList" }],
        }, { type: "text", text: "Tool loaded." }],
      },
    ];
    const beta = "claude-code-20250219,advanced-tool-use-2025-11-20";
    const response = await app.request(
      post(ask({ stream: false, tools, messages }), { "anthropic-beta": beta }),
    );
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const sent = mock.requests[0]!.json<{
      tools: Array<Record<string, unknown>>;
      messages: Array<{ content: Array<{ content?: unknown }> }>;
    }>();
    assert.deepEqual(sent.tools.map((t) => t.name), ["ToolSearch", "CronList"]);
    assert.equal("defer_loading" in sent.tools[1]!, false);
    assert.deepEqual(sent.messages[2]!.content[0]!.content, [
      { type: "text", text: 'Tool "CronList" is now available: Lists the scheduled jobs.' },
    ]);
    assert.equal(mock.requests[0]!.headers["anthropic-beta"], "claude-code-20250219");
    assert.ok(records[0]?.changes?.some((c) => c.startsWith("tool search:")));
  });
});

Deno.test("anthropicPassthrough marks thinking signatures with their origin and restores them on return", async () => {
  const bytes = await Deno.readFile(new URL("messages-stream-thinking-signature.sse", DIR));
  const original = /"signature":"(E[^"]+)"/.exec(decoder.decode(bytes))![1]!;
  await withMock(
    (req, n) => n === 1 ? sse(bytes, req) : jsonResponse({ type: "message", content: [] }),
    async (mock) => {
      const { app } = proxy(config(mock.url, TWO, { models: TWO_MODELS }));
      const text = await collectText((await app.request(post(ask()))).body!);
      assert.equal(
        text,
        decoder.decode(bytes).replace(original, wrapSignature("anthropic", original)),
      );
      const signature = /"signature":"(cpx1[^"]+)"/.exec(text)![1]!;
      const history = [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "…", signature },
            { type: "text", text: "answer" },
          ],
        },
        { role: "user", content: "and?" },
      ];
      await (await app.request(post(ask({ stream: false, messages: history })))).arrayBuffer();
      const back = mock.requests[1]!.json<{ messages: Array<{ content: unknown }> }>();
      assert.deepEqual(back.messages[1]?.content, [
        { type: "thinking", thinking: "…", signature: original },
        { type: "text", text: "answer" },
      ]);
      const haiku = ask({ model: "claude-haiku-4-5", stream: false, messages: history });
      await (await app.request(post(haiku))).arrayBuffer();
      const elsewhere = mock.requests[2]!.json<
        { model: string; messages: Array<{ content: unknown }> }
      >();
      assert.equal(elsewhere.model, "deepseek-v4-flash");
      assert.deepEqual(elsewhere.messages[1]?.content, [{ type: "text", text: "answer" }]);
    },
  );
});

Deno.test("anthropicPassthrough marks signatures in a non-streaming answer only with several providers", async () => {
  const json = await Deno.readTextFile(new URL("message-thinking-tool-use.json", DIR));
  const original = JSON.parse(json).content[0].signature;
  const answer = () => new Response(json, { headers: { "content-type": "application/json" } });
  await withMock(answer, async (mock) => {
    const single = proxy(config(mock.url, ANTHROPIC));
    assert.equal(await (await single.app.request(post(ask({ stream: false })))).text(), json);
    assert.equal(single.records[0]?.stop_reason, "tool_use");
    const several = proxy(config(mock.url, TWO));
    const marked = await (await several.app.request(post(ask({ stream: false })))).json();
    assert.deepEqual(parseSignature(marked.content[0].signature), {
      origin: "anthropic",
      original,
    });
  });
});

Deno.test("anthropicPassthrough passes an Anthropic error envelope through unchanged", async () => {
  const body = await Deno.readTextFile(new URL("error-404-not-found.json", DIR));
  await withMock(
    () =>
      new Response(body, {
        status: 404,
        headers: { "content-type": "application/json", "request-id": "req_x" },
      }),
    async (mock) => {
      const { app, records } = proxy(config(mock.url, ANTHROPIC));
      const response = await app.request(post(ask()));
      assert.equal(response.status, 404);
      assert.equal(response.headers.get("request-id"), "req_x");
      assert.equal(await response.text(), body);
      assert.equal(records[0]?.error_type, "not_found_error");
    },
  );
});

Deno.test("anthropicPassthrough leaves a body that needs no cleaning to the provider to judge", async () => {
  // Not a valid Messages body: Anthropic itself answers, and its error reaches the client as sent.
  const invalid = '{"model":"claude-sonnet-4-5","max_tokens":5,"messages":"hi"}';
  const error = {
    type: "error",
    error: { type: "invalid_request_error", message: "messages: Input should be a valid list" },
  };
  await withMock(() => jsonResponse(error, 400), async (mock) => {
    const { app, records } = proxy(config(mock.url, ANTHROPIC));
    const response = await app.request(post(invalid));
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), error);
    assert.equal(mock.requests[0]?.body, invalid);
    assert.equal(records[0]?.error_message, error.error.message);
    // A provider whose cleaning must read the body gets it parsed and checked first.
    const third = proxy(
      config(mock.url, TWO, { models: { "*": "deepseek-v4-pro@deepseek-anthropic" } }),
    );
    const refused = await third.app.request(post(invalid));
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).error.message, /^messages: /);
    assert.equal(mock.requests.length, 1, "the refused body never went upstream");
  });
});

/** A mock answering its first request with a recorded stream, the others with a recorded message. */
async function streamThenMessage(streamName: string) {
  const bytes = await Deno.readFile(new URL(streamName, DIR));
  const json = await Deno.readTextFile(new URL("message-text.json", DIR));
  const handler: MockHandler = (req, n) =>
    n === 1
      ? sse(bytes, req)
      : new Response(json, { headers: { "content-type": "application/json" } });
  return { bytes, json, handler };
}

Deno.test("anthropicPassthrough logs whether an unparsed request streamed from the answer", async () => {
  const { handler } = await streamThenMessage("messages-stream-text.sse");
  await withMock(handler, async (mock) => {
    const { app, records } = proxy(config(mock.url, ANTHROPIC));
    await (await app.request(post(ask()))).arrayBuffer();
    await (await app.request(post(ask({ stream: false })))).arrayBuffer();
    assert.deepEqual(records.map((r) => [r.model, r.upstream_model, r.stream]), [
      ["claude-sonnet-4-5", "claude-sonnet-4-5", true],
      ["claude-sonnet-4-5", "claude-sonnet-4-5", false],
    ]);
  });
});

Deno.test("anthropicPassthrough wraps an error that is not an Anthropic envelope", async () => {
  await withMock(
    () =>
      new Response("<html>Bad request</html>", {
        status: 400,
        headers: { "content-type": "text/html" },
      }),
    async (mock) => {
      const { app } = proxy(config(mock.url, ANTHROPIC));
      const response = await app.request(post(ask()));
      assert.equal(response.status, 400);
      assert.equal(response.headers.get("content-type"), "application/json");
      const body = await response.json();
      assert.equal(body.type, "error");
      assert.equal(body.error.type, "invalid_request_error");
      assert.match(body.error.message, /^Upstream returned 400: <html>Bad request<\/html>/);
    },
  );
});

Deno.test("anthropicPassthrough ends a broken stream with an error event after the last whole event", async () => {
  const bytes = await Deno.readFile(new URL("messages-stream-text.sse", DIR));
  const text = decoder.decode(bytes);
  const cut = text.indexOf("event: content_block_stop");
  const parts = [text.slice(0, cut), text.slice(cut, cut + 10)];
  await withMock(
    (req) =>
      streamResponse(parts, {
        end: "reset",
        signal: req.signal,
        headers: { "content-type": "text/event-stream" },
      }),
    async (mock) => {
      const { app, records } = proxy(config(mock.url, ANTHROPIC));
      const out = await collectText((await app.request(post(ask()))).body!);
      assert.ok(out.startsWith(text.slice(0, cut)));
      const tail = out.slice(cut);
      assert.match(
        tail,
        /^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"Upstream stream failed: [^"]+"\}\}\n\n$/,
      );
      assert.equal(records[0]?.error_type, "api_error");
    },
  );
});

Deno.test("anthropicPassthrough ends a stalled stream with an idle timeout error after the last whole event", async () => {
  const bytes = await Deno.readFile(new URL("messages-stream-text.sse", DIR));
  const text = decoder.decode(bytes);
  const cut = text.indexOf("event: content_block_stop");
  await withMock(
    (req) =>
      streamResponse([text.slice(0, cut + 10)], {
        end: "hang",
        signal: req.signal,
        headers: { "content-type": "text/event-stream" },
      }),
    async (mock) => {
      const { app, records } = proxy(
        config(mock.url, ANTHROPIC, { upstream: { retries: 0, idle_timeout_ms: 200 } }),
      );
      const out = await collectText((await app.request(post(ask()))).body!);
      assert.equal(out.slice(0, cut), text.slice(0, cut));
      assert.match(
        out.slice(cut),
        /^event: error\ndata: \{"type":"error","error":\{"type":"timeout_error","message":"[^"]*idle timeout[^"]*"\}\}\n\n$/,
      );
      assert.equal(records[0]?.error_type, "timeout_error");
      await mock.requests[0]!.disconnected;
    },
  );
});

Deno.test("anthropicPassthrough answers 504 when a non-streaming answer stalls", async () => {
  await withMock(
    (req) =>
      streamResponse(['{"id":"msg_1","type":"message"'], {
        end: "hang",
        signal: req.signal,
        headers: { "content-type": "application/json" },
      }),
    async (mock) => {
      const { app, records } = proxy(
        config(mock.url, ANTHROPIC, { upstream: { retries: 0, idle_timeout_ms: 200 } }),
      );
      const response = await app.request(post(ask({ stream: false })));
      assert.equal(response.status, 504);
      const body = await response.json();
      assert.equal(body.error.type, "timeout_error");
      assert.match(body.error.message, /idle timeout/);
      assert.equal(records[0]?.status, 504);
      await mock.requests[0]!.disconnected;
    },
  );
});

Deno.test("handleCountTokens forwards count_tokens to an Anthropic-format provider", async () => {
  await withMock(() => jsonResponse({ input_tokens: 4242 }), async (mock) => {
    const { app } = proxy(
      config(mock.url, { "deepseek-anthropic": { api_key: "sk-ds-0123456789" } }, {
        models: { "*": "deepseek-v4-pro" },
      }),
    );
    const response = await app.request(post(
      {
        model: "claude-opus-4-5",
        messages: [{ role: "user", content: "hi" }],
        context_management: {},
      },
      {},
      "/v1/messages/count_tokens",
    ));
    assert.deepEqual(await response.json(), { input_tokens: 4242 });
    assert.equal(mock.requests[0]?.path, "/v1/messages/count_tokens");
    const sent = mock.requests[0]!.json<Record<string, unknown>>();
    assert.equal(sent.model, "deepseek-v4-pro");
    assert.equal(sent.context_management, undefined);
  });
});

Deno.test("handleCountTokens counts locally when the provider has no count_tokens endpoint", async () => {
  await withMock(() => jsonResponse({ error: "not found" }, 404), async (mock) => {
    const { app } = proxy(config(mock.url, ANTHROPIC));
    const response = await app.request(post(
      { model: "claude-opus-4-5", messages: [{ role: "user", content: "hello there" }] },
      {},
      "/v1/messages/count_tokens",
    ));
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.ok(body.input_tokens > 0 && body.input_tokens < 50, JSON.stringify(body));
    assert.equal(mock.requests.length, 1);
  });
});

Deno.test("anthropicPassthrough logs capped, redacted bodies when asked", async () => {
  const bytes = await Deno.readFile(new URL("messages-stream-text.sse", DIR));
  await withMock((req) => sse(bytes, req), async (mock) => {
    const { app, records } = proxy(config(mock.url, ANTHROPIC, { log: { bodies: true } }));
    const text = JSON.stringify(ask({ system: `remember ${KEY}` }));
    await (await app.request(post(text))).arrayBuffer();
    const bodies = records[0]?.bodies;
    assert.equal(bodies?.response, decoder.decode(bytes));
    assert.equal(bodies?.upstream, bodies?.client);
    assert.doesNotMatch(bodies?.client ?? "", new RegExp(KEY));
    assert.match(bodies?.client ?? "", /remember \[REDACTED\]/);
  });
});

Deno.test("anthropicPassthrough keeps the provider key out of a wrapped error", async () => {
  await withMock(
    () =>
      new Response(`bad key ${KEY}`, { status: 401, headers: { "content-type": "text/plain" } }),
    async (mock) => {
      const { app, records } = proxy(config(mock.url, ANTHROPIC));
      const response = await app.request(post(ask()));
      assert.equal(response.status, 401);
      const body = await response.json();
      assert.equal(body.error.type, "authentication_error");
      assert.doesNotMatch(body.error.message, new RegExp(KEY));
      assert.doesNotMatch(records[0]?.error_message ?? "", new RegExp(KEY));
    },
  );
});

Deno.test("anthropicPassthrough reports a mapped model under the name the client asked for", async () => {
  const { bytes, json, handler } = await streamThenMessage("messages-stream-text-sonnet-4-5.sse");
  await withMock(
    handler,
    async (mock) => {
      const { app } = proxy(
        config(mock.url, ANTHROPIC, { models: { "*opus*": "claude-sonnet-4-5" } }),
      );
      const text = await collectText(
        (await app.request(post(ask({ model: "claude-opus-4-8" })))).body!,
      );
      assert.match(text, /"message":\{"model":"claude-opus-4-8",/);
      assert.equal(
        text.length,
        decoder.decode(bytes).length - "claude-sonnet-4-5-20250929".length +
          "claude-opus-4-8".length,
      );
      const message =
        await (await app.request(post(ask({ model: "claude-opus-4-8", stream: false })))).text();
      // Only the model's characters change: the answer is not re-serialised.
      assert.equal(
        message,
        json.replace('"model":"claude-3-opus-20240229"', '"model":"claude-opus-4-8"'),
      );
      assert.notEqual(message, json);
      assert.equal(mock.requests[1]?.json<{ model: string }>().model, "claude-sonnet-4-5");
    },
  );
});

Deno.test("anthropicPassthrough cancels the upstream when the client goes away mid-stream", async () => {
  const bytes = await Deno.readFile(new URL("messages-stream-text.sse", DIR));
  const head = decoder.decode(bytes).split("\n\n").slice(0, 3).join("\n\n") + "\n\n";
  await withMock(
    (req) =>
      streamResponse([head], {
        end: "hang",
        signal: req.signal,
        headers: { "content-type": "text/event-stream" },
      }),
    async (mock) => {
      const { app, records } = proxy(config(mock.url, ANTHROPIC));
      const response = await app.request(post(ask()));
      const reader = response.body!.getReader();
      const first = await reader.read();
      assert.match(decoder.decode(first.value), /message_start/);
      await reader.cancel();
      await mock.requests[0]!.disconnected;
      assert.equal(records[0]?.error_type, "client_closed");
    },
  );
});
