// Tests for the gemini_schema quirk: tool parameters cleaned on OpenAI-format Gemini requests.
import assert from "node:assert/strict";
import { geminiSchema } from "../../src/quirks/gemini_schema.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

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

Deno.test("gemini_schema cleans tool parameters without changing the client's schemas", () => {
  const parameters = structuredClone(CLAUDE_CODE_SCHEMA);
  const req: ChatCompletionRequest = {
    model: "gemini-2.5-pro",
    messages: [],
    tools: [{ type: "function", function: { name: "Read", parameters } }],
  };
  const ctx = quirkContext();
  const out = geminiSchema.request!(req, ctx);
  const sent = out.tools![0]!.function.parameters;
  assert.equal(sent.$schema, undefined);
  assert.equal(sent.additionalProperties, undefined);
  assert.deepEqual(parameters, CLAUDE_CODE_SCHEMA);
  assert.deepEqual(ctx.notes, ["gemini_schema: cleaned 1 tool schema"]);
});

Deno.test("gemini_schema gives a tool without parameters a bare object schema", () => {
  const req: ChatCompletionRequest = {
    model: "gemini-2.5-pro",
    messages: [],
    tools: [{ type: "function", function: { name: "Now", parameters: { properties: {} } } }],
  };
  const out = geminiSchema.request!(req, quirkContext());
  assert.deepEqual(out.tools![0]!.function.parameters, { type: "object" });
});

Deno.test("gemini_schema cleans a structured-output schema and sends it without strict", () => {
  const ctx = quirkContext();
  const title = {
    type: "object",
    properties: { title: { type: "string" } },
    required: ["title"],
    additionalProperties: false,
  };
  const req: ChatCompletionRequest = {
    model: "gemini-2.5-flash",
    messages: [{ role: "user", content: "name it" }],
    response_format: {
      type: "json_schema",
      json_schema: { name: "output", schema: title, strict: true },
    },
  };
  const out = geminiSchema.request!(req, ctx);
  assert.deepEqual(out.response_format, {
    type: "json_schema",
    json_schema: {
      name: "output",
      schema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
      strict: false,
    },
  });
  assert.deepEqual(ctx.notes, ["gemini_schema: cleaned the response_format schema"]);
  assert.equal(title.additionalProperties, false, "the translated request's schema is not changed");
});
