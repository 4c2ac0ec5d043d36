import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { NotFoundError } from "../../src/errors.ts";
import {
  explicitTarget,
  findModelOptions,
  findRule,
  globMatch,
  normalizeModelName,
  resolveRoute,
} from "../../src/routing/route.ts";

function config(file: FileConfig) {
  return resolveConfig({ cli: {}, env: {}, file, source: "test.toml" });
}

const TWO_PROVIDERS: FileConfig = {
  providers: {
    deepseek: { api_key: "sk-d" },
    openrouter: { api_key: "sk-o" },
  },
  models: {
    "claude-sonnet-4-5": "deepseek-chat",
    "*haiku*": "gpt-5-mini@openrouter",
    "*sonnet*": "deepseek-reasoner",
    "claude-*": "deepseek-chat",
    "*": "fallback-model",
  },
};

Deno.test("resolveRoute matches an exact name before any glob", () => {
  const route = resolveRoute(config(TWO_PROVIDERS), "claude-sonnet-4-5");
  assert.equal(route.model, "deepseek-chat");
  assert.equal(route.rule?.pattern, "claude-sonnet-4-5");
});

Deno.test("resolveRoute takes the first glob in file order", () => {
  const route = resolveRoute(config(TWO_PROVIDERS), "claude-sonnet-4-6");
  assert.equal(route.model, "deepseek-reasoner");
  assert.equal(route.rule?.pattern, "*sonnet*");
});

Deno.test("resolveRoute sends model@provider routes to that provider", () => {
  const route = resolveRoute(config(TWO_PROVIDERS), "claude-haiku-4-5-20251001");
  assert.equal(route.provider.name, "openrouter");
  assert.equal(route.model, "gpt-5-mini");
});

Deno.test("resolveRoute uses the default provider for rules without @provider", () => {
  assert.equal(resolveRoute(config(TWO_PROVIDERS), "claude-opus-4-8").provider.name, "deepseek");
});

Deno.test("resolveRoute falls back to * for names nothing else matches", () => {
  const route = resolveRoute(config(TWO_PROVIDERS), "gpt-4o");
  assert.equal(route.model, "fallback-model");
  assert.equal(route.rule?.pattern, "*");
});

Deno.test("resolveRoute passes unmapped names through to the default provider without a * rule", () => {
  const route = resolveRoute(
    config({ provider: { name: "openai", api_key: "k" }, models: { "*haiku*": "gpt-5-mini" } }),
    "gpt-4o[1m]",
  );
  assert.equal(route.model, "gpt-4o");
  assert.equal(route.rule, undefined);
  assert.equal(route.provider.name, "openai");
});

Deno.test("resolveRoute ignores Claude Code's [1m] suffix and date suffixes for exact names", () => {
  const routes = config(TWO_PROVIDERS);
  for (
    const name of [
      "claude-sonnet-4-5[1m]",
      "claude-sonnet-4-5-20250929",
      "claude-sonnet-4-5-20250929[1m]",
      "claude-sonnet-4-5-latest",
    ]
  ) {
    assert.equal(resolveRoute(routes, name).rule?.pattern, "claude-sonnet-4-5", name);
  }
});

Deno.test("resolveRoute matches globs whatever the [1m] suffix", () => {
  const routes = config({
    provider: { name: "openai", api_key: "k" },
    models: { "claude-opus-4-?": "gpt-5.1", "*": "x" },
  });
  assert.equal(resolveRoute(routes, "claude-opus-4-8[1m]").model, "gpt-5.1");
});

Deno.test("findRule prefers an exact rule written with the suffix when the client sends it", () => {
  const routes = config({
    provider: { name: "openai", api_key: "k" },
    models: { "claude-sonnet-4-5[1m]": "long", "claude-sonnet-4-5": "short" },
  });
  assert.equal(findRule(routes.models, "claude-sonnet-4-5[1m]")?.model, "long");
  assert.equal(findRule(routes.models, "claude-sonnet-4-5")?.model, "short");
});

Deno.test("globMatch supports * and ? case-insensitively and escapes everything else", () => {
  assert.ok(globMatch("*haiku*", "claude-3-5-HAIKU-20241022"));
  assert.ok(globMatch("claude-?-opus", "claude-3-opus"));
  assert.ok(!globMatch("claude-?-opus", "claude-35-opus"));
  assert.ok(globMatch("gpt-4.1", "gpt-4.1"));
  assert.ok(!globMatch("gpt-4.1", "gpt-4x1"), "a dot is literal");
  assert.ok(!globMatch("*opus", "claude-opus-4"), "a glob is anchored");
});

Deno.test("globMatch gives the same answers for a pattern seen before and past its cache", () => {
  for (let round = 0; round < 2; round++) {
    assert.ok(globMatch("*sonnet*", "claude-sonnet-4-5"));
    assert.ok(!globMatch("*sonnet*", "claude-opus-4-1"));
  }
  // More distinct patterns than are kept compiled: each still matches only its own name.
  for (let i = 0; i < 300; i++) {
    assert.ok(globMatch(`model-${i}-*`, `model-${i}-x`), `model-${i}-*`);
    assert.ok(!globMatch(`model-${i}-*`, `model-${i + 1}-x`), `model-${i}-* on ${i + 1}`);
  }
  assert.ok(globMatch("model-5-*", "MODEL-5-y"));
});

Deno.test("normalizeModelName removes the bracketed suffix Claude Code appends", () => {
  assert.equal(normalizeModelName("claude-sonnet-4-5[1m]"), "claude-sonnet-4-5");
  assert.equal(normalizeModelName("claude-sonnet-4-5"), "claude-sonnet-4-5");
});

Deno.test("resolveRoute finds model options by exact upstream name, then by glob", () => {
  const routes = config({
    provider: { name: "deepseek", api_key: "k" },
    models: { "*haiku*": "deepseek-chat", "*opus*": "deepseek-reasoner" },
    model_options: {
      "deepseek-*": { max_tokens: 8192 },
      "deepseek-chat": { max_tokens: 4096, images: false },
    },
  });
  assert.deepEqual(resolveRoute(routes, "claude-haiku-4-5").options, {
    maxTokens: 4096,
    images: false,
  });
  assert.deepEqual(resolveRoute(routes, "claude-opus-4-8").options, { maxTokens: 8192 });
  assert.deepEqual(findModelOptions(routes.modelOptions, "gpt-5.1"), {});
});

Deno.test("findModelOptions gives a model named after an object's own properties no options", () => {
  const routes = config({
    provider: { name: "openai", api_key: "k" },
    model_options: { "gpt-*": { max_tokens: 8192 } },
  });
  for (const model of ["constructor", "__proto__", "toString"]) {
    assert.deepEqual(findModelOptions(routes.modelOptions, model), {}, model);
    assert.deepEqual(resolveRoute(routes, model).options, {}, model);
  }
});

Deno.test("resolveConfig turns [model_options] into max_tokens, effort and image options", () => {
  const routes = config({
    provider: { name: "openai", api_key: "k" },
    model_options: {
      "o3": { max_tokens: 32000, reasoning_effort: "high", images: true, reasoning: true },
    },
  });
  assert.deepEqual(routes.modelOptions.o3, {
    maxTokens: 32000,
    reasoningEffort: "high",
    images: true,
    reasoning: true,
  });
});

Deno.test("resolveRoute sends gpt-5.x and gpt-6 on the openai preset to the Responses API", () => {
  const cfg = config({
    providers: { openai: { api_key: "sk-o" } },
    models: { "*opus*": "gpt-6-sol", "*sonnet*": "gpt-5.4", "*haiku*": "gpt-4.1" },
  });
  assert.equal(cfg.providers.openai!.format, "openai");
  assert.equal(resolveRoute(cfg, "claude-opus-5-5").format, "openai-responses");
  assert.equal(resolveRoute(cfg, "claude-sonnet-5-5").format, "openai-responses");
  assert.equal(resolveRoute(cfg, "claude-haiku-5-5").format, "openai");
});

Deno.test("resolveRoute keeps other OpenAI-compatible providers on Chat Completions", () => {
  const cfg = config({
    providers: {
      local: { name: "custom", base_url: "http://127.0.0.1:9/v1" },
      openrouter: { api_key: "sk-o" },
    },
    models: { "*opus*": "gpt-6-sol@local", "*sonnet*": "openai/gpt-6-sol@openrouter" },
  });
  assert.equal(resolveRoute(cfg, "claude-opus-5-5").format, "openai");
  assert.equal(resolveRoute(cfg, "claude-sonnet-5-5").format, "openai");
});

Deno.test("resolveRoute lets [model_options] api choose the API either way", () => {
  const cfg = config({
    providers: {
      openai: { api_key: "sk-o" },
      local: { name: "custom", base_url: "http://127.0.0.1:9/v1" },
    },
    models: { "*opus*": "gpt-6-sol", "*sonnet*": "my-reasoner@local" },
    model_options: { "gpt-6-sol": { api: "chat" }, "my-*": { api: "responses" } },
  });
  assert.equal(resolveRoute(cfg, "claude-opus-5-5").format, "openai");
  assert.equal(resolveRoute(cfg, "claude-sonnet-5-5").format, "openai-responses");
});

Deno.test("resolveRoute carries the catalog's facts, overridden by [model_options]", () => {
  const cfg = config({
    providers: { deepseek: { api_key: "sk-d" } },
    models: { "*opus*": "deepseek-v4-pro", "*sonnet*": "deepseek-flash", "*haiku*": "mine" },
    model_options: {
      "deepseek-flash": {
        context_window: 128_000,
        price: { input: 0.15, output: 0.6, cache_read: 0.003 },
        images: false,
      },
    },
  });
  const pro = resolveRoute(cfg, "claude-opus-5-5");
  assert.equal(pro.facts.context_window, 1_000_000);
  assert.deepEqual(pro.facts.price, { input: 1.32, output: 3.96, cache_read: 0.044 });
  const flash = resolveRoute(cfg, "claude-sonnet-5-5");
  assert.equal(flash.options.contextWindow, 128_000);
  assert.equal(flash.facts.context_window, 128_000);
  assert.equal(flash.facts.max_output_tokens, 393_216);
  assert.deepEqual(flash.facts.price, { input: 0.15, output: 0.6, cache_read: 0.003 });
  assert.equal(flash.facts.images, false);
  assert.deepEqual(resolveRoute(cfg, "claude-haiku-5-5").facts, {});
});

Deno.test("resolveRoute leaves Gemini and Anthropic formats alone whatever [model_options] api says", () => {
  const cfg = config({
    providers: { gemini: { api_key: "g" }, anthropic: { api_key: "a" } },
    models: {
      "*opus*": "gemini-3.1-pro-preview@gemini",
      "*sonnet*": "claude-sonnet-5-5@anthropic",
    },
    model_options: { "*": { api: "responses" } },
  });
  assert.equal(resolveRoute(cfg, "claude-opus-5-5").format, "gemini");
  assert.equal(resolveRoute(cfg, "claude-sonnet-5-5").format, "anthropic");
});

Deno.test("resolveRoute sends the model ids Claude Code 2.1.337 knows to the preset's tiers with no [models]", () => {
  const cfg = config({ provider: { name: "deepseek", api_key: "sk-d" } });
  const defaults = { big: "deepseek-v4-pro", middle: "deepseek-flash", small: "deepseek-flash" };
  const expected: Array<[string, string]> = [
    ["claude-opus-5-5", defaults.big], // 2.1.337's default
    ["claude-opus-5-5[1m]", defaults.big],
    ["claude-sonnet-5-5", defaults.middle],
    ["claude-haiku-5-5", defaults.small],
    ["claude-fable-5-2", defaults.big], // families without a tier glob: "claude-*" → big
    ["claude-mythos-5", defaults.big],
    ["claude-opus-4-8", defaults.big], // 2.1.197's default
    ["claude-sonnet-4-5-20250929", defaults.middle],
    ["claude-haiku-4-5-20251001", defaults.small],
  ];
  for (const [model, upstream] of expected) {
    assert.equal(resolveRoute(cfg, model).model, upstream, model);
  }
});

Deno.test("resolveRoute sends 2.1.337's model ids through a starter config's tier globs", () => {
  const cfg = config({
    provider: { name: "openai", api_key: "sk-o" },
    models: {
      "*opus*": "gpt-5.1",
      "*sonnet*": "gpt-5.1",
      "*haiku*": "gpt-5-mini",
      "claude-*": "gpt-5.1",
    },
  });
  assert.equal(resolveRoute(cfg, "claude-opus-5-5").model, "gpt-5.1");
  assert.equal(resolveRoute(cfg, "claude-haiku-5-5").model, "gpt-5-mini");
  assert.equal(resolveRoute(cfg, "claude-fable-5-2").model, "gpt-5.1");
});

// A model@provider the client names (Claude Code's /model picker, --model).

const SWITCHING: FileConfig = {
  providers: { deepseek: { api_key: "sk-d" }, openrouter: { api_key: "sk-o" } },
  models: { "*": "fallback-model", "exact@openrouter": "pinned-model@deepseek" },
};

Deno.test("resolveRoute sends a model@provider the client named to that provider, the name as typed", () => {
  const route = resolveRoute(config(SWITCHING), "Qwen/Qwen3-Coder@openrouter");
  assert.equal(route.provider.name, "openrouter");
  assert.equal(route.model, "Qwen/Qwen3-Coder");
  assert.equal(route.rule, undefined);
});

Deno.test("resolveRoute finds the provider of a model@provider in any case, without a [1m] suffix", () => {
  const route = resolveRoute(config(SWITCHING), "deepseek-chat@DeepSeek[1m]");
  assert.equal(route.provider.name, "deepseek");
  assert.equal(route.model, "deepseek-chat");
});

Deno.test("resolveRoute lets an exact [models] name win over the provider it names", () => {
  const route = resolveRoute(config(SWITCHING), "exact@openrouter");
  assert.equal(route.provider.name, "deepseek");
  assert.equal(route.model, "pinned-model");
});

Deno.test("resolveRoute leaves Vertex's dated model ids to the rules", () => {
  const route = resolveRoute(config(SWITCHING), "claude-sonnet-4@20250514");
  assert.equal(route.model, "fallback-model");
  assert.equal(route.rule?.pattern, "*");
});

Deno.test("resolveRoute answers a model@provider whose provider is not configured with a 404 that names them", () => {
  assert.throws(
    () => resolveRoute(config(SWITCHING), "gpt-5@openai"),
    (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      // Claude Code's /model says "Model '…' not found" for a not_found_error whose message has "model:".
      assert.match(
        err.message,
        /^model: "gpt-5@openai" names provider "openai", which is not configured/,
      );
      assert.match(err.message, /configured: deepseek, openrouter/);
      return true;
    },
  );
});

Deno.test("explicitTarget reads model@provider by preset, and nothing else", () => {
  const cfg = config({ providers: { mine: { name: "deepseek", api_key: "sk-d" } } });
  assert.deepEqual(explicitTarget(cfg, "deepseek-chat@deepseek"), {
    model: "deepseek-chat",
    provider: "mine",
  });
  assert.equal(explicitTarget(cfg, "deepseek-chat"), undefined);
  assert.equal(explicitTarget(cfg, "@deepseek"), undefined);
  assert.equal(explicitTarget(cfg, "deepseek-chat@"), undefined);
});
