// The request guard in-process: origins, Host names, content types, the /metrics token and CORS.
import assert from "node:assert/strict";
import type { FileConfig } from "../../src/config/validate.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { Metrics } from "../../src/log/metrics.ts";
import { createApp } from "../../src/server/app.ts";
import { randomId } from "../../src/server/deps.ts";
import { jsonResponse, startMockUpstream } from "../helpers/mock_upstream.ts";
import { testConfig, withProxyStack } from "../helpers/proxy.ts";

const COMPLETION = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 0,
  model: "gpt-4o",
  choices: [{
    index: 0,
    message: { role: "assistant", content: "pong" },
    finish_reason: "stop",
  }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

const ASK = JSON.stringify({
  model: "claude-sonnet-4-5",
  max_tokens: 16,
  messages: [{ role: "user", content: "ping" }],
});

/** The app in front of `upstreamUrl` (unreachable by default), with its log records. */
function guarded(file: FileConfig = {}, upstreamUrl = "http://127.0.0.1:9") {
  const records: RequestLogRecord[] = [];
  const app = createApp({
    config: testConfig(upstreamUrl, file),
    logger: { write: (record) => records.push(record), close: () => Promise.resolve() },
    metrics: new Metrics(),
    now: () => Date.now(),
    newId: randomId,
  });
  return { app, records };
}

function request(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  const method = init.method ?? "POST";
  return new Request(url, {
    method,
    headers: { "content-type": "application/json", ...init.headers },
    ...(method === "POST" ? { body: ASK } : {}),
  });
}

async function refusal(response: Response) {
  const body = await response.json();
  assert.equal(body.type, "error");
  return body.error as { type: string; message: string };
}

Deno.test("requestGuard refuses a cross-origin text/plain POST before it reaches the provider", async () => {
  const mock = await startMockUpstream(() => jsonResponse(COMPLETION));
  try {
    const { app, records } = guarded({ log: { bodies: true } }, mock.url);
    // What a page's fetch() sends with a string body: a "simple request", no preflight.
    const response = await app.request(request("http://127.0.0.1:4222/v1/messages", {
      headers: { origin: "https://evil.example", "content-type": "text/plain;charset=UTF-8" },
    }));
    assert.equal(response.status, 403);
    const error = await refusal(response);
    assert.equal(error.type, "permission_error");
    assert.equal(
      error.message,
      'Requests from web pages are refused: origin "https://evil.example" is not in ' +
        "allowed_origins (add it there to let that page use the proxy, and your provider keys)",
    );
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.equal(mock.requests.length, 0);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.status, 403);
    assert.equal(records[0]?.error_type, "permission_error");
    assert.equal(records[0]?.path, "/v1/messages");
    assert.equal(records[0]?.bodies?.client, undefined, "the refused body is not logged");
  } finally {
    await mock.close();
  }
});

Deno.test("requestGuard refuses any Origin not on allowed_origins, on every route", async () => {
  const { app, records } = guarded({ allowed_origins: ["http://localhost:3000"] });
  for (const origin of ["null", "http://localhost:3001", "http://localhost:3000/", "HTTP://x"]) {
    for (const path of ["/v1/models", "/health", "/metrics", "/"]) {
      const response = await app.request(
        request(`http://127.0.0.1:4222${path}`, { method: "GET", headers: { origin } }),
      );
      assert.equal(response.status, 403, `${origin} ${path}`);
      assert.equal((await refusal(response)).type, "permission_error");
    }
  }
  assert.equal(records.length, 16);
});

Deno.test("requestGuard refuses a DNS-rebinding Host and names allowed_hosts", async () => {
  const { app, records } = guarded();
  for (const path of ["/v1/messages", "/v1/models", "/metrics", "/health"]) {
    const method = path === "/v1/messages" ? "POST" : "GET";
    const response = await app.request(
      request(`http://evil.example:4222${path}`, { method }),
    );
    assert.equal(response.status, 403, path);
    const error = await refusal(response);
    assert.equal(error.type, "permission_error");
    assert.equal(
      error.message,
      'Host "evil.example:4222" is not an address of this proxy (it answers to localhost, ' +
        "127.0.0.1, [::1]): a web page reaching it under another name (DNS rebinding) is " +
        'refused; to use this name, add "evil.example" to allowed_hosts in the config file',
    );
  }
  assert.deepEqual(records.map((r) => r.status), [403, 403, 403, 403]);
});

Deno.test("requestGuard answers on the loopback names, the bound host and allowed_hosts", async () => {
  const { app } = guarded({ host: "127.0.0.2", allowed_hosts: ["proxy.lan"] });
  for (
    const host of ["127.0.0.1:4222", "localhost:4222", "[::1]:4222", "127.0.0.2", "PROXY.lan:80"]
  ) {
    const response = await app.request(
      request("http://127.0.0.1/health", { method: "GET", headers: { host } }),
    );
    assert.equal(response.status, 200, host);
    await response.body?.cancel();
  }
  for (const host of ["proxy.lan.evil.example", "localhost.evil.example", "10.0.0.1", ""]) {
    const response = await app.request(
      request("http://127.0.0.1/health", { method: "GET", headers: { host } }),
    );
    assert.equal(response.status, 403, host);
    await response.body?.cancel();
  }
});

Deno.test("requestGuard on 0.0.0.0 takes addresses and allowed_hosts, and any name with a token", async () => {
  const open = guarded({ host: "0.0.0.0" });
  for (const [host, status] of [["192.168.1.5:4222", 200], ["evil.example:4222", 403]] as const) {
    const response = await open.app.request(
      request("http://127.0.0.1/health", { method: "GET", headers: { host } }),
    );
    assert.equal(response.status, status, host);
    await response.body?.cancel();
  }
  const tokened = guarded({ host: "0.0.0.0", auth_token: "proxy-token-123" });
  const named = await tokened.app.request(
    request("http://box.lan:4222/health", { method: "GET" }),
  );
  assert.equal(named.status, 200);
  await named.body?.cancel();
  const models = await tokened.app.request(
    request("http://box.lan:4222/v1/models", { method: "GET" }),
  );
  assert.equal(models.status, 401, "the token still guards the API");
  await models.body?.cancel();
});

Deno.test("requestGuard answers a POST that is not JSON with 415 and says what to send", async () => {
  const { app, records } = guarded();
  const types: Array<string | undefined> = [
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json-seq",
    undefined,
  ];
  for (const type of types) {
    // Bytes, as a page's Blob or ArrayBuffer body: no Content-Type unless one is set.
    const body = new TextEncoder().encode(ASK);
    const headers: Record<string, string> = type === undefined ? {} : { "content-type": type };
    const sent = new Request("http://127.0.0.1:4222/v1/messages", {
      method: "POST",
      headers,
      body,
    });
    assert.equal(sent.headers.get("content-type"), type ?? null);
    const response = await app.request(sent);
    assert.equal(response.status, 415, String(type));
    const error = await refusal(response);
    assert.equal(error.type, "invalid_request_error");
    assert.match(error.message, /send Content-Type: application\/json/);
  }
  assert.equal(records.length, types.length);
  assert.ok(records.every((r) => r.status === 415 && r.error_type === "invalid_request_error"));
});

Deno.test("requestGuard lets application/json with parameters through", async () => {
  const mock = await startMockUpstream(() => jsonResponse(COMPLETION));
  try {
    const { app } = guarded({}, mock.url);
    const response = await app.request(request("http://127.0.0.1:4222/v1/messages", {
      headers: { "content-type": "Application/JSON; charset=utf-8" },
    }));
    assert.equal(response.status, 200);
    assert.equal((await response.json()).content[0].text, "pong");
  } finally {
    await mock.close();
  }
});

Deno.test("requestGuard lets Claude Code's recorded request through unchanged", async () => {
  const recorded = JSON.parse(
    await Deno.readTextFile(
      new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url),
    ),
  ) as { headers: Record<string, string>; body: unknown };
  const mock = await startMockUpstream(() => jsonResponse(COMPLETION));
  try {
    const { app } = guarded({}, mock.url);
    const headers: Record<string, string> = { ...recorded.headers, host: "127.0.0.1:4222" };
    delete headers["content-length"];
    assert.equal(headers["anthropic-dangerous-direct-browser-access"], "true");
    const body = { ...(recorded.body as Record<string, unknown>), stream: false };
    const response = await app.request(
      new Request("http://127.0.0.1:4222/v1/messages", {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      }),
    );
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.equal(mock.requests.length, 1);
  } finally {
    await mock.close();
  }
});

Deno.test("requestGuard requires the token on /metrics when auth_token is set", async () => {
  const { app, records } = guarded({ auth_token: "proxy-token-123" });
  const anonymous = await app.request("/metrics");
  assert.equal(anonymous.status, 401);
  assert.equal((await refusal(anonymous)).type, "authentication_error");
  const wrong = await app.request("/metrics", { headers: { "x-api-key": "nope" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const bearer = await app.request("/metrics", {
    headers: { authorization: "Bearer proxy-token-123" },
  });
  assert.equal(bearer.status, 200);
  assert.match(await bearer.text(), /claude_proxy_/);
  assert.deepEqual(records.map((r) => r.status), [401, 401]);
  const open = await guarded().app.request("/metrics");
  assert.equal(open.status, 200, "without auth_token /metrics stays open to local tools");
  await open.body?.cancel();
});

Deno.test("requestGuard answers no CORS preflight permissively", async () => {
  const { app } = guarded();
  const preflights = [
    { origin: "https://evil.example", "access-control-request-method": "POST" },
    { "access-control-request-method": "POST" },
    {},
  ];
  for (const headers of preflights) {
    const response = await app.request("/v1/messages", {
      method: "OPTIONS",
      headers: { ...headers, "access-control-request-headers": "content-type,x-api-key" },
    });
    assert.ok(response.status >= 400, `${JSON.stringify(headers)}: ${response.status}`);
    for (const [name] of response.headers) assert.doesNotMatch(name, /^access-control-/);
    await response.body?.cancel();
  }
});

Deno.test("requestGuard gives an allowed origin its own CORS answers, never *", async () => {
  const mock = await startMockUpstream(() => jsonResponse(COMPLETION));
  try {
    const origin = "http://localhost:3000";
    const { app } = guarded({ allowed_origins: [origin] }, mock.url);
    const preflight = await app.request("http://localhost:4222/v1/messages", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-api-key",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), origin);
    assert.equal(preflight.headers.get("access-control-allow-headers"), "content-type,x-api-key");
    assert.match(preflight.headers.get("vary") ?? "", /Origin/);
    const response = await app.request(
      request("http://localhost:4222/v1/messages", { headers: { origin } }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), origin);
    await response.body?.cancel();
    const failed = await app.request(request("http://localhost:4222/v1/nothing", {
      headers: { origin },
    }));
    assert.equal(failed.status, 404);
    assert.equal(failed.headers.get("access-control-allow-origin"), origin);
    await failed.body?.cancel();
  } finally {
    await mock.close();
  }
});

/** Sends one raw HTTP/1.1 request over TCP (any Host header) and returns status line and body. */
async function rawRequest(port: number, head: string[], body = ""): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const bytes = new TextEncoder().encode(body);
  const lines = [...head, `content-length: ${bytes.length}`, "connection: close", "", ""];
  await conn.write(new TextEncoder().encode(lines.join("\r\n")));
  await conn.write(bytes);
  const chunks: Uint8Array[] = [];
  for await (const chunk of conn.readable) chunks.push(chunk);
  return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
}

Deno.test("requestGuard over a socket refuses what a DNS-rebinding page sends, and serves localhost", async () => {
  await withProxyStack({
    upstream: () => jsonResponse(COMPLETION),
    config: (url) => testConfig(url),
  }, async ({ mock, proxy }) => {
    const port = Number(new URL(proxy.url).port);
    // After rebinding, the page is same-origin with evil.example: JSON needs no preflight.
    const rebound = await rawRequest(port, [
      "POST /v1/messages HTTP/1.1",
      `host: evil.example:${port}`,
      `origin: http://evil.example:${port}`,
      "content-type: application/json",
      "anthropic-dangerous-direct-browser-access: true",
      "anthropic-version: 2023-06-01",
    ], ASK);
    assert.match(rebound, /^HTTP\/1\.1 403 /);
    assert.match(rebound, /"type":"permission_error"/);
    assert.doesNotMatch(rebound, /access-control-allow/i);
    const models = await rawRequest(port, [
      "GET /v1/models HTTP/1.1",
      `host: evil.example:${port}`,
    ]);
    assert.match(models, /^HTTP\/1\.1 403 /);
    const local = await rawRequest(port, [
      "POST /v1/messages HTTP/1.1",
      `host: localhost:${port}`,
      "content-type: application/json",
    ], ASK);
    assert.match(local, /^HTTP\/1\.1 200 /);
    assert.match(local, /"text":"pong"/);
    assert.equal(mock.requests.length, 1);
    const records = await proxy.waitForRecords(3);
    assert.deepEqual(records.map((r) => r.status).sort(), [200, 403, 403]);
  });
});

Deno.test("requestGuard over a socket refuses a page's cross-origin text/plain fetch", async () => {
  await withProxyStack({
    upstream: () => jsonResponse(COMPLETION),
    config: (url) => testConfig(url),
  }, async ({ mock, proxy }) => {
    const response = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "text/plain;charset=UTF-8" },
      body: ASK,
    });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.equal((await refusal(response)).type, "permission_error");
    const noOrigin = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: ASK,
    });
    assert.equal(noOrigin.status, 415);
    await noOrigin.body?.cancel();
    assert.equal(mock.requests.length, 0);
  });
});
