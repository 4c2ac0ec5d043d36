// Tests for tool search resolved from the conversation (deferred tools, tool_reference blocks).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Message, MessagesRequest, Tool } from "../../../src/wire/anthropic_types.ts";
import {
  REFERENCE_DESCRIPTION_CHARS,
  resolveToolSearch,
  toolReferenceText,
} from "../../../src/translate/anthropic/tool_search.ts";

function fixture(name: string): MessagesRequest {
  const url = new URL(`../../fixtures/claude-code/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).body as MessagesRequest;
}

const FIRST_TURN = fixture("first-turn-2.1.337.request.json");
const SECOND_TURN = fixture("tool-search-second-turn-2.1.337.request.json");

const SEARCH: Tool = { name: "ToolSearch", description: "Finds tools", input_schema: {} };
const CRON: Tool = {
  name: "CronList",
  description: "Lists the scheduled jobs.\n\nUse it before creating one.",
  input_schema: { type: "object" },
  defer_loading: true,
};
const MONITOR: Tool = { name: "Monitor", input_schema: {}, defer_loading: true };

function request(extra: Partial<MessagesRequest>): MessagesRequest {
  return { model: "m", max_tokens: 100, messages: [{ role: "user", content: "hi" }], ...extra };
}

function searched(...names: string[]): Message[] {
  return [
    { role: "user", content: "find a tool" },
    {
      role: "assistant",
      content: [{ type: "tool_use", id: "toolu_1", name: "ToolSearch", input: { query: "x" } }],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        tool_use_id: "toolu_1",
        content: names.map((tool_name) => ({ type: "tool_reference" as const, tool_name })),
      }],
    },
  ];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

Deno.test("resolveToolSearch leaves 2.1.337's unreferenced deferred placeholder out of the first turn and keeps ToolSearch", () => {
  const { request: out, changes } = resolveToolSearch(FIRST_TURN);
  const names = out.tools!.map((tool) => tool.name);
  assert.equal(names.includes("DeferredToolPlaceholder"), false);
  assert.ok(names.includes("ToolSearch"));
  assert.equal(names.length, FIRST_TURN.tools!.length - 1);
  assert.ok(out.tools!.every((tool) => !("defer_loading" in tool)));
  assert.deepEqual(changes, ["tool search: 0 deferred tools referenced and sent, 1 left out"]);
});

Deno.test("resolveToolSearch sends the tool a 2.1.337 ToolSearch result referenced, as a plain tool, with the reference as text", () => {
  const { request: out } = resolveToolSearch(SECOND_TURN);
  const cron = out.tools!.find((tool) => tool.name === "CronList");
  assert.ok(cron, "the referenced deferred tool is sent");
  assert.equal("defer_loading" in cron, false);
  assert.equal(out.tools!.some((tool) => tool.name === "DeferredToolPlaceholder"), false);
  const text = JSON.stringify(out.messages);
  assert.doesNotMatch(text, /tool_reference/);
  const result = out.messages.flatMap((m) => Array.isArray(m.content) ? m.content : [])
    .find((block) => block.type === "tool_result");
  assert.ok(result?.type === "tool_result" && Array.isArray(result.content));
  const [reference] = result.content;
  assert.equal(reference?.type, "text");
  assert.match(
    reference?.type === "text" ? reference.text : "",
    /^Tool "CronList" is now available: \S/,
  );
});

Deno.test("resolveToolSearch writes each reference as the tool's name and the first paragraph of its description", () => {
  const { request: out } = resolveToolSearch(
    request({ tools: [SEARCH, CRON, MONITOR], messages: searched("CronList", "Monitor") }),
  );
  assert.deepEqual(out.tools, [
    SEARCH,
    { name: "CronList", description: CRON.description, input_schema: { type: "object" } },
    { name: "Monitor", input_schema: {} },
  ]);
  const result = out.messages[2]!.content as Array<{ content: unknown }>;
  assert.deepEqual(result[0]!.content, [
    { type: "text", text: 'Tool "CronList" is now available: Lists the scheduled jobs.' },
    { type: "text", text: 'Tool "Monitor" is now available.' },
  ]);
});

Deno.test("resolveToolSearch leaves deferred tools out until a reference names them", () => {
  const { request: out, changes } = resolveToolSearch(
    request({ tools: [SEARCH, CRON, MONITOR], messages: searched("Monitor") }),
  );
  assert.deepEqual(out.tools!.map((tool) => tool.name), ["ToolSearch", "Monitor"]);
  assert.deepEqual(changes, [
    "tool search: 1 deferred tool referenced and sent, 1 left out",
    "tool search: tool_reference blocks → text",
  ]);
});

Deno.test("resolveToolSearch says a referenced tool the request does not carry is not available", () => {
  const { request: out } = resolveToolSearch(
    request({ tools: [SEARCH], messages: searched("Gone") }),
  );
  const result = out.messages[2]!.content as Array<{ content: unknown }>;
  assert.deepEqual(result[0]!.content, [{ type: "text", text: 'Tool "Gone" is not available.' }]);
});

Deno.test("resolveToolSearch turns a reference outside a tool_result into text too", () => {
  const { request: out } = resolveToolSearch(request({
    tools: [SEARCH, CRON],
    messages: [{ role: "user", content: [{ type: "tool_reference", tool_name: "CronList" }] }],
  }));
  assert.deepEqual(out.messages[0]!.content, [
    { type: "text", text: 'Tool "CronList" is now available: Lists the scheduled jobs.' },
  ]);
  assert.deepEqual(out.tools!.map((tool) => tool.name), ["ToolSearch", "CronList"]);
});

Deno.test("resolveToolSearch sends every deferred tool up front when the request relies on Anthropic's own search tool", () => {
  const server = { type: "tool_search_tool_regex_20251119", name: "tool_search_tool_regex" };
  const { request: out, changes } = resolveToolSearch(
    request({ tools: [server as Tool, CRON, MONITOR] }),
  );
  assert.deepEqual(out.tools!.map((tool) => tool.name), ["CronList", "Monitor"]);
  assert.ok(out.tools!.every((tool) => !("defer_loading" in tool)));
  assert.deepEqual(changes, [
    "tool search: tool_search_tool_regex_20251119 not available, 2 deferred tools sent up front",
  ]);
});

Deno.test("resolveToolSearch returns the request itself when it uses no tool search", () => {
  const input = request({ tools: [SEARCH] });
  const result = resolveToolSearch(input);
  assert.equal(result.request, input);
  assert.deepEqual(result.changes, []);
});

Deno.test("resolveToolSearch does not modify its input and shares untouched messages", () => {
  const input = deepFreeze(request({ tools: [SEARCH, CRON], messages: searched("CronList") }));
  const before = JSON.stringify(input);
  const { request: out } = resolveToolSearch(input);
  assert.equal(JSON.stringify(input), before);
  assert.equal(out.messages[0], input.messages[0]);
  assert.equal(out.messages[1], input.messages[1]);
});

Deno.test("resolveToolSearch drops tools entirely when only unreferenced deferred tools were sent", () => {
  const { request: out } = resolveToolSearch(request({ tools: [MONITOR] }));
  assert.equal("tools" in out, false);
});

Deno.test("toolReferenceText cuts a long first paragraph and keeps it on one line", () => {
  const tool: Tool = { name: "T", input_schema: {}, description: `a\nb ${"x".repeat(500)}` };
  const text = toolReferenceText("T", tool);
  assert.ok(text.startsWith('Tool "T" is now available: a b xxx'));
  assert.ok(text.endsWith("…"));
  assert.equal(text.length, 'Tool "T" is now available: '.length + REFERENCE_DESCRIPTION_CHARS);
});
