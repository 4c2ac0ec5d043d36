// Tests for switching quirks in the config: preset lists, `quirks`, `disable_quirks`, `enable_quirks`.
import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { type FileConfig, validateConfig } from "../../src/config/validate.ts";
import { ConfigError } from "../../src/errors.ts";
import { PROVIDER_PRESETS } from "../../src/providers/presets.ts";

function quirksOf(file: FileConfig, name: string): string[] {
  const config = resolveConfig({ cli: {}, env: {}, file, source: "config.toml" });
  return config.providers[name]!.quirks;
}

Deno.test("a provider gets its preset's quirks", () => {
  const quirks = quirksOf({ providers: { gemini: { api_key: "k" } } }, "gemini");
  assert.deepEqual(quirks, [...PROVIDER_PRESETS.gemini!.quirks!]);
});

Deno.test("quirks replaces the preset's list, then disable_quirks and enable_quirks adjust it", () => {
  assert.deepEqual(
    quirksOf({ providers: { gemini: { api_key: "k", quirks: ["tool_ids"] } } }, "gemini"),
    ["tool_ids"],
  );
  const adjusted = quirksOf({
    providers: {
      deepseek: {
        api_key: "k",
        disable_quirks: ["merge_same_role", "context_retry"],
        enable_quirks: ["think_tags", "tool_ids"],
      },
    },
  }, "deepseek");
  assert.ok(!adjusted.includes("merge_same_role") && !adjusted.includes("context_retry"));
  assert.ok(adjusted.includes("think_tags") && adjusted.includes("deepseek_reasoning"));
  assert.equal(adjusted.filter((q) => q === "tool_ids").length, 1);
});

Deno.test("an Anthropic-format preset has no quirks", () => {
  assert.deepEqual(quirksOf({ providers: { anthropic: { api_key: "k" } } }, "anthropic"), []);
});

Deno.test("validateConfig names an unknown quirk with its line and a suggestion", () => {
  const text = '[providers.gemini]\napi_key = "k"\ndisable_quirks = ["gemini_shema"]\n';
  try {
    validateConfig(parseConfig(text, "config.toml"), { source: "config.toml", text });
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.problems.length, 1);
    assert.match(
      error.problems[0]!,
      /^config\.toml:3: "providers\.gemini\.disable_quirks" names unknown quirk "gemini_shema" \(did you mean "gemini_schema"\?\)$/,
    );
  }
});

Deno.test("validateConfig accepts known quirk names in all three keys", () => {
  const raw = {
    provider: { name: "openai", quirks: ["tool_ids"], enable_quirks: ["think_tags"] },
    providers: { groq: { disable_quirks: ["think_tags"] } },
  };
  assert.doesNotThrow(() => validateConfig(raw, { source: "config.toml" }));
});
