// End to end with the Anthropic SDK: SDK → proxy → a scripted Gemini API (generateContent, streams, countTokens).
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { parseSignature } from "../../src/translate/anthropic/signature.ts";
import type { GeminiRequest } from "../../src/wire/gemini_types.ts";
import {
  FAKE_GEMINI_KEY,
  fakeGeminiModel,
  fakeTokenCount,
  functionResponses,
  geminiError,
  lastUserText,
} from "../helpers/fake_gemini_model.ts";
import { jsonResponse, type RecordedRequest } from "../helpers/mock_upstream.ts";
import { testConfig } from "../helpers/proxy.ts";
import { withSdkStack } from "../helpers/sdk_stack.ts";
import { WEATHER_TOOL } from "../helpers/weather_brain.ts";

const MODEL = "gemini-3-pro-preview";
const CALL_SIGNATURE = "EpwICpkIAXLI2nxl-call-signature";
const THOUGHT_SIGNATURE = "Eo0HCooHAb4-thought-signature";

function geminiConfig(url: string, model = MODEL) {
  return testConfig(url, {
    provider: { name: "gemini", base_url: url, api_key: FAKE_GEMINI_KEY, format: "gemini" },
    models: { "*": model },
  });
}

/** Thinks, then calls get_weather once; answers the weather result in words. */
function weatherGemini(request: GeminiRequest) {
  const [result] = functionResponses(request);
  if (result) return { text: `The tool said: ${String(result.response.output)}` };
  if (request.tools?.length) {
    return {
      thought: "The user wants the weather.",
      thoughtSignature: THOUGHT_SIGNATURE,
      text: "Let me check.",
      calls: [{ name: "get_weather", args: { city: "Zürich 東京" }, signature: CALL_SIGNATURE }],
    };
  }
  return { thought: "An echo.", text: `echo: ${lastUserText(request)}` };
}

const QUESTION = { role: "user" as const, content: "Weather in Zürich?" };
const PARAMS = {
  model: "claude-sonnet-4-5",
  max_tokens: 2048,
  tools: [WEATHER_TOOL],
  thinking: { type: "enabled" as const, budget_tokens: 1024 },
};

for (const stream of [false, true]) {
  const how = stream ? "streamed" : "whole";
  Deno.test(`a tool round trip with thinking runs through a Gemini provider (${how})`, async () => {
    await withSdkStack({
      upstream: fakeGeminiModel(weatherGemini),
      config: (url) => geminiConfig(url),
    }, async (client, { mock, proxy }) => {
      const first = stream
        ? await client.messages.stream({ ...PARAMS, messages: [QUESTION] }).finalMessage()
        : await client.messages.create({ ...PARAMS, messages: [QUESTION] });
      assert.deepEqual(first.content.map((b) => b.type), ["thinking", "text", "tool_use"]);
      const [thinking, , call] = first.content;
      assert.ok(thinking?.type === "thinking" && call?.type === "tool_use");
      assert.equal(thinking.thinking, "The user wants the weather.");
      assert.deepEqual(parseSignature(thinking.signature), {
        origin: "gemini",
        original: THOUGHT_SIGNATURE,
      });
      assert.deepEqual(call.input, { city: "Zürich 東京" });
      assert.equal(first.stop_reason, "tool_use");
      assert.deepEqual(first.usage, { input_tokens: 42, output_tokens: 18 });
      const second = await client.messages.create({
        ...PARAMS,
        messages: [
          QUESTION,
          { role: "assistant", content: first.content },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: call.id, content: "Sunny" }],
          },
        ],
      });
      const texts = second.content.flatMap((b) => b.type === "text" ? [b.text] : []);
      assert.deepEqual(texts, ["The tool said: Sunny"]);
      const [one, two] = mock.requests;
      const method = stream ? "streamGenerateContent?alt=sse" : "generateContent";
      assert.equal(one!.path, `/v1beta/models/${MODEL}:${method}`);
      assert.equal(two!.path, `/v1beta/models/${MODEL}:generateContent`);
      for (const request of mock.requests) {
        assert.equal(request.headers["x-goog-api-key"], FAKE_GEMINI_KEY);
        assert.equal(request.headers.authorization, undefined);
      }
      const sent = two!.json<GeminiRequest>();
      const model = sent.contents[1]!;
      assert.deepEqual(model.parts, [
        { text: "The user wants the weather.", thought: true, thoughtSignature: THOUGHT_SIGNATURE },
        { text: "Let me check." },
        {
          functionCall: { name: "get_weather", args: { city: "Zürich 東京" } },
          thoughtSignature: CALL_SIGNATURE,
        },
      ]);
      assert.deepEqual(functionResponses(sent), [{
        name: "get_weather",
        response: { output: "Sunny" },
      }]);
      assert.deepEqual(sent.generationConfig?.thinkingConfig, {
        thinkingLevel: "low",
        includeThoughts: true,
      });
      const records = await proxy.waitForRecords(2);
      assert.equal(records[0]!.provider, "gemini");
      assert.equal(records[0]!.stop_reason, "tool_use");
      assert.equal(records[0]!.output_tokens, 18);
      assert.ok(records[1]!.changes?.includes("restored 1 thought signature"));
    });
  });
}

Deno.test("a Gemini quota error reaches the SDK as a 429 with Gemini's retry delay", async () => {
  const quota = () =>
    geminiError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", [
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "21s" },
    ]);
  await withSdkStack({ upstream: quota, config: (url) => geminiConfig(url) }, async (client) => {
    const error = await client.messages.create({ ...PARAMS, messages: [QUESTION] }).then(
      () => assert.fail("expected an error"),
      (err: unknown) => err,
    );
    assert.ok(error instanceof Anthropic.RateLimitError, String(error));
    assert.equal(error.headers?.get("retry-after"), "21");
    assert.match(error.message, /RESOURCE_EXHAUSTED: You exceeded your current quota/);
  });
});

Deno.test("a key Gemini refuses reaches the SDK as a 401", async () => {
  await withSdkStack({
    upstream: fakeGeminiModel(weatherGemini),
    config: (url) =>
      testConfig(url, {
        provider: { name: "gemini", base_url: url, api_key: "AIza-wrong", format: "gemini" },
        models: { "*": MODEL },
      }),
  }, async (client) => {
    await assert.rejects(
      client.messages.create({ ...PARAMS, messages: [QUESTION] }),
      Anthropic.AuthenticationError,
    );
  });
});

Deno.test("a Gemini answer its filters stopped reaches a streaming client as an error event", async () => {
  const blocked = fakeGeminiModel(() => ({ text: "Once upon", finishReason: "RECITATION" }));
  await withSdkStack({ upstream: blocked, config: (url) => geminiConfig(url) }, async (client) => {
    await assert.rejects(
      client.messages.stream({ ...PARAMS, tools: [], messages: [QUESTION] }).finalMessage(),
      (error: unknown) => {
        assert.ok(error instanceof Anthropic.APIError, String(error));
        assert.match(error.message, /Gemini stopped the answer \(RECITATION\)/);
        return true;
      },
    );
  });
});

Deno.test("count_tokens on a Gemini route asks Gemini's countTokens", async () => {
  await withSdkStack({
    upstream: fakeGeminiModel(weatherGemini),
    config: (url) => geminiConfig(url),
  }, async (client, { mock }) => {
    const counted = await client.messages.countTokens({
      model: "claude-sonnet-4-5",
      system: "Be brief.",
      tools: [WEATHER_TOOL],
      messages: [QUESTION],
    });
    const [request] = mock.requests;
    assert.equal(request!.path, `/v1beta/models/${MODEL}:countTokens`);
    const body = request!.json<{ generateContentRequest: GeminiRequest & { model: string } }>();
    assert.equal(body.generateContentRequest.model, `models/${MODEL}`);
    assert.deepEqual(body.generateContentRequest.systemInstruction, {
      parts: [{ text: "Be brief." }],
    });
    assert.equal(
      body.generateContentRequest.tools?.[0]?.functionDeclarations?.[0]?.name,
      "get_weather",
    );
    assert.equal(counted.input_tokens, fakeTokenCount(body.generateContentRequest));
  });
});

Deno.test("count_tokens on a Gemini route counts locally when Gemini fails", async () => {
  const failing = (req: RecordedRequest) =>
    req.path.endsWith(":countTokens")
      ? geminiError(500, "INTERNAL", "An internal error has occurred.")
      : jsonResponse({});
  await withSdkStack(
    { upstream: failing, config: (url) => geminiConfig(url) },
    async (client, { mock }) => {
      const counted = await client.messages.countTokens({
        model: "claude-sonnet-4-5",
        messages: [QUESTION],
      });
      assert.equal(mock.requests.length, 1, "asked once, no retries");
      assert.ok(
        counted.input_tokens > 0 && counted.input_tokens < 50,
        String(counted.input_tokens),
      );
    },
  );
});
