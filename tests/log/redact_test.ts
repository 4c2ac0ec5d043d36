// Tests for secret redaction and body capping.
import assert from "node:assert/strict";
import { capBody, REDACTED, redactRecord, redactSecrets } from "../../src/log/redact.ts";

const KEYS = {
  configured: "dsk-0a1b2c3d4e5f6a7b",
  openai: "sk-proj-AbCdEf0123456789_xyz-QRS",
  anthropic: "sk-ant-api03-abcdefghijklmnopQRSTUV",
  openrouter: "sk-or-v1-0123456789abcdef0123456789abcdef",
  groq: "gsk_abcdefghijklmnopqrstuvWXYZ",
  xai: "xai-abcdefghijklmnopqrstuv",
  google: "AIzaSyA1234567890abcdefghijklmnopqrstu",
  github: "ghp_abcdefghijklmnopqrstuvwxyz0123",
  aws: "AKIAABCDEFGHIJKLMNOP",
  opaque: "opaque.Token_value~42",
};

Deno.test("redactSecrets removes every known secret and key shape", () => {
  const text = [
    `configured ${KEYS.configured} inline`,
    `Authorization: Bearer ${KEYS.opaque}`,
    `authorization: bearer ${KEYS.openai}`,
    `x-api-key: ${KEYS.anthropic}`,
    `x-goog-api-key: ${KEYS.google}`,
    `GET /v1beta/models?alt=sse&key=${KEYS.google}`,
    JSON.stringify({ api_key: KEYS.opaque, apiKey: KEYS.opaque, "x-api-key": KEYS.opaque }),
    JSON.stringify({ nested: JSON.stringify({ access_token: KEYS.opaque }) }),
    `api_key = "${KEYS.opaque}"`,
    `OPENROUTER ${KEYS.openrouter} GROQ ${KEYS.groq} XAI ${KEYS.xai}`,
    `github ${KEYS.github} aws ${KEYS.aws}`,
    `Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==`,
  ].join("\n");
  const out = redactSecrets(text, [KEYS.configured]);
  for (const [name, key] of Object.entries(KEYS)) assert.ok(!out.includes(key), `${name} leaked`);
  assert.ok(!out.includes("dXNlcjpwYXNzd29yZA=="), "basic credentials leaked");
  assert.ok(out.includes(`x-api-key: ${REDACTED}`));
  assert.ok(out.includes(`Authorization: Bearer ${REDACTED}`));
  assert.ok(out.includes(`"api_key":"${REDACTED}"`));
  assert.ok(out.includes(`alt=sse&key=${REDACTED}`));
});

Deno.test("redactSecrets finds each key shape when it is the only secret in the text", () => {
  // Text with no secret is returned after one scan: each shape alone must still be caught.
  const lines = [
    `Authorization: Bearer ${KEYS.opaque}`,
    `x-api-key: ${KEYS.opaque}`,
    `GET /v1beta/models?key=${KEYS.opaque}`,
    JSON.stringify({ client_secret: KEYS.opaque }),
    JSON.stringify({ nested: JSON.stringify({ refresh_token: KEYS.opaque }) }),
    `password = '${KEYS.opaque}'`,
    `Basic dXNlcjpwYXNzd29yZA==`,
    ...Object.entries(KEYS)
      .filter(([name]) => name !== "configured" && name !== "opaque")
      .map(([, key]) => `key ${key}.`),
  ];
  for (const line of lines) {
    const out = redactSecrets(line, []);
    assert.ok(out.includes(REDACTED), `not redacted: ${line}`);
    assert.ok(!out.includes(KEYS.opaque) && !out.includes("dXNlcjpw"), `leaked: ${out}`);
  }
  assert.equal(redactSecrets(`id ${KEYS.configured}`, [KEYS.configured]), `id ${REDACTED}`);
  const plain = "claude-sonnet-4-5 → custom/bench-json, 24 tools";
  assert.equal(redactSecrets(plain, [KEYS.configured]), plain);
});

Deno.test("redactSecrets leaves ordinary text and token counts alone", () => {
  const text = JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    usage: { input_tokens: 12, output_tokens: 3 },
    messages: [{
      role: "user",
      content: "Assess the risk-assessment task-list before the keynote",
    }],
  });
  assert.equal(redactSecrets(text, ["short", ""]), text);
});

Deno.test("redactSecrets replaces a configured secret wherever it appears", () => {
  const secret = "plain-secret-without-shape";
  assert.equal(
    redactSecrets(`a${secret}b ${secret}`, [secret, "tiny"]),
    `a${REDACTED}b ${REDACTED}`,
  );
});

Deno.test("redactRecord redacts strings at every depth and keeps the record shape", () => {
  const record = redactRecord({
    time: "2026-01-01T00:00:00.000Z",
    id: "req_1",
    method: "POST",
    path: "/v1/messages",
    status: 401,
    total_ms: 5,
    error_message: `Incorrect API key provided: ${KEYS.openai}`,
    changes: [`dropped header x-api-key: ${KEYS.opaque}`],
    bodies: { upstream: JSON.stringify({ api_key: KEYS.configured }) },
  }, [KEYS.configured]);
  assert.equal(record.error_message, `Incorrect API key provided: ${REDACTED}`);
  assert.deepEqual(record.changes, [`dropped header x-api-key: ${REDACTED}`]);
  assert.equal(record.bodies?.upstream, `{"api_key":"${REDACTED}"}`);
  assert.equal(record.status, 401);
});

Deno.test("capBody keeps short text and cuts long text to the cap with a marker", () => {
  assert.equal(capBody("hello", 10), "hello");
  const long = "a".repeat(200);
  const capped = capBody(long, 100);
  assert.ok(capped.length <= 100, `${capped.length} chars`);
  assert.match(capped, /^a+…\[truncated \d+ chars\]$/);
  const kept = capped.indexOf("…");
  assert.equal(capped, "a".repeat(kept) + `…[truncated ${200 - kept} chars]`);
  assert.equal(capBody("x".repeat(70_000)).length <= 64 * 1024, true);
});

Deno.test("capBody never splits a surrogate pair", () => {
  const text = "😀".repeat(100);
  for (let cap = 30; cap < 40; cap++) {
    const capped = capBody(text, cap);
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(capped), `lone high surrogate at ${cap}`);
  }
});
