import assert from "node:assert/strict";
import { CATALOG_DATA } from "../../src/providers/model_catalog_data.ts";
import { findEntry, modelFacts, providerCatalog } from "../../src/providers/model_catalog.ts";
import { DEFAULTS_CHECKED, PROVIDER_PRESETS } from "../../src/providers/presets.ts";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every preset default model, as [preset, tier, model]. */
const DEFAULTS = Object.entries(PROVIDER_PRESETS).flatMap(([name, preset]) =>
  Object.entries(preset.defaultModels ?? {}).map(([tier, model]) => [name, tier, model] as const)
);

Deno.test("every preset default model has a context window, an output limit, capabilities and a price", () => {
  assert.ok(DEFAULTS.length >= 40, `only ${DEFAULTS.length} defaults`);
  for (const [preset, tier, model] of DEFAULTS) {
    const facts = modelFacts(preset, model);
    const label = `${preset} ${tier} ${model}`;
    assert.ok(facts, `${label} is not in the catalog`);
    assert.ok((facts.context_window ?? 0) >= 100_000, `${label}: context window`);
    assert.ok((facts.max_output_tokens ?? 0) > 0, `${label}: output limit`);
    assert.ok((facts.max_output_tokens ?? 0) <= facts.context_window!, `${label}: output > window`);
    for (const key of ["thinking", "effort", "images"] as const) {
      assert.equal(typeof facts[key], "boolean", `${label}: ${key}`);
    }
    assert.ok(facts.price, `${label}: price`);
  }
});

Deno.test("the catalog's prices are finite and non-negative, and output costs at least the input", () => {
  for (const [name, catalog] of Object.entries(CATALOG_DATA)) {
    for (const [id, entry] of Object.entries(catalog.models)) {
      if (!entry.price) {
        assert.match(
          entry.note ?? "",
          /could not be confirmed/,
          `${name} ${id} has no price or note`,
        );
        continue;
      }
      for (const [key, value] of Object.entries(entry.price)) {
        assert.ok(Number.isFinite(value) && value >= 0, `${name} ${id} ${key} = ${value}`);
      }
      assert.ok(entry.price.output >= entry.price.input, `${name} ${id}: output below input`);
      const { cache_read: read } = entry.price;
      if (read !== undefined) assert.ok(read <= entry.price.input, `${name} ${id}: cache read`);
    }
  }
});

Deno.test("every provider's catalog says when it was checked and where the figures come from", () => {
  assert.match(DEFAULTS_CHECKED, DATE);
  for (const [name, catalog] of Object.entries(CATALOG_DATA)) {
    assert.match(catalog.checked, DATE, name);
    assert.ok(catalog.source.length > 20, `${name} has no source line`);
    assert.ok(Object.hasOwn(PROVIDER_PRESETS, name), `${name} is not a preset`);
    for (const [id, entry] of Object.entries(catalog.models)) {
      if (entry.retires !== undefined) assert.match(entry.retires, DATE, `${name} ${id}`);
    }
  }
});

Deno.test("no preset maps to a model its provider has retired", () => {
  for (const [preset, tier, model] of DEFAULTS) {
    const catalog = providerCatalog(preset)!;
    const entry = findEntry(catalog, model)!;
    assert.ok(
      entry.retires === undefined || entry.retires > DEFAULTS_CHECKED,
      `${preset} ${tier} ${model} retires on ${entry.retires}`,
    );
  }
  const retired = ["gpt-5-mini", "deepseek-chat", "deepseek-reasoner", "gemini-2.5-pro"];
  for (const [preset, tier, model] of DEFAULTS) {
    assert.ok(!retired.includes(model), `${preset} ${tier} still maps to ${model}`);
    assert.ok(!/claude-sonnet-4[.-]5/.test(model), `${preset} ${tier} maps to Sonnet 4.5`);
  }
});

Deno.test("modelFacts says gpt-5.x and gpt-6 need the Responses API on OpenAI", () => {
  assert.equal(modelFacts("openai", "gpt-6-sol")?.api, "responses");
  assert.equal(modelFacts("openai", "gpt-5.4-mini")?.api, "responses");
  // Models not listed by id fall back to their family.
  assert.equal(modelFacts("openai", "gpt-5.9-nova")?.api, "responses");
  assert.equal(modelFacts("openai", "gpt-5.3-chat-latest")?.api, "chat");
  assert.equal(modelFacts("openai", "gpt-4.1"), undefined);
  assert.equal(modelFacts("deepseek", "deepseek-flash")?.api, undefined);
});

Deno.test("modelFacts matches ids case-insensitively, without Claude Code's [1m] or a date", () => {
  const opus = modelFacts("anthropic", "claude-opus-4-8");
  assert.equal(opus?.context_window, 1_000_000);
  assert.deepEqual(modelFacts("anthropic", "Claude-Opus-4-8[1m]"), opus);
  assert.deepEqual(modelFacts("anthropic", "claude-haiku-4-5-20251001")?.price, {
    input: 1,
    output: 5,
    cache_read: 0.1,
    cache_write: 1.25,
  });
  assert.equal(modelFacts("openai", "gpt-5.4-2026-03-05")?.context_window, 1_050_000);
  assert.equal(modelFacts("anthropic", "claude-unknown-9"), undefined);
});

Deno.test("modelFacts follows aliases and presets that share a provider's models", () => {
  assert.deepEqual(
    modelFacts("openai-responses", "gpt-6-luna"),
    modelFacts("openai", "gpt-6-luna"),
  );
  assert.deepEqual(modelFacts("XAI", "grok-4.3"), modelFacts("grok", "grok-4.3"));
  assert.deepEqual(modelFacts("kimi", "kimi-k2.6"), modelFacts("moonshot", "kimi-k2.6"));
  assert.deepEqual(modelFacts("zai-anthropic", "glm-5.2"), modelFacts("zai", "glm-5.2"));
  assert.equal(modelFacts("custom", "gpt-6-sol"), undefined);
  assert.equal(modelFacts("no-such-preset", "gpt-6-sol"), undefined);
});

Deno.test("modelFacts without a preset finds the model anywhere but gives no price", () => {
  const facts = modelFacts(undefined, "deepseek-flash");
  assert.equal(facts?.context_window, 1_048_576);
  assert.equal(facts?.price, undefined);
  assert.ok(modelFacts("deepseek", "deepseek-flash")?.price);
});

Deno.test("modelFacts answers copies: changing one does not change the catalog", () => {
  const facts = modelFacts("openai", "gpt-6-sol")!;
  facts.context_window = 1;
  facts.price!.input = 99;
  assert.equal(modelFacts("openai", "gpt-6-sol")?.context_window, 1_050_000);
  assert.equal(modelFacts("openai", "gpt-6-sol")?.price?.input, 2);
});

Deno.test("docs/models.md lists every preset default model with its context window", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/models.md", import.meta.url));
  for (const [preset, tier, model] of DEFAULTS) {
    const row = doc.split("\n").find((line) =>
      line.startsWith(`| ${preset} `) && line.includes(`\`${model}\``)
    );
    assert.ok(row, `docs/models.md has no row for ${preset} ${tier} ${model}`);
    const window = modelFacts(preset, model)!.context_window!;
    const shown = window >= 1_000_000
      ? `${+(window / 1_000_000).toFixed(3)}M`
      : `${Math.round(window / 1000)}k`;
    assert.ok(row.includes(` ${shown} `), `${preset} ${model}: ${shown} not in ${row}`);
  }
  assert.ok(doc.includes(DEFAULTS_CHECKED));
});
