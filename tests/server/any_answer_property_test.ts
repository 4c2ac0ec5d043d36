// Property-based: whatever a provider answers, whole or streamed, Chat Completions or Responses,
// the client gets a well-formed Anthropic message, event stream or error, never a proxy fault.
import assert from "node:assert/strict";
import fc from "fast-check";
import { NULL_LOGGER } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import { randomId } from "../../src/server/deps.ts";
import { configFromToml } from "../helpers/proxy.ts";

const anyValue = fc.anything({ maxDepth: 2 });
/** Mostly `good`, now and then any value at all. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: anyValue, weight: 1 });
const argumentsText = fc.oneof(
  fc.constantFrom('{"a":', "1}", "{}", '{"path":"a.ts"}', "{'a': 1}", ""),
  fc.string(),
);
const finishReason = fc.constantFrom(null, "stop", "length", "tool_calls", "content_filter", "x");
const usage = fc.record({ prompt_tokens: mostly(fc.nat()), completion_tokens: mostly(fc.nat()) }, {
  requiredKeys: [],
});

/** Chat Completions stream chunks, their fields sometimes of the wrong type. */
const chunk = fc.record({
  id: mostly(fc.constant("chatcmpl-1")),
  choices: mostly(fc.array(
    fc.record({
      index: mostly(fc.nat(1)),
      delta: mostly(fc.record({
        role: mostly(fc.constant("assistant")),
        content: mostly(
          fc.oneof(fc.string(), fc.constantFrom("<think>", "</think>"), fc.constant(null)),
        ),
        reasoning_content: mostly(fc.string()),
        tool_calls: mostly(fc.array(
          fc.record({
            index: mostly(fc.nat(2)),
            id: mostly(fc.constantFrom("call_1", "call_2", "functions.Read:0", "")),
            function: mostly(fc.record({
              name: mostly(fc.constantFrom("Read", "Bash", "")),
              arguments: mostly(argumentsText),
            }, { requiredKeys: [] })),
          }, { requiredKeys: [] }),
          { maxLength: 2 },
        )),
      }, { requiredKeys: [] })),
      finish_reason: mostly(finishReason),
    }, { requiredKeys: [] }),
    { maxLength: 2 },
  )),
  usage: mostly(fc.oneof(fc.constant(null), usage)),
}, { requiredKeys: [] });
const chatStream = fc.array(
  fc.oneof(
    { arbitrary: chunk.map((c) => `data: ${JSON.stringify(c)}\n\n`), weight: 10 },
    { arbitrary: fc.constantFrom("data: [DONE]\n\n", ": ping\n\n", "data: {bad\n\n"), weight: 1 },
  ),
  { maxLength: 12 },
).map((frames) => frames.join(""));

/** Whole Chat Completions answers, and JSON that is not one. */
const chatAnswer = fc.oneof(
  fc.record({
    choices: mostly(fc.array(
      fc.record({
        index: mostly(fc.nat(1)),
        message: mostly(fc.record({
          role: mostly(fc.constant("assistant")),
          content: mostly(fc.oneof(fc.string(), fc.constant(null))),
          reasoning_content: mostly(fc.string()),
          tool_calls: mostly(fc.array(
            mostly(fc.record({
              id: mostly(fc.string()),
              type: mostly(fc.constant("function")),
              function: mostly(fc.record({
                name: mostly(fc.constantFrom("Read", "")),
                arguments: mostly(argumentsText),
              }, { requiredKeys: [] })),
            }, { requiredKeys: [] })),
            { maxLength: 2 },
          )),
        }, { requiredKeys: [] })),
        finish_reason: mostly(finishReason),
      }, { requiredKeys: [] }),
      { maxLength: 2 },
    )),
    usage: mostly(usage),
  }, { requiredKeys: [] }).map((answer) => JSON.stringify(answer)),
  anyValue.map((value) => JSON.stringify(value) ?? "null"),
);

/** Responses output items, their fields sometimes of the wrong type. */
const responsesItem = fc.oneof(
  fc.record({
    type: fc.constant("message"),
    content: mostly(fc.array(
      mostly(
        fc.record({ type: fc.constantFrom("output_text", "refusal"), text: mostly(fc.string()) }),
      ),
      { maxLength: 2 },
    )),
  }),
  fc.record({
    type: fc.constant("function_call"),
    call_id: mostly(fc.constantFrom("call_1", "")),
    name: mostly(fc.constantFrom("Read", "")),
    arguments: mostly(argumentsText),
  }, { requiredKeys: ["type"] }),
  fc.record({
    type: fc.constant("reasoning"),
    summary: mostly(fc.array(fc.record({ type: fc.constant("summary_text"), text: fc.string() }))),
  }),
  anyValue,
);
const responsesAnswer = fc.record({
  status: mostly(fc.constantFrom("completed", "incomplete", "failed")),
  error: fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: anyValue, weight: 1 }),
  incomplete_details: mostly(fc.record({ reason: fc.constantFrom("max_output_tokens", "x") })),
  output: mostly(fc.array(responsesItem, { maxLength: 4 })),
  usage: mostly(fc.record({ input_tokens: mostly(fc.nat()), output_tokens: mostly(fc.nat()) })),
}, { requiredKeys: ["output"] });
const responsesEvent = fc.oneof(
  responsesAnswer.map((response) => ({ type: "response.created", response })),
  fc.record({
    type: fc.constantFrom("response.output_item.added", "response.output_item.done"),
    output_index: mostly(fc.nat(3)),
    item: responsesItem,
  }),
  fc.record({
    type: fc.constantFrom(
      "response.output_text.delta",
      "response.function_call_arguments.delta",
      "response.reasoning_summary_text.delta",
    ),
    output_index: mostly(fc.nat(3)),
    delta: mostly(argumentsText),
  }),
  responsesAnswer.map((response) => ({ type: "response.completed", response })),
  fc.record({ type: fc.constantFrom("response.failed", "error", "x"), error: anyValue }),
);
const responsesStream = fc.array(responsesEvent, { maxLength: 10 })
  .map((events) => events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""));

/** Gemini parts, candidates and answers, their fields sometimes of the wrong type. */
const geminiPart = fc.oneof(
  fc.record({
    text: mostly(fc.string()),
    thought: mostly(fc.boolean()),
    thoughtSignature: mostly(fc.constantFrom("c2ln", "")),
  }, { requiredKeys: [] }),
  fc.record({
    functionCall: mostly(fc.record({
      id: mostly(fc.constantFrom("fc-1", "")),
      name: mostly(fc.constantFrom("Read", "Bash", "")),
      args: mostly(fc.dictionary(fc.constantFrom("path", "n"), fc.jsonValue({ maxDepth: 1 }))),
    }, { requiredKeys: [] })),
    thoughtSignature: mostly(fc.constantFrom("c2ln", "")),
  }, { requiredKeys: [] }),
  fc.record({ inlineData: fc.record({ mimeType: fc.constant("image/png"), data: fc.string() }) }),
  anyValue,
);
const geminiAnswer = fc.record({
  candidates: mostly(fc.array(
    fc.record({
      content: mostly(fc.record({
        role: mostly(fc.constant("model")),
        parts: mostly(fc.array(geminiPart, { maxLength: 3 })),
      }, { requiredKeys: [] })),
      finishReason: mostly(
        fc.constantFrom("STOP", "MAX_TOKENS", "SAFETY", "MALFORMED_FUNCTION_CALL", "OTHER", "X"),
      ),
      index: mostly(fc.nat(1)),
    }, { requiredKeys: [] }),
    { maxLength: 2 },
  )),
  promptFeedback: mostly(fc.record({ blockReason: mostly(fc.constantFrom("SAFETY", "")) })),
  usageMetadata: mostly(fc.record({
    promptTokenCount: mostly(fc.nat()),
    candidatesTokenCount: mostly(fc.nat()),
    thoughtsTokenCount: mostly(fc.nat()),
    cachedContentTokenCount: mostly(fc.nat()),
  }, { requiredKeys: [] })),
}, { requiredKeys: [] });
const geminiStream = fc.array(
  fc.oneof(
    { arbitrary: geminiAnswer.map((a) => `data: ${JSON.stringify(a)}\r\n\r\n`), weight: 10 },
    {
      arbitrary: fc.constantFrom(
        'data: {"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}\r\n\r\n',
        "data: {bad\r\n\r\n",
      ),
      weight: 1,
    },
  ),
  { maxLength: 8 },
).map((frames) => frames.join(""));

/** Checks what the client got: a message, an error, or a stream of well-nested events. */
function assertWellFormed(response: Response, out: string): void {
  assert.ok(response.status < 500 || response.status === 502, `${response.status}: ${out}`);
  assert.doesNotMatch(out, /Internal proxy error/);
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const json = JSON.parse(out);
    assert.equal(json.type, response.status === 200 ? "message" : "error", out);
    return;
  }
  const events = out.split("\n").filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)));
  assert.equal(events[0]?.type, "message_start", out);
  assert.ok(["message_stop", "error"].includes(events.at(-1)?.type), out);
  const open = new Set<number>();
  for (const event of events) {
    if (event.type === "content_block_start") {
      assert.ok(!open.has(event.index), `block ${event.index} opened twice: ${out}`);
      open.add(event.index);
    } else if (event.type === "content_block_delta") {
      assert.ok(open.has(event.index), `delta outside block ${event.index}: ${out}`);
    } else if (event.type === "content_block_stop") {
      assert.ok(open.delete(event.index), `block ${event.index} closed twice: ${out}`);
    }
  }
  if (events.at(-1)?.type === "message_stop") assert.equal(open.size, 0, out);
}

const cases: Array<[string, fc.Arbitrary<string>, fc.Arbitrary<string>]> = [
  ["custom", chatStream, chatAnswer],
  ["deepseek", chatStream, chatAnswer],
  ["groq", chatStream, chatAnswer],
  ["gemini-openai", chatStream, chatAnswer],
  [
    "gemini",
    geminiStream,
    fc.oneof(
      geminiAnswer.map((a) => JSON.stringify(a)),
      anyValue.map((value) => JSON.stringify(value) ?? "null"),
    ),
  ],
  ["openai-responses", responsesStream, responsesAnswer.map((a) => JSON.stringify(a))],
];
for (const [preset, streamed, whole] of cases) {
  Deno.test(`any upstream answer reaches the client well formed (${preset})`, async () => {
    const baseUrl = preset === "custom" ? 'base_url = "http://127.0.0.1:9/v1"\n' : "";
    const config = configFromToml(
      `[provider]\nname = "${preset}"\n${baseUrl}api_key = "sk-test"\n[upstream]\nretries = 0\n`,
    );
    await fc.assert(
      fc.asyncProperty(fc.boolean(), streamed, whole, async (stream, sse, json) => {
        const app = createApp({
          config,
          logger: NULL_LOGGER,
          now: Date.now,
          newId: randomId,
          fetch: () =>
            Promise.resolve(
              stream
                ? new Response(sse, { headers: { "content-type": "text/event-stream" } })
                : new Response(json, { headers: { "content-type": "application/json" } }),
            ),
        });
        const response = await app.request("/v1/messages", {
          method: "POST",
          body: JSON.stringify({
            model: "m",
            max_tokens: 100,
            stream,
            messages: [{ role: "user", content: "hi" }],
            tools: [{ name: "Read", input_schema: { type: "object" } }],
          }),
        });
        assertWellFormed(response, await response.text());
      }),
      { numRuns: 300 },
    );
  });
}
