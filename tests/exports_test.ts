// The library as users import it: deno.json `exports` for the translator and for embedding the app.
import assert from "node:assert/strict";
import {
  createApp,
  NULL_LOGGER,
  randomId,
  resolveConfig,
  VERSION,
} from "@claude-proxy/claude-proxy";
import {
  type ChatCompletionChunk,
  type ChatCompletionResponse,
  encodeSseEvent,
  fromGeminiResponse,
  fromResponsesResponse,
  GeminiStreamTranslator,
  makeSignature,
  type MessagesRequest,
  responsesChunkTransform,
  StreamTranslator,
  toAnthropicResponse,
  toGeminiRequest,
  toOpenAIRequest,
  toResponsesRequest,
} from "@claude-proxy/claude-proxy/translate";
import denoJson from "../deno.json" with { type: "json" };
import { fromFileUrl } from "./helpers/paths.ts";
import { type CommandResult, decodeOutput } from "./helpers/process.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));

function completion(content: string): ChatCompletionResponse {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 0,
    model: "gpt-4o",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  };
}

function chunk(content: string, finish: string | null = null): ChatCompletionChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 0,
    model: "gpt-4o",
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  };
}

Deno.test("deno.json exports name the two entry points and the package version", () => {
  assert.deepEqual(denoJson.exports, {
    ".": "./mod.ts",
    "./translate": "./src/translate/mod.ts",
  });
  assert.equal(VERSION, denoJson.version);
});

Deno.test("the translate export turns a request into OpenAI form and the answer back", () => {
  const body: MessagesRequest = {
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    system: "Be brief",
    messages: [{ role: "user", content: "Hi" }],
  };
  const { request } = toOpenAIRequest(body, { model: "gpt-4o" });
  assert.deepEqual(request, {
    model: "gpt-4o",
    max_tokens: 100,
    messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }],
  });
  const message = toAnthropicResponse(completion("Hello"), {
    model: "claude-sonnet-4-5",
    messageId: "msg_1",
    signature: makeSignature("openai"),
    newToolId: () => "toolu_1",
  });
  assert.deepEqual(message.content, [{ type: "text", text: "Hello" }]);
  assert.equal(message.stop_reason, "end_turn");
  assert.equal(message.model, "claude-sonnet-4-5");
});

Deno.test("the translate export converts to and from the OpenAI Responses API", () => {
  const { request: chat } = toOpenAIRequest({
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    system: "Be brief",
    messages: [{ role: "user", content: "Hi" }],
  }, { model: "gpt-5.2" });
  const { request } = toResponsesRequest(chat);
  assert.equal(request.instructions, "Be brief");
  assert.equal(request.max_output_tokens, 100);
  assert.equal(request.store, false);
  const answer = fromResponsesResponse({
    id: "resp_1",
    status: "completed",
    output: [{
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "Hi" }],
    }],
  });
  assert.equal(answer.choices[0]?.message.content, "Hi");
  const transform = responsesChunkTransform();
  const [delta] = transform.push({ type: "response.output_text.delta", delta: "Hel" });
  assert.equal(delta?.choices?.[0]?.delta?.content, "Hel");
});

Deno.test("the translate export streams chunks into well-formed Anthropic events", () => {
  const translator = new StreamTranslator({
    model: "claude-sonnet-4-5",
    messageId: "msg_1",
    signature: makeSignature("openai"),
    newToolId: () => "toolu_1",
  });
  const events = [
    ...translator.push(chunk("Hel")),
    ...translator.push(chunk("lo", "stop")),
    ...translator.finish(),
  ];
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  assert.equal(
    encodeSseEvent(events.at(-1)!),
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  );
});

Deno.test("the translate export speaks Gemini's own API both ways", () => {
  const { request } = toGeminiRequest({
    model: "claude-sonnet-4-5",
    max_tokens: 64,
    system: "Be brief.",
    messages: [{ role: "user", content: "Hi" }],
  }, { model: "gemini-2.5-flash", providerName: "gemini" });
  assert.deepEqual(request.contents, [{ role: "user", parts: [{ text: "Hi" }] }]);
  assert.deepEqual(request.systemInstruction, { parts: [{ text: "Be brief." }] });
  const options = {
    model: "claude-sonnet-4-5",
    messageId: "msg_1",
    signatureOrigin: "gemini",
    newToolId: () => "toolu_1",
  };
  const answer = {
    candidates: [{ content: { parts: [{ text: "Hello" }] }, finishReason: "STOP" }],
  };
  assert.deepEqual(fromGeminiResponse(answer, options).content, [{ type: "text", text: "Hello" }]);
  const translator = new GeminiStreamTranslator(options);
  const events = [...translator.push(answer), ...translator.finish()];
  assert.equal(events.at(-1)?.type, "message_stop");
});

Deno.test("the main export builds an app that answers through an injected fetch", async () => {
  const config = resolveConfig({
    cli: {},
    env: {},
    file: { provider: { name: "custom", base_url: "http://upstream.test/v1", api_key: "sk-1" } },
    source: "embedded",
  });
  const seen: string[] = [];
  const app = createApp({
    config,
    logger: NULL_LOGGER,
    now: Date.now,
    newId: randomId,
    fetch: (input) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return Promise.resolve(Response.json(completion("Hello")));
    },
  });
  const health = await app.request("/health");
  const body = await health.json();
  assert.equal(body.status, "ok");
  assert.equal(body.version, VERSION);
  const response = await app.request("/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-4o",
      max_tokens: 10,
      messages: [{ role: "user", content: "Hi" }],
    }),
  });
  assert.equal(response.status, 200);
  const message = await response.json();
  assert.deepEqual(message.content, [{ type: "text", text: "Hello" }]);
  assert.deepEqual(seen, ["http://upstream.test/v1/chat/completions"]);
});

/** The ```ts blocks of docs/library.md, in order. */
function libraryExamples(): string[] {
  const page = Deno.readTextFileSync(`${ROOT}docs/library.md`);
  return [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

async function deno(args: string[], cwd: string): Promise<CommandResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeOutput(output);
}

Deno.test("a separate project linking this repo type-checks and runs the library examples of docs/library.md", async () => {
  const examples = libraryExamples();
  assert.equal(examples.length, 2, "docs/library.md has a translate and an embed example");
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-user-" });
  try {
    const user = {
      imports: { "@claude-proxy/claude-proxy": `jsr:${denoJson.name}@^${denoJson.version}` },
      links: [ROOT],
    };
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(user));
    await Deno.writeTextFile(`${dir}/translate_example.ts`, examples[0]!);
    await Deno.writeTextFile(`${dir}/embed_example.ts`, examples[1]!);
    await Deno.writeTextFile(
      `${dir}/health.ts`,
      [
        'import { createApp, NULL_LOGGER, randomId, resolveConfig, VERSION } from "@claude-proxy/claude-proxy";',
        "const config = resolveConfig({",
        '  cli: {}, env: {}, source: "embedded",',
        '  file: { provider: { name: "custom", base_url: "http://upstream.test/v1" } },',
        "});",
        "const app = createApp({ config, logger: NULL_LOGGER, now: Date.now, newId: randomId });",
        'const health = await (await app.request("/health")).json();',
        "console.log(JSON.stringify({ VERSION, health }));",
      ].join("\n"),
    );
    const check = await deno(["check", "--quiet", "."], dir);
    assert.equal(check.code, 0, check.stderr);

    const health = await deno(["run", "--quiet", "--no-prompt", "health.ts"], dir);
    assert.equal(health.code, 0, health.stderr);
    const printed = JSON.parse(health.stdout);
    assert.equal(printed.VERSION, denoJson.version);
    assert.equal(printed.health.status, "ok");
    assert.equal(printed.health.version, denoJson.version);

    const translate = await deno(["run", "--quiet", "--no-prompt", "translate_example.ts"], dir);
    assert.equal(translate.code, 0, translate.stderr);
    assert.deepEqual(translate.stdout.trim().split("\n"), [
      JSON.stringify([
        { role: "system", content: "You are a geography expert. Be concise." },
        { role: "user", content: "What is the capital of France?" },
      ]),
      JSON.stringify([{ type: "text", text: "Paris." }]),
      "message_start content_block_start content_block_delta content_block_delta " +
      "content_block_stop message_delta message_stop",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
