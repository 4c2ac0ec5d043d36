// Every preset's default models reach the API that accepts them: scripted providers refuse what the real ones refuse.
import assert from "node:assert/strict";
import type { FileConfig } from "../../src/config/validate.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { PROVIDER_PRESETS } from "../../src/providers/presets.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { fakeResponsesModel } from "../helpers/fake_responses_model.ts";
import { jsonResponse, type RecordedRequest } from "../helpers/mock_upstream.ts";
import { withSdkStack } from "../helpers/sdk_stack.ts";
import { WEATHER_TOOL } from "../helpers/weather_brain.ts";

/**
 * OpenAI's answer to gpt-5.x or gpt-6 with function tools and reasoning on Chat Completions, as the
 * API words it (recorded in public bug reports, 2026-03 to 2026-09).
 */
function chatRefusal(model: string): Response {
  return jsonResponse({
    error: {
      message: `Function tools with reasoning_effort are not supported for ${model} in ` +
        `/v1/chat/completions. To use function tools, use /v1/responses or set ` +
        `reasoning_effort to 'none'.`,
      type: "invalid_request_error",
      param: "reasoning_effort",
      code: null,
    },
  }, 400);
}

/** A scripted OpenAI: refuses reasoning models with tools on /chat/completions, answers /responses. */
function scriptedOpenAI(request: RecordedRequest): Response {
  if (request.path.endsWith("/responses")) {
    return fakeResponsesModel(() => ({ text: "pong from responses" }))(request);
  }
  const body = request.json<ChatCompletionRequest>();
  // gpt-5.5 and later reason by default, so tools are refused even without reasoning_effort.
  const reasons = /^gpt-(5\.\d|6)/.test(body.model) && body.reasoning_effort !== "none";
  if (reasons && (body.tools?.length ?? 0) > 0) return chatRefusal(body.model);
  return fakeModel(() => ({ text: "pong from chat" }))(request);
}

function openAIConfig(url: string, file: FileConfig = {}) {
  return resolveConfig({
    cli: {},
    env: {},
    file: {
      providers: { openai: { base_url: `${url}/v1`, api_key: "sk-test-secret-key-123456" } },
      upstream: { retries: 0, ping_interval_ms: 60_000 },
      ...file,
    },
    source: "test",
  });
}

const TOOL_TURN = {
  max_tokens: 1000,
  thinking: { type: "enabled" as const, budget_tokens: 4000 },
  tools: [WEATHER_TOOL],
  messages: [{ role: "user" as const, content: "ping" }],
};

for (const [claude, tier] of [["claude-opus-5-5", "big"], ["claude-haiku-5-5", "small"]] as const) {
  const upstream = PROVIDER_PRESETS.openai!.defaultModels![tier];
  Deno.test(`the openai preset sends its ${tier} default ${upstream} with tools to /responses, which accepts it`, async () => {
    await withSdkStack(
      { upstream: scriptedOpenAI, config: (url) => openAIConfig(url) },
      async (client, { mock, proxy }) => {
        const message = await client.messages.create({ model: claude, ...TOOL_TURN });
        assert.deepEqual(message.content, [{ type: "text", text: "pong from responses" }]);
        assert.equal(mock.requests.length, 1);
        assert.equal(mock.requests[0]!.path, "/v1/responses");
        assert.equal(mock.requests[0]!.json<{ model: string }>().model, upstream);
        const [record] = await proxy.waitForRecords(1);
        assert.equal(record!.status, 200);
        assert.equal(record!.upstream_model, upstream);
      },
    );
  });
}

Deno.test("the openai preset keeps models that accept Chat Completions on /chat/completions", async () => {
  await withSdkStack(
    {
      upstream: scriptedOpenAI,
      config: (url) => openAIConfig(url, { models: { "*": "gpt-4.1" } }),
    },
    async (client, { mock }) => {
      const message = await client.messages.create({ model: "claude-sonnet-5-5", ...TOOL_TURN });
      assert.deepEqual(message.content, [{ type: "text", text: "pong from chat" }]);
      assert.equal(mock.requests[0]!.path, "/v1/chat/completions");
    },
  );
});

Deno.test('api = "chat" in [model_options] sends a gpt-5.x model to Chat Completions, and OpenAI\'s refusal reaches the client', async () => {
  await withSdkStack(
    {
      upstream: scriptedOpenAI,
      config: (url) =>
        openAIConfig(url, {
          models: { "*": "gpt-6-sol" },
          model_options: { "gpt-6-sol": { api: "chat" } },
        }),
    },
    async (client, { mock }) => {
      const error = await client.messages.create({ model: "claude-opus-5-5", ...TOOL_TURN })
        .then(() => undefined, (err: unknown) => err as { status?: number; message?: string });
      assert.equal(error?.status, 400);
      assert.match(error?.message ?? "", /use \/v1\/responses/);
      assert.equal(mock.requests[0]!.path, "/v1/chat/completions");
    },
  );
});

/** What a provider without the Responses API answers to POST /responses. */
function noResponsesApi(): Response {
  return jsonResponse({ error: { message: "Not Found", type: "invalid_request_error" } }, 404);
}

Deno.test("every OpenAI-format preset's default models reach an API its provider serves", async () => {
  for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
    if (preset.format !== "openai" || !preset.defaultModels) continue;
    const responsesOnly = name === "openai";
    await withSdkStack(
      {
        // OpenAI refuses tools with reasoning on Chat Completions; the others have no /responses.
        upstream: (request) =>
          responsesOnly || !request.path.endsWith("/responses")
            ? scriptedOpenAI(request)
            : noResponsesApi(),
        config: (url) =>
          resolveConfig({
            cli: {},
            env: {},
            file: {
              providers: {
                [name]: { base_url: `${url}/v1`, api_key: "sk-test-secret-key-123456" },
              },
              upstream: { retries: 0, ping_interval_ms: 60_000 },
            },
            source: "test",
          }),
      },
      async (client, { mock }) => {
        for (const claude of ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"]) {
          const message = await client.messages.create({ model: claude, ...TOOL_TURN });
          assert.equal(message.content[0]?.type, "text", `${name} ${claude}`);
        }
        const paths = new Set(mock.requests.map((r) => r.path));
        assert.deepEqual([...paths], [responsesOnly ? "/v1/responses" : "/v1/chat/completions"]);
      },
    );
  }
});
