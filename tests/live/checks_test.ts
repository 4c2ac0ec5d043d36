// The live checks and the live target selection, run against scripted providers of each format.
import assert from "node:assert/strict";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeAnthropicModel } from "../helpers/fake_anthropic_model.ts";
import { fakeModel, type FakeReply } from "../helpers/fake_model.ts";
import { fakeResponsesModel, type ResponsesRequestBody } from "../helpers/fake_responses_model.ts";
import { jsonResponse, type MockHandler } from "../helpers/mock_upstream.ts";
import { withSdkStack } from "../helpers/sdk_stack.ts";
import { LIVE_CHECKS, type LiveCheck } from "./checks.ts";
import { LIVE_MODELS, liveConfig, liveTargets, modelVariable } from "./targets.ts";

const UPSTREAM_MODEL = "scripted-model";

/** Offered the tool, the scripted model calls it for Paris; given its result, it says so. */
function reply(toolResult: string | undefined, toolsOffered: boolean, last: string): FakeReply {
  if (toolResult !== undefined) return { text: `It is ${toolResult}.` };
  if (toolsOffered) {
    return {
      reasoning: "Look it up.",
      toolCalls: [{ id: "call_live_1", name: "get_weather", arguments: { city: "Paris" } }],
    };
  }
  return { text: `You said: ${last}`, reasoning: "Answer briefly." };
}

/** A 404 for any model but the scripted one, as providers answer an unknown model. */
function knownModelOnly(handler: MockHandler, anthropic: boolean): MockHandler {
  return (req, n) => {
    const model = req.body ? (req.json<{ model?: string }>().model ?? "") : "";
    if (model === UPSTREAM_MODEL || req.path.endsWith("/count_tokens")) return handler(req, n);
    const message = `The model '${model}' does not exist`;
    return anthropic
      ? jsonResponse({ type: "error", error: { type: "not_found_error", message } }, 404)
      : jsonResponse(
        { error: { message, type: "invalid_request_error", code: "model_not_found" } },
        404,
      );
  };
}

const chat = fakeModel((request: ChatCompletionRequest) => {
  const last = request.messages.at(-1);
  return reply(
    last?.role === "tool" ? String(last.content) : undefined,
    Boolean(request.tools?.length),
    typeof last?.content === "string" ? last.content : "",
  );
});

const responses = fakeResponsesModel((request: ResponsesRequestBody) => {
  const output = request.input.find((item) => item.type === "function_call_output");
  const last = request.input.at(-1);
  const content = last?.content;
  const text = typeof content === "string"
    ? content
    : Array.isArray(content)
    ? content.map((part) => String((part as { text?: unknown }).text ?? "")).join("")
    : "";
  return reply(output ? String(output.output) : undefined, Boolean(request.tools?.length), text);
});

const anthropic = fakeAnthropicModel((request: MessagesRequest) => {
  const last = request.messages.at(-1);
  const blocks = Array.isArray(last?.content) ? last.content : [];
  const result = blocks.find((block) => block.type === "tool_result");
  return reply(
    result?.type === "tool_result" ? String(result.content) : undefined,
    Boolean(request.tools?.length),
    typeof last?.content === "string" ? last.content : "",
  );
});

/** A config like liveConfig's, with the provider at the mock. */
function config(preset: string, url: string): string {
  return [
    "[provider]",
    `name = "${preset}"`,
    `base_url = "${url}"`,
    'api_key = "sk-live-test-key-0123456789"',
    "[models]",
    `"${LIVE_MODELS.model}" = "${UPSTREAM_MODEL}"`,
    `"${LIVE_MODELS.missing}" = "no-such-model"`,
  ].join("\n");
}

const FORMATS = [
  {
    label: "Chat Completions",
    preset: "openai",
    path: "/v1",
    handler: knownModelOnly(chat, false),
  },
  {
    label: "Responses",
    preset: "openai-responses",
    path: "/v1",
    handler: knownModelOnly(responses, false),
  },
  { label: "Anthropic", preset: "anthropic", path: "", handler: knownModelOnly(anthropic, true) },
];

for (const format of FORMATS) {
  for (const check of LIVE_CHECKS) {
    Deno.test(`live check "${check.name}" passes through the proxy to a ${format.label} provider`, async () => {
      await withSdkStack({
        upstream: format.handler,
        config: (url) => config(format.preset, url + format.path),
      }, async (client, { mock }) => {
        await check.run(client, LIVE_MODELS);
        // The proxy counts tokens itself for OpenAI formats; everything else reaches the provider.
        const local = check.name === "counts a prompt's tokens" && format.preset !== "anthropic";
        assert.equal(mock.requests.length > 0, !local, "the check reached the provider");
      });
    });
  }
}

/** Runs `check` against the provider `handler` scripts, which gets its point wrong: it must fail. */
async function failsAgainst(check: LiveCheck, handler: MockHandler): Promise<void> {
  await withSdkStack(
    { upstream: handler, config: (url) => config("openai", url + "/v1") },
    async (client) => {
      await assert.rejects(check.run(client, LIVE_MODELS));
    },
  );
}

function check(name: string): LiveCheck {
  return LIVE_CHECKS.find((c) => c.name.startsWith(name))!;
}

Deno.test("live tool check fails when the provider answers in text instead of calling the tool", async () => {
  await failsAgainst(check("calls a tool"), fakeModel(() => ({ text: "Sunny, probably." })));
});

Deno.test("live unknown-model check fails when the provider answers any model", async () => {
  await failsAgainst(check("answers an unknown model"), chat);
});

Deno.test("live short-prompt check fails on an empty end_turn answer", async () => {
  await failsAgainst(check("answers a short prompt"), fakeModel(() => ({ text: "" })));
});

Deno.test("liveTargets selects nothing unless CLAUDE_PROXY_LIVE is set", () => {
  assert.deepEqual(liveTargets({ OPENAI_API_KEY: "sk-x" }), []);
  assert.deepEqual(liveTargets({ CLAUDE_PROXY_LIVE: " " }), []);
});

Deno.test("liveTargets with all picks the presets whose key is set, never a local or base-URL-less one", () => {
  const targets = liveTargets({
    CLAUDE_PROXY_LIVE: "all",
    DEEPSEEK_API_KEY: "k",
    AZURE_OPENAI_API_KEY: "k",
  });
  assert.deepEqual(targets.map((t) => t.preset).sort(), ["deepseek", "deepseek-anthropic"]);
  assert.ok(targets.every((t) => t.problem === undefined));
  assert.equal(targets.find((t) => t.preset === "deepseek")?.model, "deepseek-flash");
  assert.equal(targets.find((t) => t.preset === "deepseek-anthropic")?.model, "claude-haiku-4-5");
});

Deno.test("liveTargets names what is missing for a preset asked for by name", () => {
  const env = {
    CLAUDE_PROXY_LIVE: "OpenAI, nope, ollama",
    [modelVariable("openai")]: "gpt-4.1-nano",
  };
  const [openai, nope, ollama] = liveTargets(env);
  assert.equal(openai?.preset, "openai");
  assert.equal(openai?.model, "gpt-4.1-nano");
  assert.equal(openai?.problem, 'Set OPENAI_API_KEY to check "openai"');
  assert.equal(nope?.problem, 'Unknown preset "nope"');
  assert.equal(ollama?.problem, "Set CLAUDE_PROXY_LIVE_MODEL_OLLAMA to a model to check");
});

Deno.test("liveConfig routes the live names and takes only the preset's key from the environment", () => {
  const [target] = liveTargets({ CLAUDE_PROXY_LIVE: "deepseek", DEEPSEEK_API_KEY: "sk-live" });
  const config = liveConfig(target!, {
    DEEPSEEK_API_KEY: "sk-live",
    BIG_MODEL: "gpt-4o",
    OPENAI_API_KEY: "sk-other",
  });
  const provider = config.providers[config.defaultProvider]!;
  assert.equal(provider.preset, "deepseek");
  assert.equal(provider.apiKey, "sk-live");
  assert.deepEqual(
    config.models.map((rule) => [rule.pattern, rule.model]),
    [[LIVE_MODELS.model, "deepseek-flash"], [
      LIVE_MODELS.missing,
      "no-such-model-claude-proxy-live",
    ]],
  );
});
