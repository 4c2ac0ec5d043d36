import assert from "node:assert/strict";
import { mergeLayers } from "../../src/config/layers.ts";
import { parseConfig } from "../../src/config/parse.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { DEFAULT_WEB_SEARCH } from "../../src/config/schema.ts";
import { validateConfig } from "../../src/config/validate.ts";
import { ConfigError } from "../../src/errors.ts";

const PROVIDER = `[provider]\nname = "deepseek"\napi_key = "sk-d"\n\n`;

/** Parses, validates, merges and resolves `text` (after a provider table) as loading c.toml would. */
function load(text: string, env: Record<string, string> = {}) {
  const full = PROVIDER + text;
  const file = validateConfig(parseConfig(full, "c.toml"), { source: "c.toml", text: full });
  const merged = mergeLayers([{ kind: "user", path: "c.toml", text: full, file }]);
  return resolveConfig({
    cli: {},
    env,
    file: merged.file,
    source: "c.toml",
    files: merged.files,
    origins: merged.origins,
  });
}

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    load(text, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("resolveConfig leaves webSearch out without a [web_search] table", () => {
  const config = load("");
  assert.equal(config.webSearch, undefined);
  assert.equal("webSearch" in config, false);
});

Deno.test("resolveConfig resolves a Brave table with the default URL, key variable and limits", () => {
  const config = load(`[web_search]\nbackend = "brave"\n`, { BRAVE_API_KEY: " bk-1 " });
  assert.deepEqual(config.webSearch, {
    backend: "brave",
    baseUrl: "https://api.search.brave.com/res/v1",
    apiKey: "bk-1",
    apiKeyEnv: "BRAVE_API_KEY",
    maxResults: DEFAULT_WEB_SEARCH.maxResults,
    timeoutMs: DEFAULT_WEB_SEARCH.timeoutMs,
  });
  assert.equal(config.origins["web_search.backend"], "c.toml:6");
  assert.equal(config.origins["web_search.base_url"], "default");
  assert.equal(config.origins["web_search.api_key"], "env BRAVE_API_KEY");
  assert.equal(config.origins["web_search.max_results"], "default");
  assert.equal(config.origins["web_search.timeout_ms"], "default");
});

Deno.test("resolveConfig resolves a full table, stripping the URL's trailing slash", () => {
  const config = load(
    `[web_search]\nbackend = "searxng"\nbase_url = "http://127.0.0.1:8888/"\n` +
      `api_key = "sx-token"\nmax_results = 20\ntimeout_ms = 3000\n`,
  );
  assert.deepEqual(config.webSearch, {
    backend: "searxng",
    baseUrl: "http://127.0.0.1:8888",
    apiKey: "sx-token",
    maxResults: 20,
    timeoutMs: 3000,
  });
  assert.equal(config.origins["web_search.base_url"], "c.toml:7");
  assert.equal(config.origins["web_search.api_key"], "c.toml:8");
  assert.equal(config.origins["web_search.max_results"], "c.toml:9");
  assert.equal(config.origins["web_search.timeout_ms"], "c.toml:10");
  assert.ok(
    !Object.values(config.origins).some((o) => o.includes("sx-token")),
    "an origin never holds the key",
  );
});

Deno.test("resolveConfig runs SearXNG without a key when none is asked for", () => {
  const config = load(`[web_search]\nbackend = "searxng"\nbase_url = "https://search.lan"\n`, {
    BRAVE_API_KEY: "bk-unused",
  });
  assert.equal(config.webSearch?.apiKey, undefined);
  assert.equal(config.webSearch?.apiKeyEnv, undefined);
  assert.equal(config.origins["web_search.api_key"], undefined);
});

Deno.test("resolveConfig reads Tavily's key from TAVILY_API_KEY", () => {
  const config = load(`[web_search]\nbackend = "tavily"\n`, { TAVILY_API_KEY: "tvly-1" });
  assert.equal(config.webSearch?.baseUrl, "https://api.tavily.com");
  assert.equal(config.webSearch?.apiKey, "tvly-1");
  assert.equal(config.webSearch?.apiKeyEnv, "TAVILY_API_KEY");
  assert.equal(config.origins["web_search.api_key"], "env TAVILY_API_KEY");
});

Deno.test("resolveConfig reads the key from the variable api_key_env names instead of the default", () => {
  const config = load(`[web_search]\nbackend = "brave"\napi_key_env = "MY_BRAVE"\n`, {
    BRAVE_API_KEY: "bk-default",
    MY_BRAVE: "bk-mine",
  });
  assert.equal(config.webSearch?.apiKey, "bk-mine");
  assert.equal(config.webSearch?.apiKeyEnv, "MY_BRAVE");
  assert.equal(config.origins["web_search.api_key"], "env MY_BRAVE");
});

Deno.test("resolveConfig keeps a literal api_key over the default variable", () => {
  const config = load(`[web_search]\nbackend = "brave"\napi_key = "bk-file"\n`, {
    BRAVE_API_KEY: "bk-env",
  });
  assert.equal(config.webSearch?.apiKey, "bk-file");
  assert.equal(config.webSearch?.apiKeyEnv, undefined);
  assert.equal(config.origins["web_search.api_key"], "c.toml:7");
});

Deno.test("resolveConfig reports a [web_search] table without a backend, at the table", () => {
  assert.deepEqual(problems(`[web_search]\nmax_results = 3\n`), [
    `c.toml:6: [web_search] needs backend: "brave", "tavily" or "searxng"`,
  ]);
});

Deno.test("resolveConfig reports SearXNG without base_url", () => {
  assert.deepEqual(problems(`[web_search]\nbackend = "searxng"\n`), [
    `c.toml:6: [web_search] backend "searxng" needs base_url, the instance's root, ` +
    `e.g. "http://127.0.0.1:8888"`,
  ]);
});

Deno.test("resolveConfig reports Brave without a key, naming BRAVE_API_KEY", () => {
  assert.deepEqual(problems(`[web_search]\nbackend = "brave"\n`, { BRAVE_API_KEY: " " }), [
    `c.toml:6: [web_search] backend "brave" needs a key: set BRAVE_API_KEY or api_key`,
  ]);
});

Deno.test("resolveConfig reports Tavily without a key, naming TAVILY_API_KEY", () => {
  assert.deepEqual(problems(`[web_search]\nbackend = "tavily"\n`, { BRAVE_API_KEY: "bk" }), [
    `c.toml:6: [web_search] backend "tavily" needs a key: set TAVILY_API_KEY or api_key`,
  ]);
});

Deno.test("resolveConfig reports an unset api_key_env variable at its line, SearXNG included", () => {
  assert.deepEqual(
    problems(`[web_search]\nbackend = "searxng"\nbase_url = "http://s"\napi_key_env = "SX"\n`),
    [`c.toml:8: [web_search] backend "searxng" needs a key: set SX or api_key`],
  );
});

Deno.test("resolveConfig reports web search problems together with the others", () => {
  const found = problems(`[models]\n"*" = "m@nowhere"\n\n[web_search]\nbackend = "brave"\n`);
  assert.equal(found.length, 2);
  assert.match(found[0]!, /provider "nowhere", which is not configured/);
  assert.equal(
    found[1],
    `c.toml:9: [web_search] backend "brave" needs a key: set BRAVE_API_KEY or api_key`,
  );
});

Deno.test("resolveConfig takes the backend from a higher layer and the key from a lower one", () => {
  const user = `[web_search]\nbackend = "tavily"\napi_key = "tvly-user"\n`;
  const project = `[web_search]\nbackend = "brave"\nmax_results = 8\n`;
  const layer = (kind: "user" | "project", path: string, text: string) => ({
    kind,
    path,
    text,
    file: validateConfig(parseConfig(text, path), { source: path, text }),
  });
  const merged = mergeLayers([layer("user", "u.toml", user), layer("project", "p.toml", project)]);
  const config = resolveConfig({
    cli: {},
    env: {},
    file: { ...merged.file, provider: { name: "deepseek", api_key: "sk" } },
    source: "p.toml, u.toml",
    origins: merged.origins,
  });
  assert.equal(config.webSearch?.backend, "brave");
  assert.equal(config.webSearch?.apiKey, "tvly-user");
  assert.equal(config.webSearch?.maxResults, 8);
  assert.equal(config.origins["web_search.backend"], "p.toml:2");
  assert.equal(config.origins["web_search.api_key"], "u.toml:3");
});
