// Recorded OpenAI-format upstream streams: listing them, reading them as SSE, translating them.
import { readdirSync, readFileSync } from "node:fs";
import {
  StreamTranslator,
  type StreamTranslatorOptions,
} from "../../src/translate/openai/stream.ts";
import {
  anthropicEventStream,
  type ChunkTransform,
} from "../../src/translate/openai/stream_pipeline.ts";
import { byteSource, collectText, fixtureSse } from "./streams.ts";

const UPSTREAM = new URL("../fixtures/upstream/", import.meta.url);

/** Providers whose recordings are not OpenAI chat-completions streams. */
const OTHER_FORMATS: ReadonlySet<string> = new Set(["anthropic", "google", "openai-responses"]);

/** The recorded OpenAI-format streams (`.sse` and `.jsonl`) as `provider/file` names, sorted. */
export function recordedStreamNames(): string[] {
  const names: string[] = [];
  for (const provider of readdirSync(UPSTREAM).sort()) {
    if (OTHER_FORMATS.has(provider) || provider.endsWith(".md")) continue;
    for (const file of readdirSync(new URL(`${provider}/`, UPSTREAM)).sort()) {
      if (file.endsWith(".sse") || file.endsWith(".jsonl")) names.push(`${provider}/${file}`);
    }
  }
  return names;
}

/** The recorded stream `name` as SSE text (`.jsonl` lines wrapped as `data:` frames). */
export function readRecordedStream(name: string): string {
  return fixtureSse(name, readFileSync(new URL(name, UPSTREAM), "utf8"));
}

/** Options for {@linkcode translateRecordedStream}. */
export interface TranslateRecordedStreamOptions {
  /** The translator's options; its fresh tool ids are always `toolu_fixture1`, `toolu_fixture2`… */
  translator: Omit<StreamTranslatorOptions, "newToolId">;
  /** Rewrites upstream chunks before translation (a preset's quirks). */
  transform?: ChunkTransform | undefined;
}

/**
 * Feeds `pieces`, one per read, through `anthropicEventStream` with a fresh translator and no
 * pings; returns the Anthropic SSE text.
 */
export async function translateRecordedStream(
  pieces: Uint8Array[],
  options: TranslateRecordedStreamOptions,
): Promise<string> {
  let next = 0;
  const translator = new StreamTranslator({
    ...options.translator,
    newToolId: () => `toolu_fixture${++next}`,
  });
  const { transform } = options;
  const output = anthropicEventStream(byteSource(pieces).stream, translator, {
    pingIntervalMs: 0,
    ...(transform ? { transform } : {}),
  });
  return await collectText(output);
}
