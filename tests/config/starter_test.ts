import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { starterConfig } from "../../src/config/starter.ts";
import { validateConfig } from "../../src/config/validate.ts";
import { PROVIDER_PRESETS } from "../../src/providers/presets.ts";
import { resolveRoute } from "../../src/routing/route.ts";

/** Parses, validates and resolves a starter config as loading a file would. */
function load(text: string, env: Record<string, string> = {}) {
  const file = validateConfig(parseConfig(text, "starter.toml"), { source: "starter.toml", text });
  return resolveConfig({ cli: {}, env, file, source: "starter.toml" });
}

for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
  Deno.test(`starterConfig for ${name} is a valid config that routes the three families`, () => {
    const text = starterConfig({
      provider: name,
      ...(preset.apiKeyEnv ? { apiKeyEnv: preset.apiKeyEnv } : {}),
      ...(preset.needsBaseUrl ? { baseUrl: "https://example.test/v1" } : {}),
      opus: "big-model",
      sonnet: "middle-model",
      haiku: "small-model",
    });
    const config = load(text);
    assert.equal(config.defaultProvider, name);
    assert.equal(resolveRoute(config, "claude-opus-4-8").model, "big-model");
    assert.equal(resolveRoute(config, "claude-sonnet-4-5-20250929[1m]").model, "middle-model");
    assert.equal(resolveRoute(config, "claude-haiku-4-5-20251001").model, "small-model");
    assert.equal(resolveRoute(config, "claude-3-7-other").model, "big-model");
    assert.equal(resolveRoute(config, "gpt-4o").model, "gpt-4o", "other names pass through");
    assert.deepEqual(
      config.notices.filter((n) => !n.includes("has no API key")),
      [],
      "a fresh config has nothing to warn about",
    );
  });
}

Deno.test("starterConfig writes the key variable, never a key, and reads the key from it", () => {
  const text = starterConfig({
    provider: "deepseek",
    apiKeyEnv: "MY_DEEPSEEK",
    opus: "deepseek-reasoner",
    sonnet: "deepseek-chat",
    haiku: "deepseek-chat",
  });
  assert.match(text, /^api_key_env = "MY_DEEPSEEK"/m);
  assert.doesNotMatch(text, /^api_key =/m);
  assert.equal(load(text, { MY_DEEPSEEK: "sk-1" }).providers.deepseek!.apiKey, "sk-1");
});

Deno.test("starterConfig writes base_url only when it differs from the preset's", () => {
  const models = { opus: "a", sonnet: "b", haiku: "c" };
  assert.match(starterConfig({ provider: "openai", ...models }), /^# base_url = /m);
  const custom = starterConfig({
    provider: "openai",
    baseUrl: "https://gateway.example/v1",
    ...models,
  });
  assert.match(custom, /^base_url = "https:\/\/gateway\.example\/v1"$/m);
  assert.equal(load(custom).providers.openai!.baseUrl, "https://gateway.example/v1");
});

Deno.test("starterConfig quotes model names as TOML strings", () => {
  const text = starterConfig({
    provider: "openrouter",
    opus: 'vendor/model "quoted"',
    sonnet: "b",
    haiku: "c",
  });
  assert.equal(resolveRoute(load(text), "claude-opus-4-8").model, 'vendor/model "quoted"');
});

Deno.test("starterConfig's [web_search] example is valid once uncommented", () => {
  const text = starterConfig({ provider: "deepseek", opus: "a", sonnet: "b", haiku: "c" });
  assert.match(text, /^# \[web_search\]$/m);
  assert.equal(load(text).webSearch, undefined, "commented out, it sets nothing up");
  const on = text.replace(/^# (\[web_search\]|backend = )/gm, "$1");
  assert.match(on, /^\[web_search\]\nbackend = "brave"/m);
  const config = load(on, { BRAVE_API_KEY: "bk-1" });
  assert.equal(config.webSearch?.backend, "brave");
  assert.equal(config.webSearch?.apiKey, "bk-1");
});
