// End to end with the real Claude Code CLI: claude -p → proxy → a scripted Gemini API, a tool round trip with thinking.
import assert from "node:assert/strict";
import { CLAUDE_CODE_TEST, runClaudeCode } from "../helpers/claude_cli.ts";
import {
  FAKE_GEMINI_KEY,
  fakeGeminiModel,
  functionResponses,
} from "../helpers/fake_gemini_model.ts";
import { testConfig } from "../helpers/proxy.ts";
import type { GeminiRequest } from "../../src/wire/gemini_types.ts";

const MARKER = "proxy-gemini-e2e-3b81f0";
const MODEL = "gemini-3-pro-preview";
const CALL_SIGNATURE = "EpwICpkIAXLI2nxl-bash-call";
const THOUGHT_SIGNATURE = "Eo0HCooHAb4-bash-thought";

function offersBash(request: GeminiRequest): boolean {
  return request.tools?.some((t) => t.functionDeclarations?.some((f) => f.name === "Bash")) ??
    false;
}

Deno.test({
  name: "Claude Code runs a Bash tool call with thinking through a Gemini-format provider",
  ...CLAUDE_CODE_TEST,
  fn: async () => {
    const run = await runClaudeCode({
      upstream: fakeGeminiModel((request) => {
        const [result] = functionResponses(request);
        if (result) {
          const output = String(result.response.output ?? result.response.error).trim();
          return { thought: "Report it.", text: `The command printed: ${output}` };
        }
        if (offersBash(request)) {
          return {
            thought: "I should run the marker command.",
            thoughtSignature: THOUGHT_SIGNATURE,
            calls: [{
              name: "Bash",
              args: { command: `echo ${MARKER}`, description: "Print the marker" },
              signature: CALL_SIGNATURE,
            }],
          };
        }
        return { text: "ok" };
      }),
      config: (url) =>
        testConfig(url, {
          provider: { name: "gemini", base_url: url, api_key: FAKE_GEMINI_KEY, format: "gemini" },
          models: { "*": MODEL },
        }),
      prompt: "Run the marker command and tell me what it printed.",
      args: ["--allowedTools", "Bash"],
    });
    assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, new RegExp(`The command printed: ${MARKER}`));
    const requests = run.mock.requests;
    assert.ok(requests.every((r) => r.path.startsWith(`/v1beta/models/${MODEL}:`)), "Gemini paths");
    assert.ok(requests.every((r) => r.headers["x-goog-api-key"] === FAKE_GEMINI_KEY));
    const main = requests.filter((r) =>
      r.path.includes("GenerateContent") ||
      r.path.includes("generateContent")
    )
      .map((r) => r.json<GeminiRequest>()).filter(offersBash);
    assert.ok(main.length >= 2, `expected two turns with tools, got ${main.length}`);
    const [first, second] = [main[0]!, main[main.length - 1]!];
    const thinking = first.generationConfig?.thinkingConfig;
    assert.ok(
      thinking?.thinkingLevel,
      `Claude Code's effort reaches Gemini: ${JSON.stringify(thinking)}`,
    );
    const model = second.contents.findLast((c) => c.role === "model")!;
    const call = model.parts.find((p) => p.functionCall);
    assert.equal(call?.functionCall?.name, "Bash");
    assert.equal(call?.thoughtSignature, CALL_SIGNATURE, "the call's signature came back");
    if (thinking?.includeThoughts) {
      assert.deepEqual(model.parts.find((p) => p.thought), {
        text: "I should run the marker command.",
        thought: true,
        thoughtSignature: THOUGHT_SIGNATURE,
      }, "the signed thought came back");
    }
    const [result] = functionResponses(second);
    assert.equal(result?.name, "Bash");
    assert.match(String(result?.response.output), new RegExp(MARKER));
    for (const request of main) {
      assert.doesNotMatch(
        JSON.stringify(request.systemInstruction ?? ""),
        /x-anthropic-billing-header/,
      );
      const schemas = JSON.stringify(request.tools ?? []);
      assert.doesNotMatch(schemas, /"\$schema"|"additionalProperties"/);
    }
    const records = run.proxy.records.filter((r) => r.path === "/v1/messages");
    assert.ok(records.every((r) => r.status === 200), JSON.stringify(records.map((r) => r.status)));
  },
});
