// Property-based: random invalid request bodies always get a 400 with the Anthropic envelope.
import assert from "node:assert/strict";
import fc from "fast-check";
import { NULL_LOGGER } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import { BLOCK_TYPES } from "../../src/server/body.ts";
import { randomId } from "../../src/server/deps.ts";
import { testConfig } from "../helpers/proxy.ts";

const app = createApp({
  config: testConfig("http://127.0.0.1:9"),
  logger: NULL_LOGGER,
  now: () => Date.now(),
  newId: randomId,
});

const valid = { model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] };

const invalid = fc.oneof(
  fc.string().filter((s) => {
    try {
      const v = JSON.parse(s);
      return typeof v !== "object" || v === null || Array.isArray(v);
    } catch {
      return true;
    }
  }),
  fc.record({
    field: fc.constantFrom("model", "max_tokens", "messages"),
    value: fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ max: 0 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 0 }),
    ),
  }).map(({ field, value }) => JSON.stringify({ ...valid, [field]: value })),
  fc.record({
    type: fc.string().filter((t) => !BLOCK_TYPES.has(t)),
  }).map(({ type }) =>
    JSON.stringify({ ...valid, messages: [{ role: "user", content: [{ type }] }] })
  ),
  fc.jsonValue().map((content) =>
    JSON.stringify({ ...valid, messages: [{ role: "user", content }] })
  ).filter((s) => {
    const content = JSON.parse(s).messages[0].content;
    return typeof content !== "string" && !(Array.isArray(content) && content.length === 0);
  }),
);

Deno.test("invalid request bodies always get a 400 with the Anthropic error envelope", async () => {
  await fc.assert(
    fc.asyncProperty(invalid, async (body) => {
      const response = await app.request("/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const json = await response.json();
      assert.equal(response.status, 400, `${body} → ${JSON.stringify(json)}`);
      assert.equal(json.type, "error");
      assert.equal(json.error.type, "invalid_request_error");
      assert.equal(typeof json.error.message, "string");
    }),
    { numRuns: 300 },
  );
});
