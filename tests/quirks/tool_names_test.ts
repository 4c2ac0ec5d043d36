// Tests for shortening refused tool names (Claude Code MCP names) and mapping them back.
import assert from "node:assert/strict";
import {
  clientToolNames,
  MAX_TOOL_NAME_LENGTH,
  toolNames,
  upstreamToolName,
} from "../../src/quirks/tool_names.ts";
import type {
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatToolCall,
} from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

/** A Claude Code plugin MCP tool name (claude-code#955: "String should have at most 64 characters"). */
const LONG = "mcp__plugin_github_github__create_pull_request_review_comment_reply_thread";
const DOTTED = "mcp__docs.server__search";

Deno.test("upstreamToolName keeps names every provider accepts", () => {
  for (const name of ["Read", "mcp__github__get_issue", "_x", "a".repeat(64)]) {
    assert.equal(upstreamToolName(name), name);
  }
});

Deno.test("upstreamToolName shortens long names to 64 safe characters keeping both ends", () => {
  const short = upstreamToolName(LONG);
  assert.equal(short.length, MAX_TOOL_NAME_LENGTH);
  assert.match(short, /^[a-zA-Z_][a-zA-Z0-9_-]*$/);
  assert.ok(short.startsWith("mcp__plugin_github_g"));
  assert.ok(short.endsWith("comment_reply_thread"));
  assert.equal(upstreamToolName(LONG), short);
  assert.notEqual(upstreamToolName(`${LONG}2`), short);
});

Deno.test("upstreamToolName replaces refused characters and a leading digit", () => {
  assert.match(upstreamToolName(DOTTED), /^mcp__docs_server__search_[0-9a-f]{8}$/);
  assert.match(upstreamToolName("3d-view"), /^_3d-view_[0-9a-f]{8}$/);
});

Deno.test("tool_names renames tools, tool_choice and history calls consistently", () => {
  const call: ChatToolCall = {
    id: "c1",
    type: "function",
    function: { name: LONG, arguments: "{}" },
  };
  const parameters = { type: "object" };
  const req: ChatCompletionRequest = {
    model: "gpt-4o",
    messages: [{ role: "assistant", content: null, tool_calls: [call] }],
    tools: [
      { type: "function", function: { name: LONG, parameters } },
      { type: "function", function: { name: "Read", parameters } },
    ],
    tool_choice: { type: "function", function: { name: LONG } },
  };
  const ctx = quirkContext();
  const out = toolNames.request!(req, ctx);
  const short = upstreamToolName(LONG);
  assert.deepEqual(out.tools!.map((t) => t.function.name), [short, "Read"]);
  assert.deepEqual(out.tool_choice, { type: "function", function: { name: short } });
  assert.equal(call.function.name, short);
  assert.equal(out.tools![0]!.function.parameters, parameters);
  assert.deepEqual(ctx.notes, ["tool_names: shortened 1 tool name"]);
});

Deno.test("tool_names maps a shortened name back in a whole answer and in a stream", () => {
  const tools = [{ name: LONG, input_schema: {} }, { name: DOTTED, input_schema: {} }];
  const ctx = quirkContext({ anthropic: { tools } });
  assert.equal(clientToolNames(tools).size, 2);
  const res: ChatCompletionResponse = {
    choices: [{
      message: {
        tool_calls: [{ id: "c", function: { name: upstreamToolName(LONG), arguments: "{}" } }],
      },
    }],
  };
  assert.equal(
    toolNames.response!(res, ctx).choices[0]!.message.tool_calls![0]!.function!.name,
    LONG,
  );
  const transform = toolNames.chunks!(ctx)!;
  const [chunk] = transform.push({
    choices: [{
      index: 0,
      delta: { tool_calls: [{ index: 0, function: { name: upstreamToolName(DOTTED) } }] },
    }],
  });
  assert.equal(chunk!.choices![0]!.delta!.tool_calls![0]!.function!.name, DOTTED);
});

Deno.test("tool_names adds no stream transform when no name changes", () => {
  const ctx = quirkContext({ anthropic: { tools: [{ name: "Read", input_schema: {} }] } });
  assert.equal(toolNames.chunks!(ctx), undefined);
});
