import assert from "node:assert/strict";
import { describeConfig, keyStatus, webSearchLine } from "../../src/commands/describe_config.ts";
import { resolveConfig } from "../../src/config/resolve.ts";

const SECRET = "sk-describe-secret-0123456789";

Deno.test("describeConfig shows routes, providers and origins but never a key", () => {
  const config = resolveConfig({
    cli: { port: 5000 },
    env: { DEEPSEEK_API_KEY: SECRET },
    file: {
      providers: { deepseek: {}, groq: {} },
      models: { "*haiku*": "llama@groq", "*": "deepseek-chat" },
      model_options: { "deepseek-chat": { max_tokens: 8192 } },
    },
    source: "c.toml",
    origins: { 'models."*"': "c.toml:7" },
  });
  const text = describeConfig(config);
  assert.doesNotMatch(text, new RegExp(SECRET));
  assert.match(text, /^ {2}\*haiku\* → groq\/llama +c\.toml$/m);
  assert.match(text, /^ {2}\* +→ deepseek\/deepseek-chat +c\.toml:7$/m);
  assert.match(text, /^ {2}claude-haiku-5-5 +→ groq\/llama +by "\*haiku\*"$/m);
  assert.match(text, /^ {2}claude-opus-5-5\[1m\] +→ deepseek\/deepseek-chat +by "\*"$/m);
  assert.match(text, /^ {2}deepseek \(default\): preset deepseek, openai format$/m);
  assert.match(text, /^ {4}key: present \(env DEEPSEEK_API_KEY\)$/m);
  assert.match(text, /^ {4}key: missing: set GROQ_API_KEY$/m);
  assert.match(text, /^ {2}deepseek-chat: max_tokens = 8192$/m);
  assert.match(text, /^ {2}port +5000 +--port$/m);
});

Deno.test("describeConfig lists the notices and ignored overrides", () => {
  const config = resolveConfig({
    cli: { port: 1 },
    env: {},
    file: { port: 2, provider: { name: "groq" } },
    source: "c.toml",
    origins: { port: "/etc/claude-proxy/config.toml:1" },
    pinned: ["port"],
  });
  const text = describeConfig(config);
  assert.match(text, /^Notices:$/m);
  assert.match(
    text,
    /^ {2}Ignoring --port: "port" is pinned by "\/etc\/claude-proxy\/config\.toml:1"$/m,
  );
  assert.match(text, /^ {2}Provider "groq" has no API key: GROQ_API_KEY is not set/m);
});

Deno.test("keyStatus tells a present key, a missing one, a client key and a keyless server apart", () => {
  const config = resolveConfig({
    cli: {},
    env: { DEEPSEEK_API_KEY: SECRET },
    file: {
      providers: {
        deepseek: {},
        groq: {},
        anthropic: { api_key_from: "client" },
        ollama: {},
      },
    },
    source: "c.toml",
  });
  const p = config.providers;
  assert.deepEqual(keyStatus(p.deepseek!, "env DEEPSEEK_API_KEY"), {
    ok: true,
    text: "present (env DEEPSEEK_API_KEY)",
  });
  assert.deepEqual(keyStatus(p.groq!, undefined), { ok: false, text: "missing: set GROQ_API_KEY" });
  assert.equal(keyStatus(p.anthropic!, undefined).ok, true);
  assert.deepEqual(keyStatus(p.ollama!, undefined), { ok: true, text: "none needed" });
});

Deno.test("describeConfig shows the web search backend, URL, key origin and limits, never the key", () => {
  const config = resolveConfig({
    cli: {},
    env: { DEEPSEEK_API_KEY: "sk-d", BRAVE_API_KEY: SECRET },
    file: { provider: { name: "deepseek" }, web_search: { backend: "brave", max_results: 8 } },
    source: "c.toml",
  });
  const text = describeConfig(config);
  assert.doesNotMatch(text, new RegExp(SECRET));
  assert.match(
    text,
    /^Web search: brave at https:\/\/api\.search\.brave\.com\/res\/v1, key present \(env BRAVE_API_KEY\), max_results 8, timeout 15000 ms$/m,
  );
});

Deno.test("describeConfig says when web search is not set up, or runs without a key", () => {
  const bare = resolveConfig({
    cli: {},
    env: {},
    file: { provider: { name: "ollama" } },
    source: "c.toml",
  });
  assert.match(describeConfig(bare), /^Web search: not set up \(add a \[web_search\] table/m);
  assert.equal(
    webSearchLine(
      { backend: "searxng", baseUrl: "http://s", maxResults: 5, timeoutMs: 9 },
      undefined,
    ),
    "Web search: searxng at http://s, no key, max_results 5, timeout 9 ms",
  );
});

Deno.test("describeConfig shows allowed_origins and allowed_hosts, and says when there are none", () => {
  const base = { cli: {}, env: {}, source: "c.toml" };
  const none = describeConfig(resolveConfig({ ...base, file: { provider: { name: "groq" } } }));
  assert.match(none, /^ {2}allowed_origins +\(none: web pages are refused\)$/m);
  const some = describeConfig(resolveConfig({
    ...base,
    file: {
      provider: { name: "groq" },
      allowed_origins: ["http://localhost:3000"],
      allowed_hosts: ["proxy.lan"],
    },
  }));
  assert.match(some, /^ {2}allowed_origins +http:\/\/localhost:3000$/m);
  assert.match(some, /^ {2}allowed_hosts +proxy\.lan$/m);
});
