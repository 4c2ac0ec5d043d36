// End to end with the real Claude Code CLI: a model@provider given to --model, and a subagent's requests
// routed by [router] subagent, each to its own scripted provider.
import assert from "node:assert/strict";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { CLAUDE_CODE_TEST, runClaude } from "../helpers/claude_cli.ts";
import { fakeAnthropicModel } from "../helpers/fake_anthropic_model.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { withGateway } from "../helpers/gateway_stack.ts";

const MARKER = "helper-marker-5c1e";

/** `main` speaks Chat Completions and takes every Claude model; `helper` speaks Anthropic. */
const TOML = `
[providers.main]
name = "openai"
base_url = "{url:main}"
api_key = "sk-main-e2e-key-0000001"
[providers.helper]
name = "anthropic"
base_url = "{url:helper}"
api_key = "sk-helper-e2e-key-000002"
[models]
"*" = "main-model@main"
[router]
subagent = "helper-model@helper"
[upstream]
retries = 0
`;

function toolResults(request: ChatCompletionRequest): string[] {
  return request.messages.filter((m) => m.role === "tool").map((m) => String(m.content));
}

Deno.test({
  name: "Claude Code's --model main-model@helper sends its requests to that provider",
  ...CLAUDE_CODE_TEST,
  fn: async () => {
    await withGateway({
      providers: {
        main: fakeModel(() => ({ text: "main answered" })),
        helper: fakeAnthropicModel((request) => ({ text: `${MARKER} from ${request.model}` })),
      },
      toml: TOML,
    }, async ({ mocks, proxy }) => {
      const run = await runClaude(proxy.url, ["-p", "say pong", "--model", "picked-model@helper"]);
      assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
      assert.match(run.stdout, new RegExp(`${MARKER} from picked-model`));
      const sent = mocks.helper!.requests.map((r) => r.json<MessagesRequest>().model);
      assert.ok(sent.includes("picked-model"), `helper got ${sent.join(", ")}`);
      const record = proxy.records.find((r) => r.model === "picked-model@helper");
      assert.equal(record?.provider, "helper");
      assert.equal(record?.upstream_model, "picked-model");
    });
  },
});

Deno.test({
  name: "Claude Code's subagent requests go to the [router] subagent target, the main loop stays",
  ...CLAUDE_CODE_TEST,
  fn: async () => {
    await withGateway({
      providers: {
        main: fakeModel((request) => {
          const results = toolResults(request);
          if (results.length > 0) return { text: `The subagent said: ${results.join(" ")}` };
          if (request.tools?.some((t) => t.function.name === "Agent")) {
            return {
              toolCalls: [{
                id: "call_agent_1",
                name: "Agent",
                arguments: {
                  description: "Ask the helper",
                  prompt: "Reply with the helper's marker.",
                  subagent_type: "general-purpose",
                },
              }],
            };
          }
          return { text: "ok" };
        }),
        helper: fakeAnthropicModel(() => ({ text: MARKER })),
      },
      toml: TOML,
    }, async ({ mocks, proxy }) => {
      const run = await runClaude(proxy.url, [
        "-p",
        "Ask a subagent for the marker and tell me what it said.",
        "--allowedTools",
        "Agent",
      ]);
      assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
      assert.match(run.stdout, new RegExp(`The subagent said: .*${MARKER}`));
      const helper = mocks.helper!.requests;
      assert.ok(helper.length >= 1, "the subagent's request reached the helper");
      for (const request of helper) {
        assert.equal(request.json<MessagesRequest>().model, "helper-model");
      }
      const routed = proxy.records.filter((r) => r.provider === "helper");
      assert.equal(routed.length, helper.length);
      for (const record of routed) {
        // Claude Code 2.1.197 sends both signs on a subagent's requests; the header is read first.
        assert.deepEqual(record.routing, ["subagent: x-claude-code-agent-id"]);
      }
      assert.ok(
        proxy.records.filter((r) => r.provider === "main").every((r) => r.routing === undefined),
        "the main loop was not moved",
      );
      assert.ok(mocks.main!.requests.length >= 2, "the main loop stayed on main");
    });
  },
});
