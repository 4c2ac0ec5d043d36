// The messages route against a scripted upstream: faults, odd answers, model options and cancellation.
import assert from "node:assert/strict";
import type { FileConfig } from "../../src/config/validate.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import {
  jsonResponse,
  type MockStep,
  startMockUpstream,
  streamResponse,
} from "../helpers/mock_upstream.ts";
import { startProxy, testConfig } from "../helpers/proxy.ts";

const REQUEST = {
  model: "claude-test",
  max_tokens: 64000,
  messages: [{ role: "user", content: "hi" }],
};

function chunk(delta: unknown, finish: string | null = null) {
  return { id: "c1", choices: [{ index: 0, delta, finish_reason: finish }] };
}

async function withProxy(
  script:
    | MockStep[]
    | ((
      req: import("../helpers/mock_upstream.ts").RecordedRequest,
      n: number,
    ) => Response | Promise<Response>),
  file: FileConfig,
  fn: (ctx: {
    post: (body: unknown, init?: RequestInit) => Promise<Response>;
    mock: Awaited<ReturnType<typeof startMockUpstream>>;
    proxy: ReturnType<typeof startProxy>;
  }) => Promise<void>,
) {
  const mock = await startMockUpstream(script);
  const proxy = startProxy(testConfig(mock.url, file));
  const post = (body: unknown, init: RequestInit = {}) =>
    fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      ...init,
    });
  try {
    await fn({ post, mock, proxy });
  } finally {
    await proxy.close();
    await mock.close();
  }
}

async function errorOf(response: Response) {
  const body = await response.json();
  assert.equal(body.type, "error");
  return body.error as { type: string; message: string };
}

Deno.test("messages answers an upstream HTML 502 page with an Anthropic api_error", async () => {
  await withProxy(
    [
      () =>
        new Response("<html><body>502 Bad Gateway</body></html>", {
          status: 502,
          headers: { "content-type": "text/html" },
        }),
    ],
    {},
    async ({ post }) => {
      const response = await post(REQUEST);
      assert.equal(response.status, 502);
      const error = await errorOf(response);
      assert.equal(error.type, "api_error");
      assert.match(error.message, /502 Bad Gateway/);
    },
  );
});

Deno.test("messages answers a 200 with invalid JSON with a clear 502", async () => {
  await withProxy([() => new Response('{"choices": [', { status: 200 })], {}, async ({ post }) => {
    const response = await post(REQUEST);
    assert.equal(response.status, 502);
    const error = await errorOf(response);
    assert.equal(error.type, "api_error");
    assert.match(error.message, /invalid JSON/);
  });
});

Deno.test("messages answers a 200 whose JSON is not a well-formed completion with a clear 502", async () => {
  const answers: Array<[unknown, RegExp]> = [
    [null, /not an object instead of a completion: null/],
    [[1, 2], /not an object instead of a completion: \[1,2\]/],
    [
      { choices: [{ message: { tool_calls: { name: "Read" } } }] },
      /malformed completion: choices\.0\.message\.tool_calls: expected an array/,
    ],
    [
      {
        choices: [{ message: { tool_calls: [{ function: { name: ["Read"], arguments: "{}" } }] } }],
      },
      /malformed completion: choices\.0\.message\.tool_calls\.0\.function\.name: expected a string/,
    ],
  ];
  for (const [answer, pattern] of answers) {
    // The plain translation and the tool_call_repair quirk both read tool calls.
    for (const quirks of [[], ["tool_call_repair"]]) {
      const base = { name: "custom", api_key: "sk-test-secret-key-123456", quirks };
      const mock = await startMockUpstream([() => jsonResponse(answer)]);
      const proxy = startProxy(testConfig(mock.url, { provider: { ...base, base_url: mock.url } }));
      try {
        const response = await fetch(`${proxy.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(REQUEST),
        });
        assert.equal(response.status, 502, JSON.stringify(answer));
        const error = await errorOf(response);
        assert.equal(error.type, "api_error");
        assert.match(error.message, pattern);
      } finally {
        await proxy.close();
        await mock.close();
      }
    }
  }
});

Deno.test("messages answers a 200 carrying an error body as an error, not an empty message", async () => {
  await withProxy(
    [
      () => jsonResponse({ error: { message: "Model is overloaded, try later", code: 503 } }),
    ],
    {},
    async ({ post }) => {
      const response = await post(REQUEST);
      assert.equal(response.status, 502);
      assert.match((await errorOf(response)).message, /Model is overloaded/);
    },
  );
});

Deno.test("messages retries a 429 with Retry-After and then succeeds", async () => {
  await withProxy(
    [
      () => jsonResponse({ error: { message: "slow down" } }, 429, { "retry-after": "0" }),
      () => jsonResponse({ choices: [{ message: { content: "hello" }, finish_reason: "stop" }] }),
    ],
    { upstream: { retries: 1 } },
    async ({ post, mock, proxy }) => {
      const response = await post(REQUEST);
      assert.equal(response.status, 200);
      assert.equal((await response.json()).content[0].text, "hello");
      assert.equal(mock.requests.length, 2);
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record?.retries, 1);
    },
  );
});

Deno.test("messages maps upstream 429 after the last try to rate_limit_error with its message", async () => {
  await withProxy(
    [
      () => jsonResponse({ error: { message: "Rate limit reached for gpt-4o" } }, 429),
    ],
    { upstream: { retries: 0 } },
    async ({ post }) => {
      const response = await post(REQUEST);
      assert.equal(response.status, 429);
      const error = await errorOf(response);
      assert.equal(error.type, "rate_limit_error");
      assert.match(error.message, /Rate limit reached for gpt-4o/);
    },
  );
});

Deno.test("messages streams an error event when the upstream stream breaks after the first byte", async () => {
  await withProxy(
    [
      (req) =>
        streamResponse([`data: ${JSON.stringify(chunk({ content: "partial" }))}\n\n`], {
          end: "reset",
          signal: req.signal,
          headers: { "content-type": "text/event-stream" },
        }),
    ],
    {},
    async ({ post }) => {
      const response = await post({ ...REQUEST, stream: true });
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.match(text, /"text":"partial"/);
      assert.match(
        text,
        /event: error\ndata: \{"type":"error","error":\{"type":"(api_error|overloaded_error)"/,
      );
      assert.doesNotMatch(text, /"stop_reason":"end_turn"/);
      assert.doesNotMatch(text, /event: message_stop/);
    },
  );
});

Deno.test("messages streams an error event when the upstream sends garbage and ends without finishing", async () => {
  await withProxy(
    [
      (req) =>
        streamResponse(["data: {not json\n\n", "data: still not json\n\n"], {
          signal: req.signal,
          headers: { "content-type": "text/event-stream" },
        }),
    ],
    {},
    async ({ post, proxy }) => {
      const response = await post({ ...REQUEST, stream: true });
      const text = await response.text();
      assert.match(text, /event: error/);
      assert.doesNotMatch(text, /event: message_stop/);
      const [record] = await proxy.waitForRecords(1);
      assert.ok(record?.error_type, "the log records the stream error");
    },
  );
});

Deno.test("messages turns a JSON answer to a streaming request into a valid event stream", async () => {
  await withProxy(
    [
      () =>
        jsonResponse({
          choices: [{ message: { content: "not streamed" }, finish_reason: "stop" }],
        }),
    ],
    {},
    async ({ post }) => {
      const response = await post({ ...REQUEST, stream: true });
      assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
      const text = await response.text();
      const types = [...text.matchAll(/^event: (\w+)/gm)].map((m) => m[1]);
      assert.deepEqual(types, [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ]);
      assert.match(text, /not streamed/);
    },
  );
});

Deno.test("messages caps max_tokens and applies [params] drop from the config", async () => {
  await withProxy([
    () => jsonResponse({ choices: [{ message: { content: "ok" }, finish_reason: "stop" }] }),
  ], {
    models: { "*": "deepseek-chat" },
    model_options: { "deepseek-chat": { max_tokens: 8192 } },
    params: { drop: ["user", "temperature"] },
  }, async ({ post, mock, proxy }) => {
    const response = await post({ ...REQUEST, temperature: 0.2, metadata: { user_id: "u1" } });
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const sent = mock.requests[0]!.json<ChatCompletionRequest>();
    assert.equal(sent.max_tokens, 8192);
    assert.equal(sent.temperature, undefined);
    assert.equal(sent.user, undefined);
    const [record] = await proxy.waitForRecords(1);
    assert.ok(
      record?.changes?.some((c) => /capped 64000 → 8192/.test(c)),
      JSON.stringify(record?.changes),
    );
  });
});

Deno.test("messages refuses images with a 400 for a model configured without images", async () => {
  await withProxy([], {
    models: { "*": "text-only" },
    model_options: { "text-only": { images: false } },
  }, async ({ post, mock }) => {
    const response = await post({
      ...REQUEST,
      messages: [{
        role: "user",
        content: [{
          type: "image",
          source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
        }],
      }],
    });
    assert.equal(response.status, 400);
    assert.match(
      (await errorOf(response)).message,
      /messages\.0\.content\.0: model "text-only" does not accept images/,
    );
    assert.equal(mock.requests.length, 0, "nothing was sent upstream");
  });
});

Deno.test("messages aborts the upstream request within 100 ms when the client goes away", async () => {
  let arrived!: () => void;
  const upstreamArrived = new Promise<void>((resolve) => (arrived = resolve));
  await withProxy(
    (req) => {
      arrived();
      return streamResponse([`data: ${JSON.stringify(chunk({ content: "a" }))}\n\n`], {
        end: "hang",
        signal: req.signal,
        headers: { "content-type": "text/event-stream" },
      });
    },
    {},
    async ({ post, mock }) => {
      const client = new AbortController();
      const response = await post({ ...REQUEST, stream: true }, { signal: client.signal });
      const reader = response.body!.getReader();
      await reader.read();
      await upstreamArrived;
      const abortedAt = performance.now();
      client.abort();
      await reader.cancel().catch(() => {});
      await mock.requests[0]!.disconnected;
      const elapsed = mock.requests[0]!.abortedAt! - abortedAt;
      assert.ok(elapsed < 100, `upstream aborted after ${elapsed.toFixed(1)} ms`);
    },
  );
});

Deno.test("messages aborts a slow upstream request when the client goes away before any answer", async () => {
  let arrived!: () => void;
  const upstreamArrived = new Promise<void>((resolve) => (arrived = resolve));
  await withProxy(
    async (req) => {
      arrived();
      await req.disconnected;
      return new Response("late");
    },
    {},
    async ({ post, mock, proxy }) => {
      const client = new AbortController();
      const pending = post(REQUEST, { signal: client.signal }).catch((err) => err);
      await upstreamArrived;
      client.abort();
      await pending;
      await mock.requests[0]!.disconnected;
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record?.status, 499);
      assert.equal(record?.error_type, "client_closed");
    },
  );
});

Deno.test("messages forwards the client's own key upstream for a provider with api_key_from = client", async () => {
  await withProxy(
    [
      () => jsonResponse({ choices: [{ message: { content: "ok" }, finish_reason: "stop" }] }),
    ],
    {},
    async ({ mock, proxy }) => {
      proxy.config.providers.custom!.apiKeyFrom = "client";
      const response = await fetch(`${proxy.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "sk-client-own-key-42" },
        body: JSON.stringify(REQUEST),
      });
      assert.equal(response.status, 200);
      await response.body?.cancel();
      assert.equal(mock.requests[0]!.headers.authorization, "Bearer sk-client-own-key-42");
      const missing = await fetch(`${proxy.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(REQUEST),
      });
      assert.equal(missing.status, 401);
      assert.equal((await errorOf(missing)).type, "authentication_error");
      assert.equal(mock.requests.length, 1, "no request without a key");
    },
  );
});

Deno.test("messages answers 504 naming the idle timeout when a non-streaming answer stalls", async () => {
  await withProxy(
    (req) =>
      streamResponse(['{"id":"chatcmpl-1","choices":['], {
        end: "hang",
        signal: req.signal,
        headers: { "content-type": "application/json" },
      }),
    { upstream: { retries: 0, idle_timeout_ms: 200 } },
    async ({ post, mock }) => {
      const response = await post(REQUEST);
      assert.equal(response.status, 504);
      const error = await errorOf(response);
      assert.equal(error.type, "timeout_error");
      assert.match(error.message, /idle timeout/);
      await mock.requests[0]!.disconnected;
    },
  );
});

Deno.test("messages names the first-byte timeout when the upstream never answers", async () => {
  await withProxy(
    async (req) => {
      await req.disconnected;
      return new Response("late");
    },
    { upstream: { retries: 0, first_byte_timeout_ms: 200 } },
    async ({ post }) => {
      const response = await post(REQUEST);
      assert.equal(response.status, 504);
      const error = await errorOf(response);
      assert.equal(error.type, "timeout_error");
      assert.match(error.message, /first-byte timeout/);
    },
  );
});

Deno.test("messages streams a timeout error naming the idle timeout when the upstream stalls mid-stream", async () => {
  await withProxy(
    (req) =>
      streamResponse([`data: ${JSON.stringify(chunk({ content: "a" }))}\n\n`], {
        end: "hang",
        signal: req.signal,
        headers: { "content-type": "text/event-stream" },
      }),
    { upstream: { retries: 0, idle_timeout_ms: 200 } },
    async ({ post }) => {
      const response = await post({ ...REQUEST, stream: true });
      const text = await response.text();
      assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"timeout_error"/);
      assert.match(text, /idle timeout/);
    },
  );
});

/** The `error` event a translated stream ended with, and the log record's error fields. */
async function streamError(post: (body: unknown) => Promise<Response>) {
  const text = await (await post({ ...REQUEST, stream: true })).text();
  const data = text.match(/event: error\ndata: (.*)\n\n$/)?.[1];
  assert.ok(data, text);
  return JSON.parse(data).error as { type: string; message: string };
}

Deno.test("messages names a stream broken mid-way once: Upstream stream failed: <reason>", async () => {
  await withProxy(
    (req) =>
      streamResponse([`data: ${JSON.stringify(chunk({ content: "a" }))}\n\n`], {
        end: "reset",
        signal: req.signal,
        headers: { "content-type": "text/event-stream" },
      }),
    { upstream: { retries: 0 } },
    async ({ post, proxy }) => {
      const error = await streamError(post);
      assert.equal(error.type, "api_error");
      assert.match(error.message, /^Upstream stream failed: \S/);
      assert.equal(error.message.split("Upstream stream failed").length, 2, error.message);
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record?.error_message, error.message);
    },
  );
});

Deno.test("messages ends a stalled stream with the idle timeout's own message, unprefixed", async () => {
  await withProxy(
    (req) =>
      streamResponse([`data: ${JSON.stringify(chunk({ content: "a" }))}\n\n`], {
        end: "hang",
        signal: req.signal,
        headers: { "content-type": "text/event-stream" },
      }),
    { upstream: { retries: 0, idle_timeout_ms: 200 } },
    async ({ post }) => {
      assert.deepEqual(await streamError(post), {
        type: "timeout_error",
        message: "Upstream stream was idle for 0.2 s (idle timeout)",
      });
    },
  );
});

Deno.test("messages answers 504 naming deadline_ms when no try answered before the deadline", async () => {
  await withProxy(
    [
      () => jsonResponse({ error: { message: "busy" } }, 503, { "retry-after-ms": "0" }),
      async (req) => {
        await req.disconnected;
        return new Response("late");
      },
    ],
    { upstream: { retries: 5, first_byte_timeout_ms: 200, deadline_ms: 200 } },
    async ({ post, mock, proxy }) => {
      const response = await post(REQUEST);
      assert.equal(response.status, 504);
      const error = await errorOf(response);
      assert.equal(error.type, "timeout_error");
      assert.match(error.message, /^Upstream did not start answering within 0\.2 s \(2 tries/);
      assert.match(error.message, /raise \[upstream\] deadline_ms/);
      assert.equal(mock.requests.length, 2);
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record?.status, 504);
    },
  );
});
