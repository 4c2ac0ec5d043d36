// Every recorded OpenAI-format stream through each preset's quirks: sound streams come out the same.
import assert from "node:assert/strict";
import { PROVIDER_PRESETS } from "../../src/providers/presets.ts";
import { quirkChunkTransform } from "../../src/quirks/apply_quirks.ts";
import { quirksByName } from "../../src/quirks/registry.ts";
import { decodeToolId } from "../../src/quirks/tool_ids.ts";
import {
  assertAnthropicGrammar,
  parseAnthropicSse,
  reassembleAnthropic,
} from "../helpers/streams.ts";
import { quirkContext } from "../helpers/quirk_context.ts";
import {
  readRecordedStream,
  recordedStreamNames,
  translateRecordedStream,
} from "../helpers/recorded_streams.ts";

/** Streams a preset's quirks are meant to change, and how. */
const CHANGED: Record<string, string> = {
  "together/chat-stream-deepseek-r1-think-tags.sse":
    "think_tags moves the <think> text to thinking",
};

async function translate(sse: string, presetQuirks?: readonly string[]) {
  const transform = presetQuirks
    ? quirkChunkTransform(quirksByName(presetQuirks), quirkContext())
    : undefined;
  const output = await translateRecordedStream([new TextEncoder().encode(sse)], {
    translator: { model: "claude-test", messageId: "msg_1", signature: "sig" },
    transform,
  });
  return parseAnthropicSse(output);
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

const PRESETS = ["custom", "gemini-openai", "deepseek", "openai"] as const;

for (const name of recordedStreamNames()) {
  Deno.test(`preset quirks keep the outcome of the recorded ${name} stream`, async () => {
    const sse = readRecordedStream(name);
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
