// End to end with the real Claude Code CLI: claude -p → proxy → mock OpenAI Responses upstream.
import assert from "node:assert/strict";
import { CLAUDE_CODE_VERSIONS, claudeCodeTest, runClaudeCode } from "../helpers/claude_cli.ts";
import { fakeResponsesModel, type ResponsesRequestBody } from "../helpers/fake_responses_model.ts";
import { testConfig } from "../helpers/proxy.ts";

const MARKER = "proxy-responses-e2e-5c20d4";

function toolOutputs(request: ResponsesRequestBody) {
  return request.input.filter((item) => item.type === "function_call_output");
}

for (const version of CLAUDE_CODE_VERSIONS) {
  Deno.test({
    name: `Claude Code ${version} runs a Bash tool call through a Responses-format provider`,
    ...claudeCodeTest(version),
    fn: async () => {
      const run = await runClaudeCode({
        version,
        upstream: fakeResponsesModel((request) => {
          const output = toolOutputs(request)[0];
          if (output) return { text: `The command printed: ${String(output.output).trim()}` };
          if (request.tools?.some((t) => t.name === "Bash")) {
            return {
              reasoning: "Run the marker command.",
              toolCalls: [{
                id: "call_bash_1",
                name: "Bash",
                arguments: { command: `echo ${MARKER}`, description: "Print the marker" },
              }],
            };
          }
          return { text: "ok" };
        }),
        config: (url) =>
          testConfig(url, {
            provider: {
              name: "openai-responses",
              base_url: `${url}/v1`,
              api_key: "sk-test-secret-key-123456",
            },
            models: { "*": "gpt-5.2" },
          }),
        prompt: "Run the marker command and tell me what it printed.",
        args: ["--allowedTools", "Bash"],
      });
      const requests = run.mock.requests;
      assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
      assert.match(run.stdout, new RegExp(`The command printed: ${MARKER}`));
      assert.ok(requests.every((r) => r.path === "/v1/responses"));
      const main = requests.map((r) => r.json<ResponsesRequestBody>()).filter((r) =>
        r.tools?.some((t) => t.name === "Bash")
      );
      assert.ok(main.length >= 2, `expected two turns with tools, got ${main.length}`);
      const second = main[main.length - 1]!;
      const call = second.input.find((item) => item.type === "function_call");
      assert.equal(call?.call_id, "call_bash_1");
      assert.equal(call?.name, "Bash");
      const output = toolOutputs(second)[0];
      assert.equal(output?.call_id, "call_bash_1");
      assert.match(String(output?.output), new RegExp(MARKER));
      for (const request of requests.map((r) => r.json<ResponsesRequestBody>())) {
        assert.equal(request.store, false, "nothing is stored at the provider");
        assert.ok(!("messages" in request) && !("context_management" in request));
        assert.ok(request.tools?.every((t) => t.strict === false) ?? true);
        assert.doesNotMatch(
          JSON.stringify(request.instructions ?? ""),
          /x-anthropic-billing-header/,
        );
      }
    },
  });
}
