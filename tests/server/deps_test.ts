import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { configSecrets } from "../../src/server/deps.ts";

Deno.test("configSecrets lists provider keys, the proxy token and the web search key", () => {
  const config = resolveConfig({
    cli: {},
    env: { DEEPSEEK_API_KEY: "sk-provider", TAVILY_API_KEY: "tvly-search" },
    file: {
      provider: { name: "deepseek" },
      auth_token: "proxy-token",
      web_search: { backend: "tavily" },
    },
    source: "c.toml",
  });
  assert.deepEqual(configSecrets(config), ["sk-provider", "proxy-token", "tvly-search"]);
});

Deno.test("configSecrets leaves out a web search backend without a key", () => {
  const config = resolveConfig({
    cli: {},
    env: { DEEPSEEK_API_KEY: "sk-provider" },
    file: {
      provider: { name: "deepseek" },
      web_search: { backend: "searxng", base_url: "http://127.0.0.1:8888" },
    },
    source: "c.toml",
  });
  assert.deepEqual(configSecrets(config), ["sk-provider"]);
});
