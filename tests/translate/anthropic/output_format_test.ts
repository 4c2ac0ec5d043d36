// Tests for structured output: reading output_config.format, strict mode, the instruction, answer checks.
import assert from "node:assert/strict";
import {
  checkJsonAnswer,
  isStrictCompatible,
  outputFormatOf,
  schemaInstruction,
  schemaName,
  upstreamSchema,
} from "../../../src/translate/anthropic/output_format.ts";
import type { MessagesRequest } from "../../../src/wire/anthropic_types.ts";

const TITLE = {
  type: "object",
  properties: { title: { type: "string" } },
  required: ["title"],
  additionalProperties: false,
};

function request(extra: Partial<MessagesRequest>): MessagesRequest {
  return { model: "m", max_tokens: 1, messages: [], ...extra };
}

Deno.test("outputFormatOf reads output_config.format, then the beta's output_format, else nothing", () => {
  const format = { type: "json_schema", schema: TITLE };
  assert.deepEqual(outputFormatOf(request({ output_config: { format } })), format);
  assert.deepEqual(outputFormatOf(request({ output_format: format })), format);
  assert.equal(outputFormatOf(request({ output_config: { effort: "low" } })), undefined);
  assert.equal(outputFormatOf(request({})), undefined);
});

Deno.test("isStrictCompatible accepts Claude Code's title schema and nested closed objects", () => {
  assert.equal(isStrictCompatible(TITLE), true);
  assert.equal(
    isStrictCompatible({
      type: "object",
      properties: { items: { type: "array", items: TITLE }, kind: { enum: ["a", "b"] } },
      required: ["items", "kind"],
      additionalProperties: false,
    }),
    true,
  );
});

Deno.test("isStrictCompatible refuses open objects, optional properties, a non-object root and refused keywords", () => {
  assert.equal(isStrictCompatible({ ...TITLE, additionalProperties: true }), false);
  assert.equal(isStrictCompatible({ ...TITLE, required: [] }), false);
  assert.equal(isStrictCompatible({ type: "string" }), false);
  assert.equal(isStrictCompatible({ ...TITLE, allOf: [TITLE] }), false);
  assert.equal(
    isStrictCompatible({ ...TITLE, properties: { title: { type: "object", properties: {} } } }),
    false,
    "a nested object without additionalProperties: false",
  );
});

Deno.test("schemaName uses the schema's title when it has one, within OpenAI's name rules", () => {
  assert.equal(schemaName(TITLE), "output");
  assert.equal(schemaName({ title: "Session title!" }), "Session_title");
  assert.equal(schemaName({ title: "x".repeat(80) }).length, 64);
});

Deno.test("upstreamSchema removes $schema and keeps the rest", () => {
  assert.deepEqual(
    upstreamSchema({ $schema: "https://json-schema.org/draft/2020-12/schema", ...TITLE }),
    TITLE,
  );
  assert.equal(upstreamSchema(TITLE), TITLE);
});

Deno.test("schemaInstruction names JSON and quotes the schema", () => {
  const text = schemaInstruction(TITLE);
  assert.match(text, /JSON schema/);
  assert.ok(text.includes(JSON.stringify(TITLE)));
});

Deno.test("checkJsonAnswer accepts a matching answer and removes a code fence around it", () => {
  assert.deepEqual(checkJsonAnswer('{"title": "Say pong"}', TITLE), {
    ok: true,
    text: '{"title": "Say pong"}',
  });
  assert.deepEqual(checkJsonAnswer('```json\n{"title": "Say pong"}\n```\n', TITLE), {
    ok: true,
    text: '{"title": "Say pong"}',
  });
});

Deno.test("checkJsonAnswer reports prose, a missing property, a wrong type and an unknown property", () => {
  assert.deepEqual(checkJsonAnswer("Sure, here is a title: Say pong", TITLE), {
    ok: false,
    problem: 'not JSON: "Sure, here is a title: Say pong"',
  });
  assert.deepEqual(checkJsonAnswer("{}", TITLE), {
    ok: false,
    problem: '$: missing required property "title"',
  });
  assert.deepEqual(checkJsonAnswer('{"title": 3}', TITLE), {
    ok: false,
    problem: "$.title: expected string, got integer",
  });
  assert.deepEqual(checkJsonAnswer('{"title": "a", "x": 1}', TITLE), {
    ok: false,
    problem: "$.x: property not allowed by the schema",
  });
  assert.equal(checkJsonAnswer("", TITLE).ok, false);
});

Deno.test("checkJsonAnswer checks items, enums, constants, anyOf and number types", () => {
  const schema = {
    type: "object",
    properties: {
      tags: { type: "array", items: { enum: ["a", "b"] } },
      n: { type: "number" },
      kind: { const: "k" },
      either: { anyOf: [{ type: "string" }, { type: "null" }] },
    },
  };
  assert.equal(
    checkJsonAnswer('{"tags": ["a"], "n": 2, "kind": "k", "either": null}', schema).ok,
    true,
  );
  assert.deepEqual(checkJsonAnswer('{"tags": ["c"]}', schema), {
    ok: false,
    problem: '$.tags[0]: expected one of ["a","b"]',
  });
  assert.deepEqual(checkJsonAnswer('{"kind": "z"}', schema), {
    ok: false,
    problem: '$.kind: expected "k"',
  });
  assert.deepEqual(checkJsonAnswer('{"either": 1}', schema), {
    ok: false,
    problem: "$.either: matches none of the schema's anyOf options",
  });
  assert.deepEqual(checkJsonAnswer('{"n": "2"}', schema), {
    ok: false,
    problem: "$.n: expected number, got string",
  });
});
