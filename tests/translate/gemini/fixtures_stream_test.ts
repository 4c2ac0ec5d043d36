// Feeds every recorded Gemini stream through the full pipeline, whole and split at every byte.
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { readToolUseId } from "../../../src/translate/gemini/thought_signature.ts";
import { assertGolden } from "../../helpers/golden.ts";
import {
  geminiChunks,
  readGeminiStream,
  recordedGeminiStreamNames,
  translateGeminiStream,
} from "../../helpers/gemini_streams.ts";
import {
  assertAnthropicGrammar,
  parseAnthropicSse,
  reassembleAnthropic,
} from "../../helpers/streams.ts";

const GOLDEN = new URL("../../fixtures/streams/google/", import.meta.url);

/** How each recorded stream must end. */
const EXPECTED: Record<string, { stopReason: string }> = {
  "stream-generate-content-tool-call-thought-signature.sse": { stopReason: "tool_use" },
  "stream-reasoning-gemini3.jsonl": { stopReason: "end_turn" },
};

/** Replays Anthropic SSE through the official SDK's stream accumulator. */
async function sdkMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: "test",
    baseURL: "http://proxy.test",
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(new Response(sse, { headers: { "content-type": "text/event-stream" } })),
  });
  return await client.messages.stream({
    model: "claude-fixture",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Hi" }],
  }).finalMessage();
}

Deno.test("every recorded Gemini stream has an expectation", () => {
  assert.deepEqual(recordedGeminiStreamNames(), Object.keys(EXPECTED).sort());
});

for (const name of recordedGeminiStreamNames()) {
  Deno.test(`anthropicEventStream translates the google/${name} stream, whole and split at every byte`, async () => {
    const sse = readGeminiStream(name);
    const bytes = new TextEncoder().encode(sse);
    const whole = await translateGeminiStream([bytes]);
    const events = parseAnthropicSse(whole);
    assertAnthropicGrammar(events);
    const delta = events.find((e) => e.type === "message_delta");
    assert.equal(
      delta?.type === "message_delta" && delta.delta.stop_reason,
      EXPECTED[name]?.stopReason,
    );
    assertSameContent(events, sse);
    for (let cut = 1; cut < bytes.length; cut++) {
      const split = await translateGeminiStream([bytes.subarray(0, cut), bytes.subarray(cut)]);
      if (split !== whole) assert.equal(split, whole, `split at byte ${cut}`);
    }
    const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    assert.equal(await translateGeminiStream(single), whole, "one byte per read");
    const message = await sdkMessage(whole);
    const expected = reassembleAnthropic(events);
    assert.equal(
      message.content.flatMap((b) => b.type === "text" ? [b.text] : []).join(""),
      expected.text,
    );
    assert.deepEqual(
      message.content.flatMap((b) =>
        b.type === "tool_use" ? [{ name: b.name, input: b.input }] : []
      ),
      expected.tools,
    );
    assertGolden(whole, new URL(name.replace(/\.(sse|jsonl)$/, ".anthropic.sse"), GOLDEN));
  });
}

/** The Anthropic stream says what Gemini said: the text, the calls and their signatures, the usage. */
function assertSameContent(events: ReturnType<typeof parseAnthropicSse>, sse: string): void {
  const chunks = geminiChunks(sse);
  const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
  const anthropic = reassembleAnthropic(events);
  assert.equal(anthropic.text, parts.filter((p) => !p.thought).map((p) => p.text ?? "").join(""));
  const calls = parts.filter((p) => p.functionCall);
  assert.deepEqual(
    anthropic.tools,
    calls.map((p) => ({ name: p.functionCall!.name, input: p.functionCall!.args ?? {} })),
  );
  calls.forEach((call, i) => {
    const id = anthropic.ids[i]!;
    assert.match(id, /^[a-zA-Z0-9_-]+$/);
    assert.equal(
      readToolUseId(id).signature,
      call.thoughtSignature,
      "the signature rides in the id",
    );
  });
  const usage = chunks.at(-1)!.usageMetadata!;
  const delta = events.find((e) => e.type === "message_delta");
  assert.ok(delta?.type === "message_delta");
  assert.equal(delta.usage.input_tokens, usage.promptTokenCount);
  assert.equal(
    delta.usage.output_tokens,
    (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
  );
}
