// The targets a request may go to: its route, then the model's or the provider's fallback list.
import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { fallbackChain, routeKey } from "../../src/routing/fallback_chain.ts";
import { resolveRoute } from "../../src/routing/route.ts";

const FILE: FileConfig = {
  providers: {
    openai: { api_key: "sk-o", fallback: ["deepseek-chat@deepseek", "gpt-5-mini"] },
    deepseek: { api_key: "sk-d", fallback: ["gpt-5@openai"] },
  },
  models: { "*opus*": "gpt-5", "*sonnet*": "o3", "*haiku*": "deepseek-chat@deepseek" },
  model_options: {
    o3: { fallback: ["o4-mini", "deepseek-reasoner@deepseek", "o3"] },
    "gpt-5-mini": { max_tokens: 100 },
  },
};

function chain(model: string): string[] {
  const config = resolveConfig({ cli: {}, env: {}, file: FILE, source: "test.toml" });
  return fallbackChain(config, resolveRoute(config, model)).map(routeKey);
}

Deno.test("fallbackChain follows the route with its provider's fallbacks, a bare model on that provider", () => {
  assert.deepEqual(chain("claude-opus-4-8"), [
    "openai/gpt-5",
    "deepseek/deepseek-chat",
    "openai/gpt-5-mini",
  ]);
});

Deno.test("fallbackChain takes a model's own list over its provider's, and leaves out the route itself", () => {
  assert.deepEqual(chain("claude-sonnet-4-5"), [
    "openai/o3",
    "openai/o4-mini",
    "deepseek/deepseek-reasoner",
  ]);
});

Deno.test("fallbackChain does not follow a fallback's own fallbacks", () => {
  assert.deepEqual(chain("claude-haiku-4-5"), ["deepseek/deepseek-chat", "openai/gpt-5"]);
});

Deno.test("fallbackChain gives each fallback its own model options", () => {
  const config = resolveConfig({ cli: {}, env: {}, file: FILE, source: "test.toml" });
  const routes = fallbackChain(config, resolveRoute(config, "claude-opus-4-8"));
  assert.equal(routes[2]?.options.maxTokens, 100);
});

Deno.test("fallbackChain is the route alone without fallbacks", () => {
  const config = resolveConfig({
    cli: {},
    env: {},
    file: { providers: { openai: { api_key: "sk-o" } } },
    source: "test.toml",
  });
  assert.deepEqual(fallbackChain(config, resolveRoute(config, "gpt-5")).map(routeKey), [
    "openai/gpt-5",
  ]);
});
