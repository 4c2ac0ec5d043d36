import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { configSecrets, randomId } from "../../src/server/deps.ts";
import { UpstreamError } from "../../src/errors.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import { startMockUpstream, streamResponse } from "../helpers/mock_upstream.ts";
import { testConfig } from "../helpers/proxy.ts";
import { collectText } from "../helpers/streams.ts";

Deno.test("configSecrets lists provider keys, the proxy token and the web search key", () => {
  const config = resolveConfig({
    cli: {},
    env: { DEEPSEEK_API_KEY: "sk-provider", TAVILY_API_KEY: "tvly-search" },
    file: {
      provider: { name: "deepseek" },
      auth_token: "proxy-token",
      web_search: { backend: "tavily" },
    },
    source: "c.toml",
  });
  assert.deepEqual(configSecrets(config), ["sk-provider", "proxy-token", "tvly-search"]);
});

Deno.test("configSecrets leaves out a web search backend without a key", () => {
  const config = resolveConfig({
    cli: {},
    env: { DEEPSEEK_API_KEY: "sk-provider" },
    file: {
      provider: { name: "deepseek" },
      web_search: { backend: "searxng", base_url: "http://127.0.0.1:8888" },
    },
    source: "c.toml",
  });
  assert.deepEqual(configSecrets(config), ["sk-provider"]);
});

/** An app in front of `upstreamUrl` (format `format`) with a shutdown signal, and its records. */
function appWithShutdown(upstreamUrl: string, format: "openai" | "anthropic") {
  const cut = new AbortController();
  const records: RequestLogRecord[] = [];
  const waiters: Array<() => void> = [];
  const app = createApp({
    config: testConfig(upstreamUrl, {
      provider: { name: "custom", base_url: upstreamUrl, api_key: "sk-test-1234567890", format },
    }),
    logger: {
      write: (record) => {
        records.push(record);
        waiters.splice(0).forEach((wake) => wake());
      },
      close: () => Promise.resolve(),
    },
    now: () => Date.now(),
    newId: randomId,
    shutdown: cut.signal,
  });
  const logged = () =>
    records.length > 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r));
  return { app, records, logged, cut };
}

/** `promise`, or a rejection after 10 s: a guard against what would hang, not a measure. */
function unlessStuck<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Waited 10 s for ${what}`)), 10_000);
  });
  return Promise.race([promise, stuck]).finally(() => clearTimeout(timer));
}

const SHUTTING_DOWN = new UpstreamError(529, "overloaded_error", "Proxy shutting down");

function ask(stream: boolean) {
  return new Request("http://localhost/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 10,
      stream,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
}

Deno.test("upstreamOptions ends an open passthrough stream with the shutdown's overloaded_error, logged", async () => {
  const start = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1",' +
    '"type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,' +
    '"usage":{"input_tokens":1,"output_tokens":0}}}\n\n';
  let reached!: () => void;
  const upstreamReached = new Promise<void>((resolve) => (reached = resolve));
  const mock = await startMockUpstream((req) => {
    reached();
    return streamResponse([start], {
      end: "hang",
      signal: req.signal,
      headers: { "content-type": "text/event-stream" },
    });
  });
  try {
    const { app, records, logged, cut } = appWithShutdown(mock.url, "anthropic");
    const response = await app.request(ask(true));
    await upstreamReached;
    const text = collectText(response.body!);
    cut.abort(SHUTTING_DOWN);
    const out = await unlessStuck(text, "the stream to end");
    assert.ok(out.startsWith(start));
    assert.ok(
      out.endsWith(
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error",' +
          '"message":"Proxy shutting down"}}\n\n',
      ),
      out,
    );
    await logged();
    assert.equal(records[0]?.error_type, "overloaded_error");
    assert.equal(records[0]?.error_message, "Proxy shutting down");
  } finally {
    await mock.close();
  }
});

Deno.test("upstreamOptions answers a request still waiting for the provider with 529 at shutdown", async () => {
  let reached!: () => void;
  const upstreamReached = new Promise<void>((resolve) => (reached = resolve));
  const mock = await startMockUpstream(async (req) => {
    reached();
    await req.disconnected;
    return new Response(null, { status: 500 });
  });
  try {
    const { app, records, cut } = appWithShutdown(mock.url, "openai");
    const answer = Promise.resolve(app.request(ask(false)));
    await upstreamReached;
    cut.abort(SHUTTING_DOWN);
    const response = await unlessStuck(answer, "an answer");
    assert.equal(response.status, 529);
    assert.deepEqual((await response.json()).error, {
      type: "overloaded_error",
      message: "Proxy shutting down",
    });
    assert.equal(records[0]?.status, 529);
  } finally {
    await mock.close();
  }
});
