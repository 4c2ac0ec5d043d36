// Tests for the translation of Anthropic tools and tool_choice into the OpenAI tool fields.
import assert from "node:assert/strict";
import type { MessagesRequest } from "../../../src/wire/anthropic_types.ts";
import { createRequestState } from "../../../src/translate/openai/request_state.ts";
import { toOpenAITools } from "../../../src/translate/openai/tools.ts";
import { invalidRequestMessage } from "../../helpers/invalid_request.ts";

const READ_SCHEMA = { type: "object", properties: { file_path: { type: "string" } } };
const READ = { name: "Read", input_schema: READ_SCHEMA };
const WEB_SEARCH = { type: "web_search_20250305", name: "web_search" };

/** Translates the tool fields of `req`; returns them, the notes and the state's counts. */
function tools(req: { tools?: unknown[]; tool_choice?: unknown }) {
  const state = createRequestState({ model: "gpt-4o" });
  const fields = toOpenAITools(req as Pick<MessagesRequest, "tools" | "tool_choice">, state);
  return { fields, changes: state.changes, counts: state.counts };
}

Deno.test("toOpenAITools maps tools to functions, passing the schema by reference", () => {
  const { fields } = tools({
    tools: [
      { name: "Read", description: "Reads a file", input_schema: READ_SCHEMA },
      { name: "NoDescription", input_schema: READ_SCHEMA },
    ],
  });
  assert.deepEqual(fields.tools, [
    {
      type: "function",
      function: { name: "Read", description: "Reads a file", parameters: READ_SCHEMA },
    },
    { type: "function", function: { name: "NoDescription", parameters: READ_SCHEMA } },
  ]);
  assert.equal(fields.tools?.[0]?.function.parameters, READ_SCHEMA);
});

Deno.test("toOpenAITools drops server tools without input_schema and notes them", () => {
  const { fields, changes } = tools({ tools: [{ ...WEB_SEARCH, max_uses: 5 }, READ] });
  assert.deepEqual(fields.tools?.map((t) => t.function.name), ["Read"]);
  assert.ok(changes.includes('dropped server tool "web_search" (web_search_20250305)'));
});

Deno.test("toOpenAITools strips non-schema tool fields, noting them and counting cache_control", () => {
  const { fields, changes, counts } = tools({
    tools: [{
      ...READ,
      cache_control: { type: "ephemeral" },
      defer_loading: true,
      input_examples: [{ file_path: "/a" }],
    }],
  });
  assert.deepEqual(fields.tools?.[0], {
    type: "function",
    function: { name: "Read", parameters: READ_SCHEMA },
  });
  assert.deepEqual(changes, ["dropped tool fields defer_loading, input_examples"]);
  assert.equal(counts.cacheControl, 1);
});

Deno.test("toOpenAITools omits tools and tool_choice when no tools remain", () => {
  const { fields, changes } = tools({
    tools: [WEB_SEARCH],
    tool_choice: { type: "auto", disable_parallel_tool_use: true },
  });
  assert.deepEqual(fields, {});
  assert.ok(changes.includes("dropped tool_choice (no tools sent)"));
});

Deno.test("toOpenAITools maps every tool_choice type", () => {
  const cases = [
    [{ type: "auto" }, "auto"],
    [{ type: "any" }, "required"],
    [{ type: "none" }, "none"],
    [{ type: "tool", name: "Read" }, { type: "function", function: { name: "Read" } }],
  ] as const;
  for (const [choice, expected] of cases) {
    assert.deepEqual(tools({ tools: [READ], tool_choice: choice }).fields.tool_choice, expected);
  }
});

Deno.test("toOpenAITools maps disable_parallel_tool_use to parallel_tool_calls false", () => {
  const off = tools({
    tools: [READ],
    tool_choice: { type: "any", disable_parallel_tool_use: true },
  });
  assert.equal(off.fields.parallel_tool_calls, false);
  const on = tools({ tools: [READ], tool_choice: { type: "any" } });
  assert.ok(!("parallel_tool_calls" in on.fields));
});

Deno.test("toOpenAITools drops a tool_choice naming a tool that is not sent", () => {
  const { fields, changes } = tools({
    tools: [READ, WEB_SEARCH],
    tool_choice: { type: "tool", name: "web_search" },
  });
  assert.equal(fields.tools?.length, 1);
  assert.ok(!("tool_choice" in fields));
  assert.ok(changes.includes('dropped tool_choice: tool "web_search" is not sent'));
});

Deno.test("toOpenAITools refuses malformed tools and tool_choice, naming the path", () => {
  const cases: Array<[{ tools?: unknown; tool_choice?: unknown }, RegExp]> = [
    [{ tools: {} }, /^tools: expected an array/],
    [{ tools: [7] }, /^tools\.0: expected a tool object/],
    [{ tools: [{ input_schema: {} }] }, /^tools\.0\.name: expected a string/],
    [
      { tools: [{ name: "a", input_schema: {} }], tool_choice: "auto" },
      /^tool_choice: expected an object/,
    ],
    [
      { tools: [{ name: "a", input_schema: {} }], tool_choice: { type: "magic" } },
      /^tool_choice\.type: unsupported tool_choice type "magic"/,
    ],
    [
      { tools: [{ name: "a", input_schema: {} }], tool_choice: { type: "tool" } },
      /^tool_choice\.name: expected a string/,
    ],
  ];
  for (const [req, pattern] of cases) {
    assert.match(invalidRequestMessage(() => tools(req as { tools?: unknown[] })), pattern);
  }
});
