// Property-based: any request body, valid or not, gets an Anthropic-shaped answer and never a 5xx,
// whatever the provider preset (translated, Responses, or passthrough with cleaning).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { NULL_LOGGER } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import { randomId } from "../../src/server/deps.ts";
import { configFromToml } from "../helpers/proxy.ts";

const UPSTREAM = new URL("../fixtures/upstream/", import.meta.url);
const recorded = (name: string) => readFileSync(new URL(name, UPSTREAM), "utf8");

/** Recorded answers by upstream endpoint: [whole answer, stream]. */
const ANSWERS: Record<string, [string, string]> = {
  "/chat/completions": [
    recorded("openai/chat-tool-call.json"),
    recorded("openai/chat-stream-parallel-tool-calls.sse"),
  ],
  "/responses": [
    recorded("openai-responses/response-function-call.json"),
    recorded("openai-responses/stream-function-call-arguments.sse"),
  ],
  "/messages": [
    recorded("anthropic/message-thinking-tool-use.json"),
    recorded("anthropic/messages-stream-tool-use.sse"),
  ],
};

/** An upstream that answers every call with the recording for its endpoint, streamed if asked. */
const recordedUpstream: typeof fetch = async (input, init) => {
  const url = String(input);
  const endpoint = Object.keys(ANSWERS).find((path) => new URL(url).pathname.endsWith(path));
  if (!endpoint) return new Response("not found", { status: 404 });
  const sent = JSON.parse(await new Response(init?.body).text());
  const [whole, stream] = ANSWERS[endpoint]!;
  return sent.stream === true
    ? new Response(stream, { headers: { "content-type": "text/event-stream" } })
    : new Response(whole, { headers: { "content-type": "application/json" } });
};

const anyValue = fc.anything({ maxDepth: 2 });
/** Mostly `good`, now and then any value at all (a field of the wrong type, a stray object…). */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 40 }, { arbitrary: anyValue, weight: 1 });
const text = fc.oneof(
  fc.string(),
  fc.constantFrom("", " ", "<think>a</think>b", "x-anthropic-billing-header: cc_version=1"),
);
const cacheControl = mostly(fc.constant({ type: "ephemeral" }));
const textBlock = fc.record({ type: fc.constant("text"), text: fc.string() });
const jsonObject = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }));
const source = fc.record({
  type: fc.constantFrom("base64", "url", "file", "text", "content"),
  media_type: fc.constantFrom(
    "image/png",
    "image/jpeg",
    "image/x",
    "application/pdf",
    "text/plain",
  ),
  data: mostly(fc.oneof(fc.base64String(), fc.string())),
  url: mostly(fc.webUrl()),
  content: mostly(fc.array(textBlock, { maxLength: 2 })),
}, { requiredKeys: ["type"] });
/** Content blocks of every type, with fields present or not, right or not. */
const block = fc.oneof(
  fc.record({ type: fc.constant("text"), text: mostly(text), cache_control: cacheControl }, {
    requiredKeys: ["type", "text"],
  }),
  fc.record({ type: fc.constant("image"), source: mostly(source) }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("document"), source: mostly(source), title: mostly(fc.string()) }, {
    requiredKeys: ["type", "source"],
  }),
  fc.record({
    type: fc.constant("tool_use"),
    id: mostly(fc.constantFrom("toolu_1", "toolu_2", "call.1", "")),
    name: mostly(fc.constantFrom("Read", "Bash", "", "mcp__x__y")),
    input: mostly(jsonObject),
  }, { requiredKeys: ["type", "id", "name", "input"] }),
  fc.record({
    type: fc.constant("tool_result"),
    tool_use_id: mostly(fc.constantFrom("toolu_1", "toolu_2", "missing")),
    content: mostly(
      fc.oneof(fc.string(), fc.array(mostly(fc.oneof(textBlock, block0())), { maxLength: 2 })),
    ),
    is_error: mostly(fc.boolean()),
  }, { requiredKeys: ["type", "tool_use_id"] }),
  fc.record({
    type: fc.constant("thinking"),
    thinking: mostly(fc.string()),
    signature: mostly(fc.oneof(fc.string(), fc.base64String())),
  }, { requiredKeys: ["type", "thinking"] }),
  fc.record({ type: fc.constant("redacted_thinking"), data: mostly(fc.string()) }, {
    requiredKeys: ["type", "data"],
  }),
  fc.record({
    type: fc.constantFrom("server_tool_use", "web_search_tool_result", "search_result"),
    id: mostly(fc.string()),
    name: mostly(fc.constant("web_search")),
    input: mostly(jsonObject),
    content: anyValue,
    tool_use_id: mostly(fc.string()),
    source: mostly(fc.string()),
    title: mostly(fc.string()),
  }, { requiredKeys: ["type"] }),
);
/** An image block for tool results (Read on a screenshot). */
function block0() {
  return fc.record({ type: fc.constant("image"), source: mostly(source) });
}
const message = fc.record({
  role: mostly(fc.constantFrom("user", "assistant")),
  content: mostly(fc.oneof(text, fc.array(mostly(block), { maxLength: 4 }))),
});
const tool = fc.oneof(
  {
    arbitrary: fc.record({
      name: mostly(
        fc.constantFrom("Read", "Bash", `mcp__plugin_${"p".repeat(30)}_${"s".repeat(20)}__tool`),
      ),
      description: mostly(fc.string()),
      input_schema: mostly(fc.record({
        type: fc.constant("object"),
        properties: fc.dictionary(
          fc.string(),
          fc.record({ type: fc.constantFrom("string", "integer") }),
        ),
        required: fc.array(fc.string(), { maxLength: 2 }),
        additionalProperties: fc.boolean(),
        $schema: fc.constant("http://json-schema.org/draft-07/schema#"),
      }, { requiredKeys: ["type"] })),
      defer_loading: mostly(fc.boolean()),
      cache_control: cacheControl,
    }, { requiredKeys: ["name", "input_schema"] }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      type: fc.constantFrom("web_search_20250305", "web_search_20260209"),
      name: fc.constant("web_search"),
      max_uses: mostly(fc.nat(10)),
      allowed_domains: mostly(fc.array(fc.domain(), { maxLength: 2 })),
    }, { requiredKeys: ["type", "name"] }),
    weight: 1,
  },
);
const requestBody = fc.record({
  model: fc.constantFrom("m", "claude-sonnet-4-5", "claude-opus-4-1[1m]"),
  max_tokens: mostly(fc.integer({ min: 1, max: 200_000 })),
  messages: fc.array(message, { minLength: 1, maxLength: 4 }),
  system: mostly(fc.oneof(
    text,
    fc.array(
      fc.record({ type: fc.constant("text"), text: fc.string(), cache_control: cacheControl }),
      {
        maxLength: 3,
      },
    ),
  )),
  tools: mostly(fc.array(tool, { maxLength: 3 })),
  tool_choice: mostly(fc.record({
    type: fc.constantFrom("auto", "any", "tool", "none"),
    name: mostly(fc.constantFrom("Read", "web_search")),
    disable_parallel_tool_use: mostly(fc.boolean()),
  }, { requiredKeys: ["type"] })),
  thinking: mostly(fc.record({
    type: fc.constantFrom("enabled", "disabled", "adaptive"),
    budget_tokens: mostly(fc.integer({ min: 0, max: 64_000 })),
  }, { requiredKeys: ["type"] })),
  output_config: mostly(fc.record({ effort: fc.constantFrom("low", "high", "max") })),
  stream: mostly(fc.boolean()),
  temperature: mostly(fc.double({ min: 0, max: 1, noNaN: true })),
  stop_sequences: mostly(fc.array(fc.string(), { maxLength: 2 })),
  metadata: mostly(fc.record({ user_id: fc.string() })),
  context_management: anyValue,
}, { requiredKeys: ["model", "max_tokens", "messages"] });

type JsonPath = Array<string | number>;

/** Every place in a JSON value: object keys and array indexes, depth first. */
function jsonPaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (typeof value !== "object" || value === null) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...jsonPaths(item, [...prefix, key])]);
}

/** `body` with one place set to `value`, or removed when `value` is undefined. */
function withOneFault(body: object, index: number, value: unknown): object {
  const copy = structuredClone(body);
  const paths = jsonPaths(copy);
  const path = paths[index % paths.length]!;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value !== undefined) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

/** Bodies as generated, and the same with one field anywhere replaced by any value or removed. */
const anyBody = fc.oneof(
  requestBody,
  fc.tuple(requestBody, fc.nat(), fc.option(anyValue, { nil: undefined }))
    .map(([body, index, value]) => withOneFault(body, index, value)),
);

/** Checks an answer is the Anthropic envelope, a message, a count, or a complete event stream. */
function assertAnthropicAnswer(path: string, response: Response, out: string): void {
  assert.ok(response.status < 500, `${response.status}: ${out.slice(0, 300)}`);
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    assert.equal(response.status, 200);
    const events = out.split("\n").filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)));
    assert.equal(events[0]?.type, "message_start", out.slice(0, 300));
    assert.ok(["message_stop", "error"].includes(events.at(-1)?.type), out.slice(-300));
    return;
  }
  const json = JSON.parse(out);
  if (response.status !== 200) {
    assert.equal(json.type, "error", out);
    assert.equal(typeof json.error.type, "string");
    assert.equal(typeof json.error.message, "string");
  } else if (path.endsWith("count_tokens")) {
    assert.equal(typeof json.input_tokens, "number", out);
  } else {
    assert.equal(json.type, "message", out);
    assert.ok(Array.isArray(json.content), out);
  }
}

for (const preset of ["custom", "deepseek", "gemini", "openai-responses", "deepseek-anthropic"]) {
  Deno.test(`any request body gets an Anthropic-shaped answer below 500 (${preset})`, async () => {
    const baseUrl = preset === "custom" ? 'base_url = "http://127.0.0.1:9/v1"\n' : "";
    const config = configFromToml(
      `[provider]\nname = "${preset}"\n${baseUrl}api_key = "sk-test"\n[upstream]\nretries = 0\n`,
    );
    const app = createApp({
      config,
      logger: NULL_LOGGER,
      now: Date.now,
      newId: randomId,
      fetch: recordedUpstream,
    });
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
          const response = await app.request(path, {
            method: "POST",
            headers: { "content-type": "application/json", "x-api-key": "sk-client" },
            body: JSON.stringify(body),
          });
          assertAnthropicAnswer(path, response, await response.text());
        }
      }),
      { numRuns: 400 },
    );
  });
}
