import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileProvider } from "../../src/config/validate.ts";
import { findPreset, presetName, PROVIDER_PRESETS } from "../../src/providers/presets.ts";
import { upstreamHeaders, upstreamUrl } from "../../src/upstream/target.ts";

/** The OpenAI-compatible presets the seeds' users expect: base URL, key variable, auth header. */
const EXPECTED: Record<string, [baseUrl: string, keyEnv: string, header: string]> = {
  openai: ["https://api.openai.com/v1", "OPENAI_API_KEY", "authorization"],
  openrouter: ["https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "authorization"],
  fireworks: ["https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", "authorization"],
  grok: ["https://api.x.ai/v1", "XAI_API_KEY", "authorization"],
  xai: ["https://api.x.ai/v1", "XAI_API_KEY", "authorization"],
  together: ["https://api.together.xyz/v1", "TOGETHER_API_KEY", "authorization"],
  groq: ["https://api.groq.com/openai/v1", "GROQ_API_KEY", "authorization"],
  deepseek: ["https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "authorization"],
  "gemini-openai": [
    "https://generativelanguage.googleapis.com/v1beta/openai",
    "GEMINI_API_KEY",
    "authorization",
  ],
  mistral: ["https://api.mistral.ai/v1", "MISTRAL_API_KEY", "authorization"],
  cerebras: ["https://api.cerebras.ai/v1", "CEREBRAS_API_KEY", "authorization"],
  moonshot: ["https://api.moonshot.ai/v1", "MOONSHOT_API_KEY", "authorization"],
  zai: ["https://api.z.ai/api/paas/v4", "ZAI_API_KEY", "authorization"],
};

function resolveProvider(name: string, table: FileProvider, env: Record<string, string> = {}) {
  const config = resolveConfig({
    cli: {},
    env,
    file: { providers: { [name]: table } },
    source: "test.toml",
  });
  return config.providers[name]!;
}

for (const [name, [baseUrl, keyEnv, header]] of Object.entries(EXPECTED)) {
  Deno.test(`the ${name} preset sends chat completions to ${baseUrl} with ${keyEnv}`, () => {
    const provider = resolveProvider(name, {}, { [keyEnv]: "sk-test-key" });
    assert.equal(provider.format, "openai");
    assert.equal(provider.apiKeyEnv, keyEnv);
    assert.equal(upstreamUrl(provider, "/chat/completions"), `${baseUrl}/chat/completions`);
    assert.equal(provider.apiKeyHeader, header);
    assert.equal(upstreamHeaders(provider, new Headers()).authorization, "Bearer sk-test-key");
  });
}

Deno.test("the azure preset needs the deployment URL and sends api-key with an api-version", () => {
  const provider = resolveProvider("azure", {
    base_url: "https://res.openai.azure.com/openai/deployments/gpt-5/",
  }, { AZURE_OPENAI_API_KEY: "az-key" });
  assert.equal(
    upstreamUrl(provider, "/chat/completions"),
    "https://res.openai.azure.com/openai/deployments/gpt-5/chat/completions?api-version=2024-10-21",
  );
  const headers = upstreamHeaders(provider, new Headers());
  assert.equal(headers["api-key"], "az-key");
  assert.equal(headers.authorization, undefined);
  const newer = resolveProvider("azure", {
    base_url: "https://res.openai.azure.com/openai/deployments/gpt-5",
    query: { "api-version": "2025-04-01-preview" },
  });
  assert.match(upstreamUrl(newer, "/chat/completions"), /\?api-version=2025-04-01-preview$/);
});

Deno.test("the ollama and lmstudio presets reach local servers without a key", () => {
  const ollama = resolveProvider("ollama", {});
  assert.equal(
    upstreamUrl(ollama, "/chat/completions"),
    "http://localhost:11434/v1/chat/completions",
  );
  assert.equal(upstreamHeaders(ollama, new Headers()).authorization, undefined);
  const lmstudio = resolveProvider("lmstudio", {});
  assert.equal(
    upstreamUrl(lmstudio, "/chat/completions"),
    "http://localhost:1234/v1/chat/completions",
  );
});

Deno.test("the anthropic preset passes requests through with x-api-key", () => {
  const provider = resolveProvider("anthropic", {}, { ANTHROPIC_API_KEY: "sk-ant" });
  assert.equal(provider.format, "anthropic");
  assert.equal(upstreamUrl(provider, "/v1/messages"), "https://api.anthropic.com/v1/messages");
  assert.equal(upstreamHeaders(provider, new Headers())["x-api-key"], "sk-ant");
});

Deno.test("the custom preset takes any base URL, key variable, headers and timeout", () => {
  const provider = resolveProvider("mine", {
    name: "custom",
    base_url: "http://10.0.0.5:8000/v1",
    api_key_env: "MY_KEY",
    headers: { "X-Team": "core" },
    timeout_ms: 1234,
    format: "openai",
  }, { MY_KEY: "k" });
  assert.equal(
    upstreamUrl(provider, "/chat/completions"),
    "http://10.0.0.5:8000/v1/chat/completions",
  );
  const headers = upstreamHeaders(provider, new Headers());
  assert.equal(headers.authorization, "Bearer k");
  assert.equal(headers["x-team"], "core");
  assert.equal(provider.timeoutMs, 1234);
});

Deno.test("a provider table overrides the preset's base URL, key variable and format", () => {
  const provider = resolveProvider("openrouter", {
    base_url: "https://gateway.example/or/v1",
    api_key_env: "OR_KEY",
    format: "anthropic",
  }, { OR_KEY: "or" });
  assert.equal(provider.baseUrl, "https://gateway.example/or/v1");
  assert.equal(provider.apiKey, "or");
  assert.equal(provider.format, "anthropic");
});

Deno.test("findPreset is case-insensitive and knows the names OpenCode and the seeds use", () => {
  assert.equal(findPreset("DeepSeek"), PROVIDER_PRESETS.deepseek);
  assert.equal(presetName("google"), "gemini");
  assert.equal(presetName("fireworks-ai"), "fireworks");
  assert.equal(presetName("togetherai"), "together");
  assert.equal(presetName("moonshotai"), "moonshot");
  assert.equal(presetName("nope"), undefined);
});

Deno.test("presetName knows no preset named after an object's own properties", () => {
  for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    assert.equal(presetName(name), undefined, name);
    assert.equal(findPreset(name), undefined, name);
  }
});

Deno.test("every preset has a base URL unless the config must give one, and sane default models", () => {
  for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
    if (preset.defaultModels) {
      for (const model of Object.values(preset.defaultModels)) {
        assert.ok(model.length > 0 && !model.includes(" "), `${name}: "${model}"`);
      }
    }
    if (preset.needsBaseUrl) assert.equal(preset.baseUrl, "", `${name} has no base URL of its own`);
    else assert.match(preset.baseUrl, /^https?:\/\/[^/]+/, `${name} has a base URL`);
  }
});

Deno.test("the README's preset table lists every preset with its base URL and key variable", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const rows = new Map<string, string>();
  for (const line of readme.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 5 || !cells[1]) continue;
    for (const name of cells[1].split("/").map((n) => n.trim())) rows.set(name, line);
  }
  for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
    const row = rows.get(name);
    assert.ok(row, `README lists the "${name}" preset`);
    if (preset.baseUrl) assert.ok(row.includes(preset.baseUrl), `README shows ${name}'s URL`);
    if (preset.apiKeyEnv) assert.ok(row.includes(preset.apiKeyEnv), `README shows ${name}'s key`);
    assert.ok(row.includes(preset.format), `README shows ${name}'s format`);
  }
});

Deno.test("the gemini preset speaks Gemini's own API with the key in x-goog-api-key", () => {
  const config = resolveConfig({
    cli: {},
    env: { GEMINI_API_KEY: "gm" },
    file: {},
    source: "test",
  });
  const provider = config.providers.gemini!;
  assert.equal(provider.format, "gemini");
  assert.equal(provider.baseUrl, "https://generativelanguage.googleapis.com");
  assert.equal(provider.apiKeyHeader, "x-goog-api-key");
  assert.deepEqual(config.notices, [], "no notice without a config file");
});

/** Resolves a config file's tables (GEMINI_API_KEY set); returns the first provider and the notices. */
function fromFile(file: Parameters<typeof resolveConfig>[0]["file"]) {
  const config = resolveConfig({ cli: {}, env: { GEMINI_API_KEY: "gm" }, file, source: "c.toml" });
  const provider = Object.values(config.providers)[0]!;
  return { provider, notices: config.notices };
}

Deno.test("a config naming gemini is told it moved to Gemini's own API and how to keep the old endpoint", () => {
  for (const file of [{ providers: { gemini: {} } }, { provider: { name: "google" } }]) {
    const { provider, notices } = fromFile(file);
    assert.equal(provider.format, "gemini");
    assert.equal(notices.length, 1, JSON.stringify(notices));
    assert.match(notices[0]!, /now uses Gemini's own API \(format = "gemini"\)/);
    assert.match(notices[0]!, /write name = "gemini-openai"/);
  }
  assert.deepEqual(fromFile({ providers: { gemini: { format: "gemini" } } }).notices, []);
  assert.deepEqual(fromFile({ providers: { "gemini-openai": {} } }).notices, []);
});

Deno.test("a gemini config written for the OpenAI-compatible endpoint keeps it, with a notice", () => {
  const old = "https://generativelanguage.googleapis.com/v1beta/openai";
  for (const table of [{ base_url: `${old}/` }, { format: "openai" as const }]) {
    const { provider, notices } = fromFile({ providers: { gemini: table } });
    assert.equal(provider.preset, "gemini-openai");
    assert.equal(provider.format, "openai");
    assert.equal(provider.baseUrl, old);
    assert.equal(provider.apiKeyHeader, "authorization");
    assert.ok(provider.quirks.includes("gemini_thought_signatures"));
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /stays on Gemini's OpenAI-compatible endpoint/);
  }
});
