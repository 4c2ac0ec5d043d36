// Recorded Gemini streams: listing them, reading them as Gemini's SSE, translating them.
import { readdirSync, readFileSync } from "node:fs";
import {
  GeminiStreamTranslator,
  type GeminiStreamTranslatorOptions,
} from "../../src/translate/gemini/stream.ts";
import { anthropicEventStream } from "../../src/translate/openai/stream_pipeline.ts";
import type { GeminiResponse } from "../../src/wire/gemini_types.ts";
import { byteSource, collectText, parseSse } from "./streams.ts";

const GOOGLE = new URL("../fixtures/upstream/google/", import.meta.url);

/** The recorded Gemini streams (`.sse` and `.jsonl` under fixtures/upstream/google), sorted. */
export function recordedGeminiStreamNames(): string[] {
  return readdirSync(GOOGLE).filter((f) => f.endsWith(".sse") || f.endsWith(".jsonl")).sort();
}

/**
 * The recorded stream `name` as Gemini sends it: `.sse` as recorded; `.jsonl` lines framed the way
 * streamGenerateContent?alt=sse frames them (`data: …` and a CRLF blank line, no `[DONE]`).
 */
export function readGeminiStream(name: string): string {
  const text = readFileSync(new URL(name, GOOGLE), "utf8");
  if (!name.endsWith(".jsonl")) return text;
  return text.split("\n").filter((line) => line.trim() !== "").map((line) =>
    `data: ${line}\r\n\r\n`
  )
    .join("");
}

/** The JSON chunks of a Gemini SSE body. */
export function geminiChunks(sse: string): GeminiResponse[] {
  return parseSse(sse).map((message) => JSON.parse(message.data) as GeminiResponse);
}

/** The translator options the Gemini stream goldens were recorded with (fresh ids `toolu_fixtureN`). */
export const GEMINI_FIXTURE_TRANSLATOR: Omit<GeminiStreamTranslatorOptions, "newToolId"> = {
  model: "claude-sonnet-4-5",
  messageId: "msg_fixture",
  signatureOrigin: "gemini",
  inputTokens: 100,
};

/** Feeds `pieces`, one per read, through `anthropicEventStream` with a fresh Gemini translator. */
export async function translateGeminiStream(pieces: Uint8Array[]): Promise<string> {
  let next = 0;
  const translator = new GeminiStreamTranslator({
    ...GEMINI_FIXTURE_TRANSLATOR,
    newToolId: () => `toolu_fixture${++next}`,
  });
  const output = anthropicEventStream<GeminiResponse>(byteSource(pieces).stream, translator, {
    pingIntervalMs: 0,
  });
  return await collectText(output);
}
