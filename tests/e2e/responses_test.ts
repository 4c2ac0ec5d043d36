// End to end with the Anthropic SDK: SDK → proxy → mock OpenAI Responses upstream on 127.0.0.1.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { jsonResponse, streamResponse } from "../helpers/mock_upstream.ts";
import { testConfig } from "../helpers/proxy.ts";
import { withSdkStack } from "../helpers/sdk_stack.ts";
import { WEATHER_TOOL } from "../helpers/weather_brain.ts";
import { responsesSse } from "../helpers/fake_responses_model.ts";

/** What the proxy sends a Responses provider (the fields these tests look at). */
interface SentRequest {
  model: string;
  instructions?: string;
  input: Array<Record<string, unknown>>;
  tools?: Array<Record<string, unknown>>;
  stream?: boolean;
  store?: boolean;
  max_output_tokens?: number;
  reasoning?: { effort?: string; summary?: string };
  [key: string]: unknown;
}

/** The proxy sends claude-test-sonnet to an OpenAI Responses provider at the mock as gpt-5.2. */
function config(upstreamUrl: string) {
  return testConfig(upstreamUrl, {
    provider: {
      name: "openai",
      format: "openai-responses",
      base_url: `${upstreamUrl}/v1`,
      api_key: "sk-test-secret-key-123456",
    },
    models: { "claude-test-sonnet": "gpt-5.2" },
  });
}

const USAGE = {
  input_tokens: 120,
  input_tokens_details: { cached_tokens: 100 },
  output_tokens: 30,
  output_tokens_details: { reasoning_tokens: 12 },
  total_tokens: 150,
};

/** A streamed answer: a reasoning summary, then a get_weather call whose arguments come in 3 parts. */
function toolCallStream(): string[] {
  const call = { type: "function_call", id: "fc_1", call_id: "call_w1", name: "get_weather" };
  return responsesSse([
    { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "reasoning", id: "rs_1", summary: [] },
    },
    { type: "response.reasoning_summary_part.added", item_id: "rs_1", summary_index: 0 },
    {
      type: "response.reasoning_summary_text.delta",
      item_id: "rs_1",
      output_index: 0,
      summary_index: 0,
      delta: "The user wants the weather.",
    },
    { type: "response.output_item.added", output_index: 1, item: { ...call, arguments: "" } },
    ...['{"city":', '"Zürich ', '東京"}'].map((delta) => ({
      type: "response.function_call_arguments.delta",
      item_id: "fc_1",
      output_index: 1,
      delta,
    })),
    {
      type: "response.function_call_arguments.done",
      item_id: "fc_1",
      output_index: 1,
      arguments: '{"city":"Zürich 東京"}',
    },
    {
      type: "response.completed",
      response: { id: "resp_1", status: "completed", usage: USAGE, output: [] },
    },
  ]);
}

Deno.test("a Responses provider gets /responses with store false and strict-free tools, and its streamed tool call reaches the SDK", async () => {
  await withSdkStack(
    {
      upstream: (request) =>
        streamResponse(toolCallStream(), {
          signal: request.signal,
          headers: { "content-type": "text/event-stream" },
        }),
      config,
    },
    async (client, { mock, proxy }) => {
      const message = await client.messages.stream({
        model: "claude-test-sonnet",
        max_tokens: 2000,
        system: "You are terse.",
        thinking: { type: "enabled", budget_tokens: 8000 },
        tools: [WEATHER_TOOL],
        messages: [{ role: "user", content: "weather?" }],
      }).finalMessage();
      assert.deepEqual(message.content.map((b) => b.type), ["thinking", "tool_use"]);
      const [thinking, tool] = message.content;
      assert.ok(thinking?.type === "thinking" && tool?.type === "tool_use");
      assert.equal(thinking.thinking, "The user wants the weather.");
      assert.equal(tool.id, "call_w1");
      assert.equal(tool.name, "get_weather");
      assert.deepEqual(tool.input, { city: "Zürich 東京" });
      assert.equal(message.stop_reason, "tool_use");
      assert.equal(message.usage.output_tokens, 30);

      assert.equal(mock.requests.length, 1);
      assert.equal(mock.requests[0]!.path, "/v1/responses");
      assert.equal(mock.requests[0]!.headers.authorization, "Bearer sk-test-secret-key-123456");
      const sent = mock.requests[0]!.json<SentRequest>();
      assert.equal(sent.model, "gpt-5.2");
      assert.equal(sent.instructions, "You are terse.");
      assert.equal(sent.stream, true);
      assert.equal(sent.store, false);
      assert.equal(sent.max_output_tokens, 2000);
      assert.deepEqual(sent.reasoning, { effort: "medium", summary: "auto" });
      assert.equal(sent.tools?.[0]?.name, "get_weather");
      assert.equal(sent.tools?.[0]?.strict, false);
      for (const key of ["messages", "max_tokens", "max_completion_tokens", "stream_options"]) {
        assert.ok(!(key in sent), `${key} is not a Responses field`);
      }
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record!.status, 200);
      assert.equal(record!.stop_reason, "tool_use");
      assert.equal(record!.upstream_model, "gpt-5.2");
    },
  );
});

Deno.test("a tool round trip through a Responses provider sends function_call and function_call_output items", async () => {
  const answer = {
    id: "resp_2",
    object: "response",
    status: "completed",
    model: "gpt-5.2",
    error: null,
    output: [{
      type: "message",
      id: "msg_1",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: "Sunny, 21°C in Bern.", annotations: [] }],
    }],
    usage: USAGE,
  };
  await withSdkStack({ upstream: () => jsonResponse(answer), config }, async (client, { mock }) => {
    const message = await client.messages.create({
      model: "claude-test-sonnet",
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "call_w1", name: "get_weather", input: { city: "Bern" } },
          ],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "call_w1", content: "sunny, 21°C" }],
        },
      ],
    });
    assert.deepEqual(message.content, [{ type: "text", text: "Sunny, 21°C in Bern." }]);
    assert.equal(message.stop_reason, "end_turn");
    assert.equal(message.usage.input_tokens, 20);
    assert.equal(message.usage.cache_read_input_tokens, 100);
    const sent = mock.requests[0]!.json<SentRequest>();
    const call = sent.input.find((item) => item.type === "function_call");
    const output = sent.input.find((item) => item.type === "function_call_output");
    assert.deepEqual(
      { call_id: call?.call_id, name: call?.name, arguments: call?.arguments },
      { call_id: "call_w1", name: "get_weather", arguments: '{"city":"Bern"}' },
    );
    assert.deepEqual(output, {
      type: "function_call_output",
      call_id: "call_w1",
      output: "sunny, 21°C",
    });
    assert.ok(sent.input.indexOf(call!) < sent.input.indexOf(output!));
  });
});

Deno.test("a Responses provider's error envelope becomes the Anthropic error with the same status", async () => {
  const recorded = readFileSync(
    new URL(
      "../fixtures/upstream/openai-responses/error-429-insufficient-quota.json",
      import.meta.url,
    ),
    "utf8",
  );
  await withSdkStack(
    {
      upstream: () =>
        new Response(recorded, { status: 429, headers: { "content-type": "application/json" } }),
      config,
    },
    async (client) => {
      const error = await client.messages.create({
        model: "claude-test-sonnet",
        max_tokens: 100,
        messages: [{ role: "user", content: "hi" }],
      }).catch((e: unknown) => e);
      assert.ok(error instanceof Anthropic.RateLimitError, String(error));
      assert.match(error.message, /quota/);
    },
  );
});

Deno.test("the recorded Responses stream of a function call reaches the SDK as a tool_use block", async () => {
  const recorded = readFileSync(
    new URL(
      "../fixtures/upstream/openai-responses/stream-function-call-arguments.sse",
      import.meta.url,
    ),
    "utf8",
  );
  await withSdkStack(
    {
      upstream: (request) =>
        streamResponse([recorded], {
          signal: request.signal,
          headers: { "content-type": "text/event-stream" },
        }),
      config,
    },
    async (client) => {
      const message = await client.messages.stream({
        model: "claude-test-sonnet",
        max_tokens: 100,
        tools: [WEATHER_TOOL],
        messages: [{ role: "user", content: "weather?" }],
      }).finalMessage();
      const tool = message.content.find((b) => b.type === "tool_use");
      assert.ok(tool?.type === "tool_use", JSON.stringify(message.content));
      assert.equal(message.stop_reason, "tool_use");
      assert.equal(typeof tool.input, "object");
      assert.ok(Object.keys(tool.input as object).length > 0);
    },
  );
});
