// End to end with the official Anthropic SDK: SDK → proxy → mock OpenAI upstream on 127.0.0.1.
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { type ProxyStackOptions, testConfig } from "../helpers/proxy.ts";
import { withSdkStack } from "../helpers/sdk_stack.ts";
import { WEATHER_TOOL, weatherBrain } from "../helpers/weather_brain.ts";

/** The proxy sends claude-test-sonnet to an OpenAI-format provider at the mock as gpt-4o. */
function config(upstreamUrl: string) {
  return testConfig(upstreamUrl, { models: { "claude-test-sonnet": "gpt-4o" } });
}

/** The weather model as the mock upstream, behind the proxy as configured above. */
function weather(): ProxyStackOptions {
  return { upstream: fakeModel(weatherBrain), config };
}

Deno.test("SDK messages.create gets a translated non-streaming answer", async () => {
  await withSdkStack(weather(), async (client, { mock, proxy }) => {
    const message = await client.messages.create({
      model: "claude-test-sonnet",
      max_tokens: 100,
      messages: [{ role: "user", content: "hello" }],
    });
    assert.equal(message.type, "message");
    assert.equal(message.model, "claude-test-sonnet");
    assert.match(message.id, /^msg_/);
    const text = message.content.find((b) => b.type === "text");
    assert.equal(text?.type === "text" ? text.text : "", "echo: hello");
    const thinking = message.content.find((b) => b.type === "thinking");
    assert.equal(thinking?.type === "thinking" ? thinking.thinking : "", "The user wants an echo.");
    assert.equal(message.stop_reason, "end_turn");
    assert.equal(message.usage.input_tokens, 42);
    assert.equal(message.usage.output_tokens, 7);
    const sent = mock.requests[0]!.json<ChatCompletionRequest>();
    assert.equal(sent.model, "gpt-4o");
    assert.equal(mock.requests[0]!.path, "/chat/completions");
    assert.equal(mock.requests[0]!.headers.authorization, "Bearer sk-test-secret-key-123456");
    const [record] = await proxy.waitForRecords(1);
    assert.equal(record?.upstream_model, "gpt-4o");
    assert.equal(record?.status, 200);
  });
});

Deno.test("SDK messages.stream accepts the event order and assembles text and tool input", async () => {
  await withSdkStack(weather(), async (client, { mock }) => {
    const stream = client.messages.stream({
      model: "claude-test-sonnet",
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [{ role: "user", content: "weather?" }],
    });
    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(message.content.map((b) => b.type), ["text", "tool_use"]);
    const tool = message.content[1];
    assert.ok(tool?.type === "tool_use");
    assert.equal(tool.name, "get_weather");
    assert.equal(tool.id, "call_abc123");
    assert.deepEqual(tool.input, { city: "Zürich 東京" });
    const sent = mock.requests[0]!.json<ChatCompletionRequest>();
    assert.equal(sent.stream, true);
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.equal(sent.tools?.[0]?.function.name, "get_weather");
  });
});

Deno.test("SDK tool round trip sends the tool result upstream as a tool message", async () => {
  await withSdkStack(weather(), async (client, { mock }) => {
    const message = await client.messages.stream({
      model: "claude-test-sonnet",
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: [{
            type: "tool_use",
            id: "call_abc123",
            name: "get_weather",
            input: { city: "Bern" },
          }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "call_abc123", content: "sunny, 21°C" }],
        },
      ],
    }).finalMessage();
    const text = message.content.find((b) => b.type === "text");
    assert.equal(text?.type === "text" ? text.text : "", "The tool said: sunny, 21°C");
    const sent = mock.requests[0]!.json<ChatCompletionRequest>();
    const roles = sent.messages.map((m) => m.role);
    assert.deepEqual(roles, ["user", "assistant", "tool"]);
  });
});

Deno.test("SDK countTokens returns a positive count from the tokenizer", async () => {
  await withSdkStack(weather(), async (client) => {
    const small = await client.messages.countTokens({
      model: "claude-test-sonnet",
      messages: [{ role: "user", content: "hi" }],
    });
    const withTools = await client.messages.countTokens({
      model: "claude-test-sonnet",
      tools: [WEATHER_TOOL],
      messages: [{ role: "user", content: "hi" }],
    });
    assert.ok(small.input_tokens > 0);
    assert.ok(withTools.input_tokens > small.input_tokens + 20, "tool definitions are counted");
  });
});

Deno.test("SDK sees upstream HTTP errors as Anthropic errors with the upstream's message", async () => {
  const unauthorized = () =>
    Response.json({
      error: {
        message: "Incorrect API key provided",
        type: "invalid_request_error",
        code: "invalid_api_key",
      },
    }, { status: 401 });
  await withSdkStack({ upstream: unauthorized, config }, async (client) => {
    await assert.rejects(
      client.messages.create({
        model: "m",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
      }),
      (err: unknown) => {
        assert.ok(err instanceof Anthropic.AuthenticationError);
        assert.equal(err.status, 401);
        assert.match(err.message, /Incorrect API key provided/);
        return true;
      },
    );
  });
});
