// Every recorded non-streaming answer through each preset's quirks: sound answers come out the same.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { PROVIDER_PRESETS } from "../../src/providers/presets.ts";
import { applyResponseQuirks } from "../../src/quirks/apply_quirks.ts";
import { quirksByName } from "../../src/quirks/registry.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

const UPSTREAM = new URL("../fixtures/upstream/", import.meta.url);

/** Answers a preset's quirks are meant to change: fixture → the presets that change it. */
const CHANGED: Record<string, string[]> = {
  "gemini-openai-compat/chat-tool-call-thought-signature.json": ["gemini-openai"],
  "groq/chat-qwen3-think-tags-in-content.json": ["custom"],
  "together/chat-deepseek-r1-think-tags.json": ["custom"],
};

function answerFixtures(): string[] {
  const names: string[] = [];
  for (const provider of readdirSync(UPSTREAM).sort()) {
    if (provider === "anthropic" || provider.endsWith(".md")) continue;
    for (const file of readdirSync(new URL(`${provider}/`, UPSTREAM)).sort()) {
      if (file.startsWith("chat-") && file.endsWith(".json")) names.push(`${provider}/${file}`);
    }
  }
  return names;
}

Deno.test("preset quirks change only the recorded answers they are meant for", () => {
  const changed: Record<string, string[]> = {};
  for (const name of answerFixtures()) {
    const text = readFileSync(new URL(name, UPSTREAM), "utf8");
    for (const preset of ["custom", "gemini-openai", "deepseek", "openai"]) {
      const quirks = quirksByName(PROVIDER_PRESETS[preset]!.quirks!);
      const out = applyResponseQuirks(quirks, JSON.parse(text), quirkContext());
      if (JSON.stringify(out) !== JSON.stringify(JSON.parse(text))) {
        (changed[name] ??= []).push(preset);
      }
    }
  }
  assert.deepEqual(changed, CHANGED);
});
