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
