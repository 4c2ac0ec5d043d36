// End to end with the real Claude Code CLI and tool search on: ToolSearch loads a deferred tool, which the model then calls.
import assert from "node:assert/strict";
import { CLAUDE_CODE_TEST, runClaudeCode } from "../helpers/claude_cli.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { testConfig } from "../helpers/proxy.ts";

function toolNames(request: ChatCompletionRequest): string[] {
  return request.tools?.map((tool) => tool.function.name) ?? [];
}

function toolText(request: ChatCompletionRequest, id: string): string | undefined {
  const message = request.messages.find((m) => m.role === "tool" && m.tool_call_id === id);
  return message?.role === "tool" ? message.content : undefined;
}

Deno.test({
  name:
    "Claude Code searches for a deferred tool through the proxy, gets it on the next turn and calls it",
  ...CLAUDE_CODE_TEST,
  fn: async () => {
    const run = await runClaudeCode({
      upstream: fakeModel((request) => {
        const listed = toolText(request, "call_cron_1");
        if (listed !== undefined) return { text: `Cron says: ${listed.trim()}` };
        if (toolText(request, "call_search_1") !== undefined) {
          return { toolCalls: [{ id: "call_cron_1", name: "CronList", arguments: {} }] };
        }
        if (toolNames(request).includes("ToolSearch")) {
          return {
            toolCalls: [{
              id: "call_search_1",
              name: "ToolSearch",
              arguments: { query: "select:CronList" },
            }],
          };
        }
        return { text: "ok" };
      }),
      config: (url) => testConfig(url, { models: { "*": "fake-model" } }),
      prompt: "List my scheduled jobs.",
      args: ["--allowedTools", "CronList"],
      // 2.1.337 searches by default behind a gateway; 2.1.197 needs this.
      env: { ENABLE_TOOL_SEARCH: "true" },
    });
    assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, /Cron says: No scheduled jobs/);
    const main = run.mock.requests.map((r) => r.json<ChatCompletionRequest>())
      .filter((r) => toolNames(r).includes("ToolSearch"));
    assert.ok(main.length >= 3, `expected three turns, got ${main.length}`);
    assert.equal(toolNames(main[0]!).includes("CronList"), false, "CronList is deferred at first");
    const loaded = main.find((r) => toolText(r, "call_search_1") !== undefined);
    assert.ok(loaded, "a turn carries the ToolSearch result");
    assert.ok(toolNames(loaded).includes("CronList"), "the referenced tool is sent from then on");
    assert.match(toolText(loaded, "call_search_1")!, /^Tool "CronList" is now available: /);
    assert.ok(run.proxy.records.every((record) => record.status === 200), "no request was refused");
  },
});
