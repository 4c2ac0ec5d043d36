// End to end with the real Claude Code CLI (pinned in deno.json): claude -p → proxy → mock OpenAI upstream.
import assert from "node:assert/strict";
import { CLAUDE_CODE_VERSIONS, claudeCodeTest, runClaudeCode } from "../helpers/claude_cli.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { testConfig } from "../helpers/proxy.ts";

const MARKER = "proxy-e2e-7f3a91";

function toolMessages(request: ChatCompletionRequest) {
  return request.messages.filter((m) => m.role === "tool");
}

for (const version of CLAUDE_CODE_VERSIONS) {
  Deno.test({
    name:
      `Claude Code ${version} runs a Bash tool call through the proxy and prints the model's answer`,
    ...claudeCodeTest(version),
    fn: async () => {
      const run = await runClaudeCode({
        version,
        upstream: fakeModel((request) => {
          const tool = toolMessages(request)[0];
          if (tool && tool.role === "tool") {
            return { text: `The command printed: ${String(tool.content).trim()}` };
          }
          if (request.tools?.some((t) => t.function.name === "Bash")) {
            return {
              toolCalls: [{
                id: "call_bash_1",
                name: "Bash",
                arguments: { command: `echo ${MARKER}`, description: "Print the marker" },
              }],
            };
          }
          return { text: "ok" };
        }),
        config: (url) => testConfig(url, { models: { "*": "fake-model" } }),
        prompt: "Run the marker command and tell me what it printed.",
        args: ["--allowedTools", "Bash"],
      });
      const main = run.mock.requests.map((r) => r.json<ChatCompletionRequest>()).filter((r) =>
        r.tools?.some((t) => t.function.name === "Bash")
      );
      assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
      assert.match(run.stdout, new RegExp(`The command printed: ${MARKER}`));
      assert.ok(main.length >= 2, `expected two turns with tools, got ${main.length}`);
      const second = main[main.length - 1]!;
      const tool = toolMessages(second)[0];
      assert.ok(tool && tool.role === "tool", "the second turn carries the tool result");
      assert.equal(tool.tool_call_id, "call_bash_1");
      assert.match(String(tool.content), new RegExp(MARKER));
      const assistant = second.messages.find((m) => m.role === "assistant" && m.tool_calls);
      assert.ok(assistant && assistant.role === "assistant");
      assert.equal(assistant.tool_calls?.[0]?.function.name, "Bash");
      assert.equal(second.model, "fake-model");
      for (const request of run.mock.requests) {
        const body = request.json<Record<string, unknown>>();
        assert.equal(
          body.context_management,
          undefined,
          "Anthropic-only fields never reach the upstream",
        );
        assert.equal(body.output_config, undefined);
        assert.equal(body.thinking, undefined);
        const system = (body.messages as Array<{ role: string; content: unknown }>)[0];
        assert.doesNotMatch(JSON.stringify(system), /x-anthropic-billing-header/);
      }
    },
  });
}
