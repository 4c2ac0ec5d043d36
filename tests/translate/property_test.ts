// Property-based tests: random valid requests translate without throwing; any byte split of a stream
// gives the same events as the unsplit stream.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ContentBlock, Message, MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { toOpenAIRequest } from "../../src/translate/openai/request.ts";
import { StreamTranslator } from "../../src/translate/openai/stream.ts";
import { anthropicEventStream } from "../../src/translate/openai/stream_pipeline.ts";

const text = fc.string({ maxLength: 40, unit: "grapheme" });
const id = fc.stringMatching(/^[a-zA-Z0-9_-]{1,16}$/);
const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

const userBlock: fc.Arbitrary<ContentBlock> = fc.oneof(
  text.map((t) => ({ type: "text" as const, text: t })),
  fc.record({
    type: fc.constant("image" as const),
    source: fc.oneof(
      fc.record({
        type: fc.constant("base64" as const),
        media_type: fc.constantFrom("image/png", "image/jpeg"),
        data: fc.base64String({ maxLength: 40 }),
      }),
      fc.record({ type: fc.constant("url" as const), url: fc.webUrl() }),
    ),
  }),
  fc.record({
    type: fc.constant("tool_result" as const),
    tool_use_id: id,
    content: fc.oneof(text, fc.array(text.map((t) => ({ type: "text" as const, text: t })))),
    is_error: fc.boolean(),
  }),
);

const assistantBlock: fc.Arbitrary<ContentBlock> = fc.oneof(
  text.map((t) => ({ type: "text" as const, text: t })),
  fc.record({ type: fc.constant("tool_use" as const), id, name: id, input: json }),
  fc.record({ type: fc.constant("thinking" as const), thinking: text, signature: text }),
  fc.record({ type: fc.constant("redacted_thinking" as const), data: text }),
);

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({
    role: fc.constant("user" as const),
    content: fc.oneof(text, fc.array(userBlock, { maxLength: 4 })),
  }),
  fc.record({
    role: fc.constant("assistant" as const),
    content: fc.oneof(text, fc.array(assistantBlock, { maxLength: 4 })),
  }),
  fc.record({ role: fc.constant("system" as const), content: text }),
);

const request: fc.Arbitrary<MessagesRequest> = fc.record({
  model: fc.constantFrom("claude-sonnet-4-5", "claude-opus-4-8[1m]"),
  max_tokens: fc.integer({ min: 1, max: 128000 }),
  messages: fc.array(message, { minLength: 1, maxLength: 6 }),
  system: fc.option(
    fc.oneof(text, fc.array(text.map((t) => ({ type: "text" as const, text: t })))),
    {
      nil: undefined,
    },
  ),
  tools: fc.option(
    fc.array(
      fc.record({
        name: id,
        description: text,
        input_schema: fc.constant({ type: "object", properties: { a: { type: "string" } } }),
      }),
      { maxLength: 3 },
    ),
    { nil: undefined },
  ),
  stream: fc.option(fc.boolean(), { nil: undefined }),
  temperature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  thinking: fc.option(
    fc.oneof(
      fc.record({
        type: fc.constant("enabled" as const),
        budget_tokens: fc.integer({ min: 1024, max: 64000 }),
      }),
      fc.constant({ type: "adaptive" as const }),
    ),
    { nil: undefined },
  ),
}, { requiredKeys: ["model", "max_tokens", "messages"] }) as fc.Arbitrary<MessagesRequest>;

Deno.test("toOpenAIRequest never throws on random valid requests and keeps every tool call", () => {
  fc.assert(
    fc.property(request, fc.constantFrom("gpt-4o", "o3-mini", "deepseek-chat"), (req, model) => {
      const { request: out } = toOpenAIRequest(req, {
        model,
        reasoningHistory: model === "deepseek-chat",
      });
      assert.equal(out.model, model);
      const toolUses = req.messages.flatMap((m) =>
        typeof m.content === "string" || m.role !== "assistant"
          ? []
          : m.content.filter((b) => b.type === "tool_use")
      );
      const calls = out.messages.flatMap((m) => (m.role === "assistant" ? m.tool_calls ?? [] : []));
      assert.equal(calls.length, toolUses.length);
      for (const m of out.messages) {
        if (m.role === "assistant") {
          assert.ok(m.tool_calls === undefined || m.tool_calls.length > 0);
        }
      }
      assert.equal(JSON.parse(JSON.stringify(out)).model, model, "the output is plain JSON");
    }),
    { numRuns: 300 },
  );
});

const chunkArb = fc.oneof(
  text.map((t) => ({ choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })),
  text.map((t) => ({
    choices: [{ index: 0, delta: { reasoning_content: t }, finish_reason: null }],
  })),
  fc.record({ i: fc.integer({ min: 0, max: 2 }), args: text }).map(({ i, args }) => ({
    choices: [{
      index: 0,
      delta: {
        tool_calls: [{
          index: i,
          id: `call_${i}`,
          function: { name: `tool_${i}`, arguments: args },
        }],
      },
      finish_reason: null,
    }],
  })),
);

async function translate(bytes: Uint8Array, cuts: number[]): Promise<string> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let last = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.slice(last, point));
    last = point;
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  let n = 0;
  const translator = new StreamTranslator({
    model: "claude-test",
    messageId: "msg_test",
    signature: "sig",
    newToolId: () => `toolu_${n++}`,
  });
  return await new Response(anthropicEventStream(body, translator, { pingIntervalMs: 0 })).text();
}

Deno.test("anthropicEventStream gives the same events for any byte split of the upstream stream", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(chunkArb, { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      async (chunks, cuts) => {
        const sse = [...chunks, { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }]
          .map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
        const bytes = new TextEncoder().encode(sse);
        const whole = await translate(bytes, []);
        const split = await translate(bytes, cuts);
        assert.equal(split, whole);
        assert.match(whole, /event: message_stop\n/);
      },
    ),
    { numRuns: 150 },
  );
});
