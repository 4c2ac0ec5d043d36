// In-process tests of routing, health answers and error shapes (no sockets).
import assert from "node:assert/strict";
import { createApp } from "../../src/server/app.ts";
import { randomId } from "../../src/server/deps.ts";
import { NULL_LOGGER } from "../../src/log/record.ts";
import { testConfig } from "../helpers/proxy.ts";
import type { FileConfig } from "../../src/config/validate.ts";

function app(file: FileConfig = {}) {
  return createApp({
    config: testConfig("http://127.0.0.1:9", file),
    logger: NULL_LOGGER,
    now: () => Date.now(),
    newId: randomId,
  });
}

async function errorOf(response: Response) {
  const body = await response.json();
  assert.equal(body.type, "error");
  return body.error as { type: string; message: string };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

Deno.test("app answers HEAD / and GET / with 200 (Claude Code probes HEAD /)", async () => {
  const head = await app().request("/", { method: "HEAD" });
  assert.equal(head.status, 200);
  await head.body?.cancel();
  const get = await app().request("/");
  assert.equal(get.status, 200);
  assert.equal((await get.json()).name, "claude-proxy");
});

Deno.test("app answers GET /health with status ok and the version", async () => {
  const response = await app().request("/health");
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.status, "ok");
  assert.match(body.version, /^\d+\.\d+\.\d+/);
});

Deno.test("app answers unknown routes with an Anthropic-shaped 404", async () => {
  const response = await app().request("/api/event_logging/batch", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(response.status, 404);
  assert.equal((await errorOf(response)).type, "not_found_error");
});

Deno.test("app answers a wrong method on a known route with 405 and Allow", async () => {
  const response = await app().request("/v1/messages");
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "POST");
  assert.equal((await errorOf(response)).type, "invalid_request_error");
});

Deno.test("app lists configured models in the Anthropic list shape", async () => {
  const response = await app({
    models: { "claude-sonnet-4-5-20250929": "gpt-4o", "*haiku*": "gpt-4o-mini" },
  }).request("/v1/models");
  const body = await response.json();
  const ids = body.data.map((m: { id: string }) => m.id);
  assert.ok(ids.includes("claude-sonnet-4-5-20250929"));
  assert.ok(ids.includes("claude-haiku-5-5"), "glob routes list a matching Claude id");
  assert.equal(body.has_more, false);
  assert.equal(body.first_id, ids[0]);
  for (const model of body.data) assert.equal(model.type, "model");
});

Deno.test("POST /v1/messages with malformed JSON answers 400 invalid_request_error", async () => {
  const response = await app().request(post("/v1/messages", "{not json"));
  assert.equal(response.status, 400);
  const error = await errorOf(response);
  assert.equal(error.type, "invalid_request_error");
  assert.match(error.message, /not valid JSON/);
});

Deno.test("POST /v1/messages names the missing or wrong field", async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ messages: [{ role: "user", content: "hi" }], max_tokens: 5 }, /^model: Field required/],
    [{ model: "m", max_tokens: 5 }, /^messages: Field required/],
    [{ model: "m", messages: [], max_tokens: 5 }, /^messages: at least one/],
    [{ model: "m", messages: [{ role: "user", content: "hi" }] }, /^max_tokens: Field required/],
    [
      { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: "5" },
      /^max_tokens: expected an integer, got string/,
    ],
    [
      { model: "m", messages: [{ role: "bot", content: "hi" }], max_tokens: 5 },
      /^messages\.0\.role/,
    ],
    [{
      model: "m",
      max_tokens: 5,
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
        { role: "user", content: [{ type: "hologram" }] },
      ],
    }, /^messages\.2\.content\.0\.type: unknown content block type "hologram"/],
    ...([
      [[null], /^messages\.0\.content\.0\.content\.0: expected an object, got null/],
      [[{ type: "text" }], /^messages\.0\.content\.0\.content\.0\.text: Field required/],
      [[{ type: "image" }], /^messages\.0\.content\.0\.content\.0\.source: Field required/],
      [5, /^messages\.0\.content\.0\.content: expected a string or an array of blocks, got number/],
    ] as Array<[unknown, RegExp]>).map(([content, pattern]): [unknown, RegExp] => [{
      model: "m",
      max_tokens: 5,
      // An orphaned result: the history repair turns it into user blocks before translation, but
      // the error names the place the client wrote.
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content }] }],
    }, pattern]),
  ];
  for (const [body, pattern] of cases) {
    const response = await app().request(post("/v1/messages", body));
    assert.equal(response.status, 400, JSON.stringify(body));
    const error = await errorOf(response);
    assert.equal(error.type, "invalid_request_error");
    assert.match(error.message, pattern);
  }
});

Deno.test("POST /v1/messages over the body limit answers 413 request_too_large", async () => {
  const big = JSON.stringify({
    model: "m",
    max_tokens: 5,
    messages: [{ role: "user", content: "x".repeat(2048) }],
  });
  const response = await app({ limits: { max_body_bytes: 1024 } }).request(
    post("/v1/messages", big),
  );
  assert.equal(response.status, 413);
  assert.equal((await errorOf(response)).type, "request_too_large");
});

Deno.test("app requires the proxy token when auth_token is set", async () => {
  const proxy = app({ auth_token: "let-me-in-please" });
  const missing = await proxy.request(post("/v1/messages/count_tokens", {}));
  assert.equal(missing.status, 401);
  assert.equal((await errorOf(missing)).type, "authentication_error");
  const wrong = await proxy.request(
    post("/v1/messages/count_tokens", {}, { "x-api-key": "let-me-in-pleasf" }),
  );
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const right = await proxy.request(
    post("/v1/messages/count_tokens", {
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    }, { authorization: "Bearer let-me-in-please" }),
  );
  assert.equal(right.status, 200);
  assert.ok((await right.json()).input_tokens > 0);
  const health = await proxy.request("/health");
  assert.equal(health.status, 200, "health stays open");
  await health.body?.cancel();
});
