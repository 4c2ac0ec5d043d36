// The request lifecycle: the record opened as a request arrives, told to the logger and observers,
// and written once: at once for a whole answer, at the stream's end for a streamed one.
import assert from "node:assert/strict";
import type { RequestLogger, RequestLogRecord } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import type { AppDeps, RequestObserver } from "../../src/server/deps.ts";
import { testConfig } from "../helpers/proxy.ts";

const REQUEST = {
  model: "claude-test",
  max_tokens: 64,
  messages: [{ role: "user", content: "hi" }],
};

function completion(text: string) {
  return {
    id: "c1",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 7, completion_tokens: 3 },
  };
}

/** An app whose upstream is `fetch`, with every lifecycle call recorded in order. */
function lifecycleApp(upstream: typeof fetch) {
  const calls: string[] = [];
  const written: RequestLogRecord[] = [];
  const logger: RequestLogger = {
    started: (record) => calls.push(`logger.started ${record.id} status=${record.status}`),
    write: (record) => {
      calls.push(`logger.write ${record.id} status=${record.status}`);
      written.push(structuredClone(record));
    },
    close: () => Promise.resolve(),
  };
  const observer: RequestObserver = {
    started: (record) => calls.push(`observer.started ${record.id} model=${record.model}`),
    finished: (record) => calls.push(`observer.finished ${record.id} model=${record.model}`),
  };
  let ids = 0;
  const deps: AppDeps = {
    config: testConfig("http://upstream.test"),
    logger,
    observers: [observer],
    fetch: upstream,
    now: () => 1_000 + ids,
    newId: (prefix) => `${prefix}${++ids}`,
  };
  return { app: createApp(deps), calls, written };
}

function post(body: unknown, init: RequestInit = {}) {
  return new Request("http://localhost/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "lifecycle-test" },
    body: JSON.stringify(body),
    ...init,
  });
}

Deno.test("the lifecycle tells the logger and observers as a request starts, and writes its record once", async () => {
  const { app, calls, written } = lifecycleApp(() =>
    Promise.resolve(Response.json(completion("ok")))
  );
  const response = await app.request(post(REQUEST));
  assert.equal(response.status, 200);
  assert.equal((await response.json()).content[0].text, "ok");
  assert.deepEqual(calls, [
    "logger.started req_1 status=0",
    "observer.started req_1 model=undefined",
    "logger.write req_1 status=200",
    "observer.finished req_1 model=claude-test",
  ]);
  assert.equal(written.length, 1);
  const record = written[0]!;
  assert.equal(record.path, "/v1/messages");
  assert.equal(record.user_agent, "lifecycle-test");
  assert.equal(record.provider, "custom");
  assert.equal(record.input_tokens, 7);
  assert.equal(record.output_tokens, 3);
  assert.equal(record.stop_reason, "end_turn");
  assert.equal(record.retries, 0);
  assert.equal(typeof record.ttfb_ms, "number");
});

Deno.test("the lifecycle writes a streamed answer's record when the stream ends, with its usage", async () => {
  const chunks = [
    { id: "c1", choices: [{ index: 0, delta: { content: "hel" }, finish_reason: null }] },
    { id: "c1", choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }] },
    { id: "c1", choices: [], usage: { prompt_tokens: 11, completion_tokens: 2 } },
  ];
  const sse = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
  const { app, calls, written } = lifecycleApp(() =>
    Promise.resolve(new Response(sse, { headers: { "content-type": "text/event-stream" } }))
  );
  const response = await app.request(post({ ...REQUEST, stream: true }));
  assert.equal(response.status, 200);
  assert.equal(written.length, 0, "nothing is written while the stream is unread");
  const text = await response.text();
  assert.match(text, /event: message_stop/);
  assert.equal(written.length, 1);
  assert.equal(written[0]?.status, 200);
  assert.equal(written[0]?.stream, true);
  assert.equal(written[0]?.input_tokens, 11);
  assert.equal(written[0]?.output_tokens, 2);
  assert.equal(calls.filter((call) => call.startsWith("logger.write")).length, 1);
});

Deno.test("the lifecycle logs a thrown error with the status and type the client got", async () => {
  const { app, written } = lifecycleApp(() =>
    Promise.resolve(Response.json({ error: { message: "slow down" } }, { status: 429 }))
  );
  const response = await app.request(post(REQUEST));
  assert.equal(response.status, 429);
  const body = await response.json();
  assert.equal(body.error.type, "rate_limit_error");
  assert.equal(written.length, 1);
  assert.equal(written[0]?.status, 429);
  assert.equal(written[0]?.error_type, "rate_limit_error");
  assert.equal(written[0]?.error_message, body.error.message);
});

Deno.test("a request whose client goes away before the answer is logged as 499 client_closed", async () => {
  const client = new AbortController();
  let upstreamAsked: () => void = () => {};
  const asked = new Promise<void>((resolve) => upstreamAsked = resolve);
  // The upstream answers only when its request is aborted, as a hung provider would.
  const { app, written } = lifecycleApp((_url, init) => {
    upstreamAsked();
    return new Promise((_resolve, reject) => {
      const signal = init?.signal;
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  });
  const pending = app.request(post(REQUEST, { signal: client.signal }));
  await asked;
  client.abort();
  const response = await pending;
  assert.equal(response.status, 499);
  assert.equal(response.body, null);
  assert.equal(written.length, 1);
  assert.equal(written[0]?.status, 499);
  assert.equal(written[0]?.error_type, "client_closed");
});

Deno.test("a malformed body is logged once with its 400, before any route is known", async () => {
  const { app, written } = lifecycleApp(() => Promise.reject(new Error("never called")));
  const response = await app.request(
    new Request("http://localhost/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    }),
  );
  assert.equal(response.status, 400);
  assert.equal(written.length, 1);
  assert.equal(written[0]?.status, 400);
  assert.equal(written[0]?.error_type, "invalid_request_error");
  assert.equal(written[0]?.model, undefined);
});
