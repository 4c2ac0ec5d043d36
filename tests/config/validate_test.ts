import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { loadConfig } from "../../src/config/load.ts";
import { parseConfig } from "../../src/config/parse.ts";
import { validateConfig } from "../../src/config/validate.ts";
import { ConfigError } from "../../src/errors.ts";
import { assertGolden } from "../helpers/golden.ts";
import { fromFileUrl } from "../helpers/paths.ts";

const DIR = new URL("../fixtures/config/invalid/", import.meta.url);
const SHOWN_AS = "tests/fixtures/config/invalid/";

/** Loads a fixture as `--config` would, and returns the message the user sees. */
async function messageFor(name: string): Promise<string> {
  const path = fromFileUrl(new URL(name, DIR));
  try {
    await loadConfig({
      configPath: path,
      cli: {},
      env: {},
      platform: "linux",
      cwd: fromFileUrl(DIR),
      home: "/nonexistent-home",
      managedPaths: [],
      openCodeAuthPath: null,
    });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `${name}: ${err}`);
    assert.ok(err.problems.length > 0, `${name}: a ConfigError lists its problems`);
    return `${err.message.replaceAll(fromFileUrl(DIR), SHOWN_AS)}\n`;
  }
  assert.fail(`${name}: expected a ConfigError`);
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".toml")).sort()) {
  Deno.test(`loadConfig explains ${file.replace(/\.toml$/, "")} in the message of its golden file`, async () => {
    assertGolden(await messageFor(file), new URL(file.replace(/\.toml$/, ".error.txt"), DIR));
  });
}

Deno.test("validateConfig lists every problem at once, each with file, line and key", () => {
  const text = `prot = 1\nhost = 2\n[provider]\nname = "openai"\nformat = "x"\n`;
  try {
    validateConfig({ prot: 1, host: 2, provider: { name: "openai", format: "x" } }, {
      source: "c.toml",
      text,
    });
    assert.fail("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems, [
      `c.toml:1: unknown key "prot" (did you mean "port"?)`,
      `c.toml:2: "host" must be a string, got number 2`,
      `c.toml:5: "provider.format" must be one of "openai", "openai-responses", "anthropic", "gemini", got "x"`,
    ]);
    assert.match(err.message, /^Invalid config "c\.toml" \(3 problems\):\n {2}- c\.toml:1: /);
  }
});

Deno.test("validateConfig reports keys named like an object's own properties as unknown keys", () => {
  const text = `toString = { a = 1 }\n[provider]\nname = "openai"\nconstructor = { a = 1 }\n`;
  try {
    validateConfig(parseConfig(text, "c.toml"), { source: "c.toml", text });
    assert.fail("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.deepEqual(err.problems, [
      `c.toml:1: unknown key "toString"`,
      `c.toml:4: unknown key "provider.constructor"`,
    ]);
  }
});

Deno.test("validateConfig accepts every key the configuration reference documents", () => {
  const file = validateConfig({
    port: 4222,
    host: "127.0.0.1",
    auth_token: "t",
    allowed_origins: ["http://localhost:3000"],
    allowed_hosts: ["proxy.lan"],
    default_provider: "deepseek",
    provider: {
      name: "deepseek",
      base_url: "https://api.deepseek.com/v1",
      api_key_env: "DEEPSEEK_API_KEY",
      format: "openai",
      headers: { "X-Title": "claude-proxy" },
      timeout_ms: 60000,
    },
    providers: { openrouter: { api_key: "sk-or" } },
    models: { "*": "deepseek-chat", "*opus*": "deepseek-reasoner@deepseek" },
    model_options: { "deepseek-*": { max_tokens: 8192, reasoning_effort: "high", images: false } },
    params: { drop: ["reasoning_effort"] },
    log: { file: "/tmp/x.jsonl", max_entries: 10, bodies: true },
    upstream: {
      retries: 2,
      connect_timeout_ms: 10000,
      first_byte_timeout_ms: 300000,
      deadline_ms: 300000,
      idle_timeout_ms: 300000,
      ping_interval_ms: 10000,
    },
    limits: { max_body_bytes: 33554432, shutdown_grace_ms: 30000 },
  }, { source: "ok.toml" });
  assert.equal(file.port, 4222);
});

Deno.test("the configuration reference's example config is valid, with every commented setting switched on", async () => {
  const reference = await Deno.readTextFile(
    new URL("../../docs/configuration.md", import.meta.url),
  );
  const block = reference.match(/The file is TOML[^]*?```toml\n([^]*?)```/)?.[1];
  assert.ok(block, "docs/configuration.md has the example config");
  const text = block.replace(/^# (?=[\w"]+ = )/gm, "");
  assert.match(text, /^retries = 2/m);
  const file = validateConfig(parseConfig(text, "configuration.md"), {
    source: "configuration.md",
    text,
  });
  assert.equal(file.upstream?.retries, 2);
  assert.equal(file.limits?.max_body_bytes, 32 * 1024 * 1024);
  assert.equal(file.log?.bodies, false);
});

/** The problems validateConfig finds in `text`. */
function problemsIn(text: string): string[] {
  try {
    validateConfig(parseConfig(text, "c.toml"), { source: "c.toml", text });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("validateConfig accepts a full [web_search] table", () => {
  const text = `[web_search]\nbackend = "searxng"\nbase_url = "http://127.0.0.1:8888"\n` +
    `api_key_env = "SEARX_TOKEN"\nmax_results = 20\ntimeout_ms = 15000\n`;
  const file = validateConfig(parseConfig(text, "c.toml"), { source: "c.toml", text });
  assert.deepEqual({ ...file.web_search }, {
    backend: "searxng",
    base_url: "http://127.0.0.1:8888",
    api_key_env: "SEARX_TOKEN",
    max_results: 20,
    timeout_ms: 15000,
  });
});

Deno.test("validateConfig reports an unknown [web_search] backend, suggesting the closest", () => {
  assert.deepEqual(problemsIn(`[web_search]\nbackend = "bravo"\n`), [
    `c.toml:2: "web_search.backend" must be one of "brave", "tavily", "searxng", got "bravo" ` +
    `(did you mean "brave"?)`,
  ]);
  assert.deepEqual(problemsIn(`[web_search]\nbackend = "google"\n`), [
    `c.toml:2: "web_search.backend" must be one of "brave", "tavily", "searxng", got "google"`,
  ]);
});

Deno.test("validateConfig reports an unknown [web_search] key, suggesting the closest", () => {
  assert.deepEqual(problemsIn(`[web_search]\nbackend = "brave"\nmax_result = 5\n`), [
    `c.toml:3: unknown key "web_search.max_result" (did you mean "max_results"?)`,
  ]);
});

Deno.test("validateConfig takes max_results from 1 to 20 only", () => {
  for (const [value, got] of [["0", "number 0"], ["21", "number 21"], ["2.5", "number 2.5"]]) {
    assert.deepEqual(problemsIn(`[web_search]\nbackend = "brave"\nmax_results = ${value}\n`), [
      `c.toml:3: "web_search.max_results" must be a whole number from 1 to 20, got ${got}`,
    ]);
  }
  for (const value of [1, 20]) {
    const text = `[web_search]\nbackend = "brave"\nmax_results = ${value}\n`;
    assert.equal(
      validateConfig(parseConfig(text, "c.toml"), { source: "c.toml", text })
        .web_search?.max_results,
      value,
    );
  }
});

Deno.test("validateConfig takes a positive timeout_ms only", () => {
  assert.deepEqual(problemsIn(`[web_search]\nbackend = "brave"\ntimeout_ms = 0\n`), [
    `c.toml:3: "web_search.timeout_ms" must be a whole number of 1 or more, got number 0`,
  ]);
});

Deno.test("validateConfig takes an http or https base_url only", () => {
  for (const url of ["127.0.0.1:8888", "ftp://search.lan", "search"]) {
    assert.deepEqual(problemsIn(`[web_search]\nbackend = "searxng"\nbase_url = "${url}"\n`), [
      `c.toml:3: "web_search.base_url" must be an http:// or https:// URL, got "${url}"`,
    ]);
  }
});

Deno.test("validateConfig reports a [web_search] key given both ways", () => {
  const text = `[web_search]\nbackend = "brave"\napi_key = "bk"\napi_key_env = "BRAVE"\n`;
  assert.deepEqual(problemsIn(text), [
    `c.toml:3: [web_search] sets both "api_key" and "api_key_env": keep one`,
  ]);
});

Deno.test("validateConfig takes a context window, prices and an API per model", () => {
  const file = validateConfig(
    parseConfig(
      `[model_options."my-model"]\ncontext_window = 131072\napi = "responses"\n` +
        `price = { input = 0.5, output = 1.5, cache_read = 0.05, cache_write = 0 }\n`,
      "c.toml",
    ),
    { source: "c.toml" },
  );
  const { price, ...rest } = file.model_options?.["my-model"] ?? {};
  assert.deepEqual({ ...rest }, { context_window: 131072, api: "responses" });
  assert.deepEqual({ ...price }, {
    input: 0.5,
    output: 1.5,
    cache_read: 0.05,
    cache_write: 0,
  });
});

Deno.test("validateConfig says what is wrong with a price, a context window or an API", () => {
  const problems = problemsIn(
    `[model_options."a"]\ncontext_window = 0\napi = "response"\n` +
      `price = { input = -1, output = "2", cache_raed = 1 }\n` +
      `[model_options."b"]\nprice = { cache_read = 0.1 }\n`,
  );
  assert.deepEqual(problems, [
    `c.toml:2: "model_options.a.context_window" must be a whole number of 1 or more, got number 0`,
    `c.toml:3: "model_options.a.api" must be one of "chat", "responses", got "response" ` +
    `(did you mean "responses"?)`,
    `c.toml:4: "model_options.a.price.input" must be a number of 0 or more (US dollars per ` +
    `million tokens), got number -1`,
    `c.toml:4: "model_options.a.price.output" must be a number of 0 or more (US dollars per ` +
    `million tokens), got "2"`,
    `c.toml:4: unknown key "model_options.a.price.cache_raed" (did you mean "cache_read"?)`,
    `c.toml:6: "model_options.b.price" needs "input" and "output", e.g. price = { input = 2, ` +
    `output = 10, cache_read = 0.2 } (US dollars per million tokens)`,
  ]);
});

Deno.test("validateConfig accepts exact origins in allowed_origins and names in allowed_hosts", () => {
  const text = `allowed_origins = ["http://localhost:3000", "https://chat.example", ` +
    `"chrome-extension://abcdefghijklmnop"]\nallowed_hosts = ["proxy.lan", "192.168.1.5", "[fd00::1]"]\n`;
  const file = validateConfig(parseConfig(text, "c.toml"), { source: "c.toml", text });
  assert.equal(file.allowed_origins?.length, 3);
  assert.equal(file.allowed_hosts?.length, 3);
});

Deno.test("validateConfig explains allowed_origins and allowed_hosts entries of the wrong form", () => {
  const text = `allowed_origins = ["http://localhost:3000/", "*", "localhost:3000", "null"]\n` +
    `allowed_hosts = ["http://proxy.lan", "proxy.lan:4222", "*.lan"]\n`;
  assert.deepEqual(problemsIn(text), [
    `c.toml:1: "allowed_origins" must list origins like "http://localhost:3000" (scheme, host and port only), got "http://localhost:3000/" (did you mean "http://localhost:3000"?)`,
    `c.toml:1: "allowed_origins" must list origins like "http://localhost:3000" (scheme, host and port only), got "*"`,
    `c.toml:1: "allowed_origins" must list origins like "http://localhost:3000" (scheme, host and port only), got "localhost:3000"`,
    `c.toml:1: "allowed_origins" must list origins like "http://localhost:3000" (scheme, host and port only), got "null"`,
    `c.toml:2: "allowed_hosts" must list host names like "proxy.lan" (no scheme, port or path), got "http://proxy.lan"`,
    `c.toml:2: "allowed_hosts" must list host names like "proxy.lan" (no scheme, port or path), got "proxy.lan:4222"`,
    `c.toml:2: "allowed_hosts" must list host names like "proxy.lan" (no scheme, port or path), got "*.lan"`,
  ]);
});
