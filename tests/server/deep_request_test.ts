// A request nested absurdly deep, or with a huge run without spaces, through the whole app.
import assert from "node:assert/strict";
import { createApp } from "../../src/server/app.ts";
import { MAX_BODY_DEPTH } from "../../src/server/body.ts";
import { randomId } from "../../src/server/deps.ts";
import { NULL_LOGGER } from "../../src/log/record.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { jsonResponse, type MockUpstream, startMockUpstream } from "../helpers/mock_upstream.ts";
import { testConfig } from "../helpers/proxy.ts";

/** A tool schema `depth` objects deep, as JSON text. */
function deepSchema(depth: number): string {
  return '{"type":"object","properties":{"a":'.repeat(depth - 1) + '{"type":"string"}' +
    "}}".repeat(depth - 1);
}

function requestWith(schema: string, extra = ""): string {
  return `{"model":"claude-sonnet-4","max_tokens":10${extra},` +
    `"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":${schema}}]}`;
}

/** Answers any API's request with a short answer in its own shape. */
function anyApi(mock: { path: string }): Response {
  if (mock.path.endsWith("/count_tokens")) return jsonResponse({ input_tokens: 7 });
  if (mock.path.endsWith("/responses")) {
    return jsonResponse({
      id: "resp_1",
      object: "response",
      status: "completed",
      output: [{
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "hi" }],
      }],
      usage: { input_tokens: 1, output_tokens: 1 },
    });
  }
  if (mock.path.endsWith("/messages")) {
    return jsonResponse({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [{ type: "text", text: "hi" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 1, output_tokens: 1 },
    });
  }
  return jsonResponse({
    id: "c1",
    choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1 },
  });
}

/** Every translation the request path has, each with what walks a schema. */
function routes(mock: MockUpstream): Record<string, FileConfig> {
  const provider = { name: "custom", base_url: mock.url, api_key: "sk-test-secret-key-123456" };
  return {
    "OpenAI chat": {},
    "OpenAI chat with gemini_schema": { provider: { ...provider, quirks: ["gemini_schema"] } },
    "OpenAI Responses": { provider: { ...provider, format: "openai-responses" } },
    "Anthropic with drop_fields": {
      provider: { ...provider, format: "anthropic", drop_fields: ["..examples"] },
    },
  };
}

function post(file: FileConfig, mock: MockUpstream, path: string, body: string) {
  const app = createApp({
    config: testConfig(mock.url, file),
    logger: NULL_LOGGER,
    now: () => Date.now(),
    newId: randomId,
  });
  return app.request(`http://127.0.0.1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
}

Deno.test("a tool schema nested 200,000 levels deep gets a 400 naming it on every route", async () => {
  const mock = await startMockUpstream(anyApi);
  try {
    const deep = deepSchema(200_000);
    for (const [name, file] of Object.entries(routes(mock))) {
      for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
        for (const extra of path === "/v1/messages" ? ["", ',"stream":true'] : [""]) {
          const response = await post(file, mock, path, requestWith(deep, extra));
          const body = await response.json();
          assert.equal(response.status, 400, `${name} ${path}${extra}: ${JSON.stringify(body)}`);
          assert.equal(body.error.type, "invalid_request_error");
          assert.equal(
            body.error.message,
            `tools.0.input_schema.properties.a: nests deeper than ${MAX_BODY_DEPTH} levels`,
          );
        }
      }
    }
    assert.equal(mock.requests.length, 0, "nothing reached the provider");
  } finally {
    await mock.close();
  }
});

Deno.test("a tool schema nested just within the limit works on every route", async () => {
  const mock = await startMockUpstream(anyApi);
  try {
    // The body, tools and the tool take three levels, each wrapper two: the deepest object sits
    // at depth MAX_BODY_DEPTH - 1 (the body at 0), and one wrapper more is refused.
    const depth = (MAX_BODY_DEPTH - 3 + 1) / 2;
    const schema = deepSchema(depth);
    const over = await post({}, mock, "/v1/messages", requestWith(deepSchema(depth + 1)));
    assert.equal(over.status, 400);
    await over.body?.cancel();
    for (const [name, file] of Object.entries(routes(mock))) {
      for (const extra of ["", ',"stream":true']) {
        const response = await post(file, mock, "/v1/messages", requestWith(schema, extra));
        assert.equal(response.status, 200, `${name}${extra}: ${await response.clone().text()}`);
        await response.body?.cancel();
      }
      const counted = await post(file, mock, "/v1/messages/count_tokens", requestWith(schema));
      assert.equal(counted.status, 200, name);
      assert.ok((await counted.json()).input_tokens > 0);
    }
    const paths = new Set(mock.requests.map((request) => request.path));
    assert.deepEqual([...paths].sort(), [
      "/chat/completions",
      "/responses",
      "/v1/messages",
      "/v1/messages/count_tokens",
    ]);
  } finally {
    await mock.close();
  }
});

Deno.test("POST /v1/messages/count_tokens counts a 400,000-character run without spaces", async () => {
  const mock = await startMockUpstream(anyApi);
  try {
    const body = JSON.stringify({
      model: "claude-sonnet-4",
      messages: [{ role: "user", content: "a".repeat(400_000) }],
    });
    const response = await post({}, mock, "/v1/messages/count_tokens", body);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).input_tokens, 50_000 + 3 + 4); // o200k: 8 a's a token
  } finally {
    await mock.close();
  }
});
