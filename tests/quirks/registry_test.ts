// Tests for the quirk list, name lookup, layer order and the presets' quirk lists.
import assert from "node:assert/strict";
import { PROVIDER_PRESETS } from "../../src/providers/presets.ts";
import {
  applyRequestQuirks,
  applyResponseQuirks,
  quirkChunkTransform,
} from "../../src/quirks/apply_quirks.ts";
import type { Quirk } from "../../src/quirks/quirk.ts";
import { QUIRK_NAMES } from "../../src/providers/quirk_names.ts";
import { QUIRKS, quirksByName } from "../../src/quirks/registry.ts";
import type { ChatCompletionChunk } from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

Deno.test("QUIRKS have unique snake_case names and a summary each", () => {
  assert.equal(new Set(QUIRK_NAMES).size, QUIRKS.length);
  for (const quirk of QUIRKS) {
    assert.match(quirk.name, /^[a-z]+(?:_[a-z]+)*$/);
    assert.ok(quirk.summary.length > 10, quirk.name);
  }
});

Deno.test("QUIRKS has one quirk for each name a config may list", () => {
  assert.deepEqual(QUIRKS.map((quirk) => quirk.name).sort(), [...QUIRK_NAMES].sort());
});

Deno.test("quirksByName returns quirks in layer order and refuses unknown names", () => {
  const picked = quirksByName(["tool_ids", "history_repair", "gemini_thought_signatures"]);
  assert.deepEqual(picked.map((q) => q.name), [
    "history_repair",
    "gemini_thought_signatures",
    "tool_ids",
  ]);
  assert.throws(() => quirksByName(["tool_idz"]), /Unknown quirk "tool_idz"/);
});

Deno.test("quirksByName resolves a provider's list once and shares the frozen answer", () => {
  const names = ["think_tags", "tool_ids"];
  const first = quirksByName(names);
  assert.equal(quirksByName(names), first);
  assert.ok(Object.isFrozen(first));
  assert.notEqual(quirksByName([...names]), first, "another list is resolved on its own");
});

Deno.test("every preset names only known quirks, and Anthropic-format presets none", () => {
  for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
    for (const quirk of preset.quirks ?? []) {
      assert.ok(QUIRK_NAMES.includes(quirk), `${name}: ${quirk}`);
    }
    if (preset.format === "anthropic") assert.equal(preset.quirks, undefined, name);
  }
  assert.ok(PROVIDER_PRESETS["gemini-openai"]!.quirks!.includes("gemini_schema"));
  assert.ok(PROVIDER_PRESETS.deepseek!.quirks!.includes("deepseek_reasoning"));
});

/** A quirk that records when its hooks run. */
function tracer(name: string, log: string[]): Quirk {
  return {
    name,
    summary: name,
    request: (req) => (log.push(`request ${name}`), req),
    response: (res) => (log.push(`response ${name}`), res),
    chunks: () => ({
      push: (chunk) => (log.push(`push ${name}`), [chunk]),
      flush: () => (log.push(`flush ${name}`), [{ id: `from ${name}` }]),
    }),
  };
}

Deno.test("requests pass the layers top down and answers bottom up", () => {
  const log: string[] = [];
  const quirks = [tracer("a", log), tracer("b", log)];
  const ctx = quirkContext();
  applyRequestQuirks(quirks, ctx.request, ctx);
  applyResponseQuirks(quirks, { choices: [] }, ctx);
  assert.deepEqual(log, ["request a", "request b", "response b", "response a"]);
});

Deno.test("quirkChunkTransform chains transforms upstream first, flushing each through the rest", () => {
  const log: string[] = [];
  const transform = quirkChunkTransform([tracer("a", log), tracer("b", log)], quirkContext())!;
  transform.push({ id: "c" });
  const flushed: ChatCompletionChunk[] = transform.flush();
  assert.deepEqual(flushed.map((c) => c.id), ["from b", "from a"]);
  assert.deepEqual(log, ["push b", "push a", "flush b", "push a", "flush a"]);
  assert.equal(quirkChunkTransform([], quirkContext()), undefined);
});
