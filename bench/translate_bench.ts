// Micro-benchmarks of the per-request work: request translation, stream translation, count_tokens.
//
//   deno bench --allow-read bench/translate_bench.ts
//
// The request cases use the real 76 KB Claude Code request. The stream cases give the cost of one
// upstream chunk: the translator alone, and the whole pipeline (bytes in, Anthropic SSE bytes out)
// over a 200-chunk stream, whose time divided by 200 is the cost per chunk.
import { countTokensWith } from "../src/count_tokens/tokens.ts";
import { countTokens } from "../src/count_tokens/tokens.ts";
import { parseJsonObject, validateMessagesRequest } from "../src/server/body.ts";
import type { ChatCompletionChunk } from "../src/wire/openai_types.ts";
import { toOpenAIRequest } from "../src/translate/openai/request.ts";
import { encodeSseEvent } from "../src/translate/anthropic/sse.ts";
import { StreamTranslator } from "../src/translate/openai/stream.ts";
import { anthropicEventStream } from "../src/translate/openai/stream_pipeline.ts";
import { streamFrames } from "./mock_openai.ts";
import { FIXTURE_URL, realRequest } from "./scenarios.ts";

const fixture = JSON.parse(await Deno.readTextFile(FIXTURE_URL)) as { body: unknown };
const bodyText = JSON.stringify(fixture.body);
const body = await realRequest();
const translateOptions = { model: "gpt-4.1", providerName: "custom" };

Deno.bench("JSON.parse of the 76 KB request (for scale)", { group: "request" }, () => {
  JSON.parse(bodyText);
});

Deno.bench("toOpenAIRequest, 76 KB request", { group: "request", baseline: true }, () => {
  toOpenAIRequest(body, translateOptions);
});

Deno.bench("toOpenAIRequest + JSON.stringify, 76 KB request", { group: "request" }, () => {
  JSON.stringify(toOpenAIRequest(body, translateOptions).request);
});

Deno.bench("parse + validate + translate + stringify, 76 KB request", { group: "request" }, () => {
  const parsed = validateMessagesRequest(parseJsonObject(bodyText));
  JSON.stringify(toOpenAIRequest(parsed, translateOptions).request);
});

const TEXT_CHUNK: ChatCompletionChunk = JSON.parse(streamFrames("bench-text-1")![1]!.slice(6));
const TEXT_CHUNK_JSON = JSON.stringify(TEXT_CHUNK);

function openTranslator(): StreamTranslator {
  const translator = new StreamTranslator({
    model: "claude-sonnet-4-5",
    messageId: "msg_bench",
    signature: "sig",
    newToolId: () => "toolu_bench",
  });
  translator.push(TEXT_CHUNK); // message_start and the text block are open from here on
  return translator;
}

const translator = openTranslator();

Deno.bench("StreamTranslator.push, one text chunk", { group: "chunk", baseline: true }, () => {
  translator.push(TEXT_CHUNK);
});

Deno.bench("JSON.parse + push + encodeSseEvent, one text chunk", { group: "chunk" }, () => {
  translator.push(JSON.parse(TEXT_CHUNK_JSON)).map(encodeSseEvent).join("");
});

const encoder = new TextEncoder();
const STREAM_200 = streamFrames("bench-text-200")!.map((frame) => encoder.encode(frame));

function byteStream(frames: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < frames.length) controller.enqueue(frames[next++]!);
      else controller.close();
    },
  }, { highWaterMark: 0 });
}

Deno.bench(
  "anthropicEventStream, 200-chunk stream (÷ 200 per chunk)",
  { group: "stream" },
  async () => {
    const out = anthropicEventStream(byteStream(STREAM_200), openTranslatorFresh(), {
      pingIntervalMs: 10_000,
    });
    for await (const _ of out) { /* drain */ }
  },
);

function openTranslatorFresh(): StreamTranslator {
  return new StreamTranslator({
    model: "claude-sonnet-4-5",
    messageId: "msg_bench",
    signature: "sig",
    newToolId: () => "toolu_bench",
  });
}

Deno.bench("countTokens, 76 KB request, repeated (memoized)", { group: "tokens" }, async () => {
  await countTokens(body);
});

const tokenizer = await import("gpt-tokenizer");
const plainCount = (text: string) =>
  tokenizer.countTokens(text, { disallowedSpecial: new Set<string>() });

Deno.bench("countTokens, 76 KB request, first time (no memo)", { group: "tokens" }, () => {
  countTokensWith(plainCount, body);
});
