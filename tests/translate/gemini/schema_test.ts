// Tests for the cleaning of tool schemas into the subset Gemini accepts.
import assert from "node:assert/strict";
import { cleanGeminiSchema } from "../../../src/translate/gemini/schema.ts";

/** The shape zod-to-json-schema gives Claude Code's tools (Read, simplified). */
const CLAUDE_CODE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  properties: {
    file_path: { type: "string", description: "The absolute path" },
    offset: { type: "number", exclusiveMinimum: 0, description: "Line to start at" },
    limit: { type: "integer", exclusiveMaximum: 10000, minimum: 1 },
  },
  required: ["file_path"],
};

Deno.test("cleanGeminiSchema drops the keywords Gemini refuses and keeps the rest", () => {
  assert.deepEqual(cleanGeminiSchema(CLAUDE_CODE_SCHEMA), {
    type: "object",
    properties: {
      file_path: { type: "string", description: "The absolute path" },
      offset: { type: "number", description: "Line to start at" },
      limit: { type: "integer", minimum: 1 },
    },
    required: ["file_path"],
  });
});

Deno.test("cleanGeminiSchema keeps properties named like keywords", () => {
  const schema = {
    type: "object",
    properties: {
      default: { type: "string", default: "x", examples: ["a"] },
      format: { type: "string", format: "uri" },
      $schema: { type: "boolean" },
      properties: { type: "object", properties: { a: { type: "string" } } },
    },
    required: ["default", "format"],
  };
  assert.deepEqual(cleanGeminiSchema(schema), {
    type: "object",
    properties: {
      default: { type: "string" },
      format: { type: "string" },
      $schema: { type: "boolean" },
      properties: { type: "object", properties: { a: { type: "string" } } },
    },
    required: ["default", "format"],
  });
});

Deno.test("cleanGeminiSchema turns const into enum and moves non-string enums to the description", () => {
  assert.deepEqual(cleanGeminiSchema({ const: "edit" }), { type: "string", enum: ["edit"] });
  assert.deepEqual(cleanGeminiSchema({ type: "integer", enum: [1, 2], description: "Level" }), {
    type: "integer",
    description: "Level (Allowed values: 1, 2)",
  });
});

Deno.test("cleanGeminiSchema turns type lists into nullable or anyOf", () => {
  assert.deepEqual(cleanGeminiSchema({ type: ["string", "null"], description: "d" }), {
    type: "string",
    description: "d",
    nullable: true,
  });
  assert.deepEqual(cleanGeminiSchema({ type: ["string", "number", "null"], minLength: 1 }), {
    anyOf: [{ type: "string", minLength: 1 }, { type: "number" }],
    nullable: true,
  });
});

Deno.test("cleanGeminiSchema folds null branches and single branches of anyOf and oneOf", () => {
  assert.deepEqual(cleanGeminiSchema({ anyOf: [{ type: "string" }, { type: "null" }] }), {
    type: "string",
    nullable: true,
  });
  assert.deepEqual(
    cleanGeminiSchema({ oneOf: [{ type: "string" }, { type: "integer" }], description: "d" }),
    { description: "d", anyOf: [{ type: "string" }, { type: "integer" }] },
  );
});

Deno.test("cleanGeminiSchema merges allOf branches into one object", () => {
  const schema = {
    allOf: [
      { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      { properties: { b: { type: "number" } }, required: ["b"] },
    ],
  };
  assert.deepEqual(cleanGeminiSchema(schema), {
    type: "object",
    properties: { a: { type: "string" }, b: { type: "number" } },
    required: ["a", "b"],
  });
});

Deno.test("cleanGeminiSchema drops empty properties and required names that are not properties", () => {
  assert.deepEqual(
    cleanGeminiSchema({
      type: "object",
      properties: { opts: { type: "object", properties: {}, additionalProperties: true } },
      required: ["opts", "missing"],
    }),
    { type: "object", properties: { opts: { type: "object" } }, required: ["opts"] },
  );
});

Deno.test("cleanGeminiSchema makes a node with properties but no type an object", () => {
  assert.deepEqual(cleanGeminiSchema({ properties: { a: { type: "string" } } }), {
    type: "object",
    properties: { a: { type: "string" } },
  });
});

Deno.test("cleanGeminiSchema keeps only the formats Gemini accepts for each type", () => {
  const schema = {
    type: "object",
    properties: {
      when: { type: "string", format: "date-time" },
      site: { type: "string", format: "uri" },
      ratio: { type: "number", format: "double" },
      count: { type: "integer", format: "uint8" },
    },
  };
  assert.deepEqual(cleanGeminiSchema(schema).properties, {
    when: { type: "string", format: "date-time" },
    site: { type: "string" },
    ratio: { type: "number", format: "double" },
    count: { type: "integer" },
  });
});

Deno.test("cleanGeminiSchema inlines local $refs and cuts recursion", () => {
  const schema = {
    type: "object",
    $defs: { node: { type: "object", properties: { child: { $ref: "#/$defs/node" } } } },
    properties: { root: { $ref: "#/$defs/node" }, other: { $ref: "#/elsewhere" } },
  };
  const cleaned = cleanGeminiSchema(schema);
  const root = (cleaned.properties as Record<string, Record<string, unknown>>).root!;
  assert.equal(root.type, "object");
  assert.ok(JSON.stringify(cleaned).length < 2000);
  assert.ok(!JSON.stringify(cleaned).includes("$ref"));
  assert.ok(!JSON.stringify(cleaned).includes("$defs"));
});

Deno.test("cleanGeminiSchema cleans array items", () => {
  assert.deepEqual(
    cleanGeminiSchema({ type: "array", items: { type: "string", pattern: "^a", examples: ["a"] } }),
    { type: "array", items: { type: "string", pattern: "^a" } },
  );
});
