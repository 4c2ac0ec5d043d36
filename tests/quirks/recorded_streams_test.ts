// Every recorded OpenAI-format stream through each preset's quirks: sound streams come out the same.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { PROVIDER_PRESETS } from "../../src/providers.ts";
import { quirkChunkTransform } from "../../src/quirks/apply_quirks.ts";
import { quirksByName } from "../../src/quirks/registry.ts";
import { decodeToolId } from "../../src/quirks/tool_ids.ts";
import { StreamTranslator } from "../../src/translate/stream.ts";
import { anthropicEventStream } from "../../src/translate/stream_pipeline.ts";
import {
  assertAnthropicGrammar,
  byteSource,
  collectText,
  fixtureSse,
  parseAnthropicSse,
  reassembleAnthropic,
} from "../helpers/streams.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

const UPSTREAM = new URL("../fixtures/upstream/", import.meta.url);
const OTHER_FORMATS = new Set(["anthropic", "google", "openai-responses"]);

/** Streams a preset's quirks are meant to change, and how. */
const CHANGED: Record<string, string> = {
  "together/chat-stream-deepseek-r1-think-tags.sse":
    "think_tags moves the <think> text to thinking",
};

function streamFixtures(): string[] {
  const names: string[] = [];
  for (const provider of readdirSync(UPSTREAM).sort()) {
    if (OTHER_FORMATS.has(provider) || provider.endsWith(".md")) continue;
    for (const file of readdirSync(new URL(`${provider}/`, UPSTREAM)).sort()) {
      if (file.endsWith(".sse") || file.endsWith(".jsonl")) names.push(`${provider}/${file}`);
    }
  }
  return names;
}

async function translate(sse: string, presetQuirks?: readonly string[]) {
  let next = 0;
  const translator = new StreamTranslator({
    model: "claude-test",
    messageId: "msg_1",
    signature: "sig",
    newToolId: () => `toolu_fixture${++next}`,
  });
  const transform = presetQuirks
    ? quirkChunkTransform(quirksByName(presetQuirks), quirkContext())
    : undefined;
  const output = anthropicEventStream(
    byteSource([new TextEncoder().encode(sse)]).stream,
    translator,
    { pingIntervalMs: 0, ...(transform ? { transform } : {}) },
  );
  return parseAnthropicSse(await collectText(output));
}

/** The reassembled answer with encoded tool ids decoded back to the upstream ones. */
function outcome(events: Awaited<ReturnType<typeof translate>>) {
  const { ids, ...rest } = reassembleAnthropic(events);
  const last = events.at(-1);
  return {
    ...rest,
    ids: ids.map((id) => decodeToolId(id)?.id ?? id),
    ending: last?.type === "error" ? last.error.message : last?.type,
  };
}

const PRESETS = ["custom", "gemini", "deepseek", "openai"] as const;

for (const name of streamFixtures()) {
  Deno.test(`preset quirks keep the outcome of the recorded ${name} stream`, async () => {
    const sse = fixtureSse(name, readFileSync(new URL(name, UPSTREAM), "utf8"));
    const plain = outcome(await translate(sse));
    for (const preset of PRESETS) {
      const events = await translate(sse, PROVIDER_PRESETS[preset]!.quirks);
      assertAnthropicGrammar(events, { error: plain.ending !== "message_stop" });
      const quirked = outcome(events);
      if (name in CHANGED && preset === "custom") {
        assert.notDeepEqual(quirked, plain, CHANGED[name]);
        assert.ok(quirked.thinking.length > 100 && !quirked.text.includes("think>"));
        assert.ok(plain.text.startsWith(`<think>${quirked.thinking}</think>`));
        assert.ok(plain.text.endsWith(quirked.text));
      } else {
        assert.deepEqual(quirked, plain, preset);
      }
    }
  });
}
