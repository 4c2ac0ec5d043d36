// Feeds every recorded OpenAI-format stream through the full pipeline, whole and split at random bytes.
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import type { StreamEvent } from "../../src/wire/anthropic_types.ts";
import { assertGolden } from "../helpers/golden.ts";
import {
  readRecordedStream,
  recordedStreamNames,
  translateRecordedStream,
} from "../helpers/recorded_streams.ts";
import {
  assertAnthropicGrammar,
  openAIChunks,
  parseAnthropicSse,
  randomSplit,
  reassembleAnthropic,
  reassembleOpenAI,
} from "../helpers/streams.ts";

const GOLDEN = new URL("../fixtures/streams/", import.meta.url);

/** Fixtures skipped, each with its reason. */
const SKIP: Record<string, string> = {};

/** How each stream must end: a stop reason, or the upstream error message it relays. */
const EXPECTED: Record<string, { stopReason: string } | { error: string }> = {
  "alibaba/chat-stream-tool-call.jsonl": { stopReason: "tool_use" },
  "azure/chat-stream-content-filter.sse": { stopReason: "end_turn" },
  "azure/chat-stream-model-router.jsonl": { stopReason: "end_turn" },
  "deepseek/chat-stream-reasoning-content.sse": { stopReason: "end_turn" },
  "deepseek/chat-stream-reasoning-then-tool-call.jsonl": { stopReason: "tool_use" },
  "groq/chat-stream-midstream-error-tool-use-failed.sse": {
    error: "Upstream stream error: Tool choice is required, but model did not call a tool",
  },
  "groq/chat-stream-reasoning-tool-call.sse": { stopReason: "tool_use" },
  "groq/chat-stream-tool-call.jsonl": { stopReason: "tool_use" },
  "mistral/chat-stream-incremental-tool-call.jsonl": { stopReason: "tool_use" },
  "mistral/chat-stream-magistral-thinking.sse": { stopReason: "end_turn" },
  "openai/chat-stream-n2-multiple-choices.sse": { stopReason: "end_turn" },
  "openai/chat-stream-parallel-tool-calls-empty-args.sse": { stopReason: "tool_use" },
  "openai/chat-stream-parallel-tool-calls.sse": { stopReason: "tool_use" },
  "openai/chat-stream-single-tool-call-fragmented-args.sse": { stopReason: "tool_use" },
  "openai/chat-stream-text-include-usage.sse": { stopReason: "end_turn" },
  "openrouter/chat-stream-midstream-error.sse": {
    error: "Upstream stream error: Token limit reached",
  },
  "openrouter/chat-stream-reasoning-details-signature.sse": { stopReason: "end_turn" },
  "openrouter/chat-stream-reasoning-encrypted-grok.sse": { stopReason: "end_turn" },
  "together/chat-stream-deepseek-r1-think-tags.sse": { stopReason: "end_turn" },
  "xai/chat-stream-reasoning-content-tool-call.jsonl": { stopReason: "tool_use" },
  "zai/chat-stream-reasoning-content.sse": { stopReason: "end_turn" },
};

const SEEDS = [1, 2, 3, 4, 5];

/** The translator the goldens were recorded with. */
const TRANSLATOR = {
  model: "claude-sonnet-4-5",
  messageId: "msg_fixture",
  signature: "sig_fixture",
  inputTokens: 100,
};

function translate(pieces: Uint8Array[]): Promise<string> {
  return translateRecordedStream(pieces, { translator: TRANSLATOR });
}

/** Replays Anthropic SSE through the official SDK's stream accumulator. */
async function sdkMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: "test",
    baseURL: "http://proxy.test",
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        new Response(sse, { headers: { "content-type": "text/event-stream" } }),
      ),
  });
  const stream = client.messages.stream({
    model: "claude-fixture",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Hi" }],
  });
  return await stream.finalMessage();
}

Deno.test("every OpenAI-format stream fixture has an expectation", () => {
  assert.deepEqual(
    recordedStreamNames().filter((name) => !(name in SKIP)),
    Object.keys(EXPECTED).sort(),
  );
});

for (const name of recordedStreamNames()) {
  const reason = SKIP[name];
  Deno.test({
    name: `anthropicEventStream translates the ${name} fixture, whole and split`,
    ignore: reason !== undefined,
    fn: async () => {
      const sse = readRecordedStream(name);
      const bytes = new TextEncoder().encode(sse);
      const whole = await translate([bytes]);
      const events = parseAnthropicSse(whole);
      const expected = EXPECTED[name];
      assert.ok(expected, `no expectation for "${name}"`);
      assertEnding(events, expected);
      assertSameContent(events, sse, "error" in expected);
      for (const seed of SEEDS) {
        assert.equal(await translate(randomSplit(bytes, seed)), whole, `split with seed ${seed}`);
      }
      assert.equal(await translate(randomSplit(bytes, 99, 3)), whole, "split into tiny pieces");
      await assertSdkAgrees(whole, events, "error" in expected);
      assertGolden(whole, new URL(name.replace(/\.(sse|jsonl)$/, ".anthropic.sse"), GOLDEN));
    },
  });
}

function assertEnding(
  events: StreamEvent[],
  expected: { stopReason: string } | { error: string },
): void {
  if ("error" in expected) {
    assertAnthropicGrammar(events, { error: true });
    const last = events.at(-1);
    assert.equal(last?.type === "error" ? last.error.message : undefined, expected.error);
    return;
  }
  assertAnthropicGrammar(events);
  const delta = events.find((e) => e.type === "message_delta");
  assert.equal(delta?.type === "message_delta" && delta.delta.stop_reason, expected.stopReason);
}

function assertSameContent(events: StreamEvent[], sse: string, failed: boolean): void {
  const anthropic = reassembleAnthropic(events);
  const openai = reassembleOpenAI(openAIChunks(sse));
  assert.equal(anthropic.text, openai.text, "text differs");
  assert.equal(anthropic.thinking, openai.thinking, "thinking differs");
  if (!failed) assert.deepEqual(anthropic.tools, openai.tools, "tool calls differ");
  for (const id of anthropic.ids) assert.match(id, /^[a-zA-Z0-9_-]+$/);
}

async function assertSdkAgrees(sse: string, events: StreamEvent[], failed: boolean): Promise<void> {
  if (failed) {
    await assert.rejects(sdkMessage(sse), Anthropic.APIError);
    return;
  }
  const message = await sdkMessage(sse);
  const expected = reassembleAnthropic(events);
  const text = message.content.flatMap((b) => b.type === "text" ? [b.text] : []).join("");
  const thinking = message.content.flatMap((b) => b.type === "thinking" ? [b.thinking] : []);
  const tools = message.content.flatMap((b) => b.type === "tool_use" ? [b] : []);
  assert.equal(text, expected.text);
  assert.equal(thinking.join(""), expected.thinking);
  assert.deepEqual(tools.map((t) => ({ name: t.name, input: t.input })), expected.tools);
  assert.equal(message.model, "claude-sonnet-4-5");
}
