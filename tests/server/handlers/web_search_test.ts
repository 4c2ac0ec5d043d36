// The web search handler called as a plain function: it answers without calling any model.
import assert from "node:assert/strict";
import { NOT_SET_UP, webSearch } from "../../../src/server/handlers/web_search.ts";
import { testConfig } from "../../helpers/proxy.ts";
import { handlerRun } from "./handler_context.ts";

Deno.test("webSearch answers a forced search without a backend by saying none is set up", async () => {
  const ask = {
    model: "claude-test",
    max_tokens: 64,
    messages: [{ role: "user", content: "Perform a web search for the query: deno 2" }],
    tools: [{ type: "web_search_20250305", name: "web_search" }],
    tool_choice: { type: "tool", name: "web_search" },
  };
  const run = handlerRun(testConfig("http://upstream.test/v1"), ask, () => {
    throw new Error("no model may be called");
  });
  const response = await webSearch(run.request, run.ctx);
  const message = await response.json();
  assert.equal(run.sent.length, 0);
  assert.deepEqual(message.content.map((block: { type: string }) => block.type), [
    "server_tool_use",
    "web_search_tool_result",
    "text",
  ]);
  assert.equal(message.content[2].text, `Web search failed: ${NOT_SET_UP}`);
  assert.equal(run.ctx.log.record.upstream_model, "web search (none)");
  assert.equal(run.ctx.log.record.error_type, "unavailable");
});
