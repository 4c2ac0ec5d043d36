// Tests for the Gemini route handler, called without Hono: streams, whole answers, errors, the log.
import assert from "node:assert/strict";
import { UpstreamError } from "../../src/errors.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { resolveRoute } from "../../src/routing/route.ts";
import type { AppDeps } from "../../src/server/deps.ts";
import { geminiMessages, type GeminiRouteLog } from "../../src/server/gemini.ts";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { parseAnthropicSse } from "../helpers/streams.ts";
import { testConfig } from "../helpers/proxy.ts";

const KEY = "AIza-handler-secret-key";

/** A handler context whose upstream `fetch` answers with `answer`; records what the log got. */
function setup(
  answer: (url: string, init: RequestInit) => Response,
  body: Partial<MessagesRequest> = {},
) {
  const config = testConfig("http://gemini.test", {
    provider: { name: "gemini", base_url: "http://gemini.test", api_key: KEY, format: "gemini" },
    models: { "*": "gemini-2.5-flash" },
    log: { bodies: true },
  });
  const calls: Array<{ url: string; init: RequestInit }> = [];
  let n = 0;
  const deps: AppDeps = {
    config,
    logger: { write: () => {}, close: () => Promise.resolve() },
    now: () => Date.now(),
    newId: (prefix) => `${prefix}${++n}`,
    fetch: (input, init) => {
      calls.push({ url: String(input), init: init ?? {} });
      return Promise.resolve(answer(String(input), init ?? {}));
    },
  };
  const request: MessagesRequest = {
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    messages: [{ role: "user", content: "Hi" }],
    ...body,
  };
  const record: RequestLogRecord = {
    time: new Date().toISOString(),
    id: "req_1",
    method: "POST",
    path: "/v1/messages",
    status: 0,
    total_ms: 0,
  };
  const finished: Array<{ status: number; extra: Partial<RequestLogRecord> }> = [];
  const bodies: Record<string, string> = {};
  const log: GeminiRouteLog = {
    record,
    finish: (status, extra = {}) => finished.push({ status, extra }),
    bodies: { set: (name, text) => (bodies[name] = text), tap: () => new TransformStream() },
  };
  const ctx = {
    deps,
    body: request,
    text: JSON.stringify(request),
    route: resolveRoute(config, request.model),
    log,
  };
  const client = new Request("http://proxy.test/v1/messages", { method: "POST" });
  return { ctx, client, calls, finished, bodies, record };
}

const SSE = [
  { candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }] },
  {
    candidates: [{ content: { role: "model", parts: [{ text: "lo" }] }, finishReason: "STOP" }],
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2 },
  },
].map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join("");

Deno.test("geminiMessages streams the translated answer and logs it when the stream ends", async () => {
  const { ctx, client, calls, finished, record } = setup(
    () => new Response(SSE, { headers: { "content-type": "text/event-stream" } }),
    { stream: true },
  );
  const response = await geminiMessages(client, ctx);
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(finished.length, 0, "the record waits for the end of the stream");
  const events = parseAnthropicSse(await response.text());
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  assert.deepEqual(finished, [{
    status: 200,
    extra: { stop_reason: "end_turn", input_tokens: 9, output_tokens: 2 },
  }]);
  assert.equal(
    calls[0]!.url,
    "http://gemini.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
  );
  assert.equal(new Headers(calls[0]!.init.headers).get("x-goog-api-key"), KEY);
  assert.equal(record.retries, 0);
  assert.equal(typeof record.ttfb_ms, "number");
});

Deno.test("geminiMessages answers a client that streams with events when Gemini answers whole", async () => {
  const whole = {
    candidates: [{
      content: { role: "model", parts: [{ text: "Hi there" }] },
      finishReason: "STOP",
    }],
  };
  const { ctx, client, bodies } = setup(() => Response.json(whole), { stream: true });
  const response = await geminiMessages(client, ctx);
  const events = parseAnthropicSse(await response.text());
  assert.equal(events.at(-1)?.type, "message_stop");
  assert.deepEqual(Object.keys(bodies).sort(), ["client", "response", "upstream"]);
  assert.match(bodies.upstream!, /"contents":\[\{"role":"user","parts":\[\{"text":"Hi"\}\]\}\]/);
});

Deno.test("geminiMessages renders Gemini's error with retry-after and without the key", async () => {
  const body = {
    error: {
      code: 429,
      message: `Quota exceeded for key ${KEY}.`,
      status: "RESOURCE_EXHAUSTED",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "4s" }],
    },
  };
  const { ctx, client, finished } = setup(() => Response.json(body, { status: 429 }));
  const response = await geminiMessages(client, ctx);
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "4");
  const json = await response.json();
  assert.equal(json.error.type, "rate_limit_error");
  assert.doesNotMatch(json.error.message, new RegExp(KEY));
  assert.equal(finished[0]?.status, 429);
  assert.equal(finished[0]?.extra.error_type, "rate_limit_error");
});

Deno.test("geminiMessages throws a 502 for a 200 that carries an error or is not JSON", async () => {
  for (const text of ['{"error":{"code":500,"message":"boom"}}', "<html>oops</html>"]) {
    const { ctx, client } = setup(() => new Response(text, { status: 200 }));
    await assert.rejects(geminiMessages(client, ctx), (err: unknown) => {
      assert.ok(err instanceof UpstreamError, String(err));
      assert.equal(err.status, 502);
      return true;
    });
  }
});
