import assert from "node:assert/strict";
import { resolveConfig, type ResolveInput } from "../../src/config/resolve.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../../src/config/schema.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { ConfigError } from "../../src/errors.ts";

const FILE: FileConfig = { provider: { name: "deepseek", api_key: "sk-file" } };

function resolve(input: Partial<ResolveInput> = {}) {
  return resolveConfig({ cli: {}, env: {}, file: FILE, source: "config.toml", ...input });
}

function problems(input: Partial<ResolveInput>): string[] {
  try {
    resolve(input);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail("expected a ConfigError");
}

// Precedence: CLI > env > file > preset > default, one rule per test.

Deno.test("resolveConfig takes the port from --port over PORT, the file and the default", () => {
  const config = resolve({
    cli: { port: 1111 },
    env: { PORT: "2222" },
    file: { ...FILE, port: 3333 },
  });
  assert.equal(config.port, 1111);
  assert.equal(config.origins.port, "--port");
});

Deno.test("resolveConfig takes the port from PORT over the file", () => {
  const config = resolve({ env: { PORT: "2222" }, file: { ...FILE, port: 3333 } });
  assert.equal(config.port, 2222);
  assert.equal(config.origins.port, "env PORT");
});

Deno.test("resolveConfig takes the port from the file over the default", () => {
  const config = resolve({ file: { ...FILE, port: 3333 }, origins: { port: "config.toml:1" } });
  assert.equal(config.port, 3333);
  assert.equal(config.origins.port, "config.toml:1");
});

Deno.test("resolveConfig falls back to the default port and host", () => {
  const config = resolve();
  assert.equal(config.port, DEFAULT_PORT);
  assert.equal(config.host, DEFAULT_HOST);
  assert.equal(config.origins.port, "default");
  assert.equal(config.origins.host, "default");
});

Deno.test("resolveConfig takes the host from --host over HOST, and HOST over the file", () => {
  assert.equal(resolve({ cli: { host: "::1" }, env: { HOST: "0.0.0.0" } }).host, "::1");
  const config = resolve({ env: { HOST: "0.0.0.0" }, file: { ...FILE, host: "10.0.0.1" } });
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.origins.host, "env HOST");
  assert.equal(resolve({ file: { ...FILE, host: "10.0.0.1" } }).host, "10.0.0.1");
});

Deno.test("resolveConfig treats an empty environment variable as unset", () => {
  const config = resolve({ env: { PORT: "", HOST: " " }, file: { ...FILE, port: 3333 } });
  assert.equal(config.port, 3333);
  assert.equal(config.host, DEFAULT_HOST);
});

Deno.test("resolveConfig reports a PORT that is not a port number", () => {
  assert.deepEqual(problems({ env: { PORT: "80a" } }), [
    `env PORT: must be a port number from 0 to 65535, got "80a"`,
  ]);
});

const TWO: FileConfig = {
  providers: { deepseek: { api_key: "sk-d" }, groq: { api_key: "sk-g" } },
  default_provider: "deepseek",
};

Deno.test("resolveConfig picks the default provider from --provider over PREFERRED_PROVIDER and the file", () => {
  const config = resolve({
    cli: { provider: "groq" },
    env: { PREFERRED_PROVIDER: "deepseek" },
    file: TWO,
  });
  assert.equal(config.defaultProvider, "groq");
  assert.equal(config.origins.default_provider, "--provider");
});

Deno.test("resolveConfig picks the default provider from PREFERRED_PROVIDER over the file", () => {
  const config = resolve({ env: { PREFERRED_PROVIDER: "GROQ" }, file: TWO });
  assert.equal(config.defaultProvider, "groq");
  assert.equal(config.origins.default_provider, "env PREFERRED_PROVIDER");
});

Deno.test("resolveConfig picks the default provider from default_provider, else the first table", () => {
  assert.equal(resolve({ file: TWO }).defaultProvider, "deepseek");
  const { default_provider: _, ...rest } = TWO;
  assert.equal(
    resolve({ file: { ...rest, providers: { groq: {}, deepseek: {} } } }).defaultProvider,
    "groq",
  );
});

Deno.test("resolveConfig accepts the seeds' provider names for PREFERRED_PROVIDER (google is gemini)", () => {
  const config = resolve({
    env: { PREFERRED_PROVIDER: "google" },
    file: { providers: { openai: { api_key: "a" }, gemini: { api_key: "b" } } },
  });
  assert.equal(config.defaultProvider, "gemini");
});

Deno.test("resolveConfig reports a preferred provider that is not configured, with a suggestion", () => {
  assert.deepEqual(problems({ cli: { provider: "deepsek" }, file: TWO }), [
    `--provider: provider "deepsek" is not configured (did you mean "deepseek"?) (configured: deepseek, groq)`,
  ]);
});

Deno.test("resolveConfig reports a default provider named constructor as not configured", () => {
  assert.deepEqual(problems({ file: { ...TWO, default_provider: "constructor" } }), [
    `config.toml: provider "constructor" is not configured (configured: deepseek, groq)`,
  ]);
});

Deno.test("resolveConfig takes the log file from --log-file over CLAUDE_PROXY_LOG_FILE and the file", () => {
  const file = { ...FILE, log: { file: "/file.jsonl" } };
  const env = { CLAUDE_PROXY_LOG_FILE: "/env.jsonl" };
  assert.equal(resolve({ cli: { logFile: "/cli.jsonl" }, env, file }).log.file, "/cli.jsonl");
  assert.equal(resolve({ env, file }).log.file, "/env.jsonl");
  assert.equal(resolve({ file, defaultLogFile: "/default.jsonl" }).log.file, "/file.jsonl");
  const fallback = resolve({ defaultLogFile: "/default.jsonl" });
  assert.equal(fallback.log.file, "/default.jsonl");
  assert.equal(fallback.origins["log.file"], "default");
  assert.equal(resolve().log.file, undefined);
});

Deno.test("resolveConfig takes OPENAI_BASE_URL over the openai provider's file base_url", () => {
  const file: FileConfig = { provider: { name: "openai", base_url: "https://file.example/v1" } };
  const config = resolve({ env: { OPENAI_BASE_URL: "https://env.example/v1/" }, file });
  assert.equal(config.providers.openai!.baseUrl, "https://env.example/v1");
  assert.equal(config.origins["providers.openai.base_url"], "env OPENAI_BASE_URL");
});

Deno.test("resolveConfig leaves OPENAI_BASE_URL to the provider named openai", () => {
  const file: FileConfig = { providers: { work: { name: "openai", api_key: "k" } } };
  const config = resolve({ env: { OPENAI_BASE_URL: "https://env.example/v1" }, file });
  assert.equal(config.providers.work!.baseUrl, "https://api.openai.com/v1");
});

Deno.test("resolveConfig takes a file base_url over the preset's", () => {
  const file: FileConfig = {
    provider: { name: "deepseek", base_url: "https://mirror.example/v1" },
  };
  const config = resolve({ file, origins: { "provider.base_url": "config.toml:3" } });
  assert.equal(config.providers.deepseek!.baseUrl, "https://mirror.example/v1");
  assert.equal(config.origins["providers.deepseek.base_url"], "config.toml:3");
  assert.equal(resolve().origins["providers.deepseek.base_url"], "preset deepseek");
});

Deno.test("resolveConfig reads the key from the preset's variable, or the one api_key_env names", () => {
  const preset = resolve({
    file: { provider: { name: "deepseek" } },
    env: { DEEPSEEK_API_KEY: "sk-env" },
  });
  assert.equal(preset.providers.deepseek!.apiKey, "sk-env");
  assert.equal(preset.origins["providers.deepseek.api_key"], "env DEEPSEEK_API_KEY");
  const named = resolve({
    file: { provider: { name: "deepseek", api_key_env: "MY_KEY" } },
    env: { DEEPSEEK_API_KEY: "sk-env", MY_KEY: "sk-mine" },
  });
  assert.equal(named.providers.deepseek!.apiKey, "sk-mine");
});

Deno.test("resolveConfig keeps a literal api_key from the file over the environment", () => {
  const config = resolve({ env: { DEEPSEEK_API_KEY: "sk-env" } });
  assert.equal(config.providers.deepseek!.apiKey, "sk-file");
});

Deno.test("resolveConfig uses OpenCode's key only when the key variable is unset", () => {
  const openCode = { path: "/oc/auth.json", keys: { deepseek: "sk-oc" }, notices: ["skipped x"] };
  const file: FileConfig = { provider: { name: "deepseek" } };
  const fromOpenCode = resolve({ file, openCode });
  assert.equal(fromOpenCode.providers.deepseek!.apiKey, "sk-oc");
  assert.equal(
    fromOpenCode.origins["providers.deepseek.api_key"],
    `OpenCode "/oc/auth.json" (deepseek)`,
  );
  assert.deepEqual(fromOpenCode.notices, ["skipped x"]);
  const fromEnv = resolve({ file, openCode, env: { DEEPSEEK_API_KEY: "sk-env" } });
  assert.equal(fromEnv.providers.deepseek!.apiKey, "sk-env");
  assert.deepEqual(fromEnv.notices, [], "OpenCode's notices only matter when it was consulted");
});

Deno.test("resolveConfig notes a provider with no key, naming the variable to set", () => {
  const config = resolve({ file: { provider: { name: "groq" } } });
  assert.equal(config.providers.groq!.apiKey, undefined);
  assert.deepEqual(config.notices, [
    `Provider "groq" has no API key: GROQ_API_KEY is not set (set it, or sign in with OpenCode)`,
  ]);
  assert.deepEqual(resolve({ file: { provider: { name: "ollama" } } }).notices, []);
});

Deno.test("resolveConfig notes a custom provider whose key variable is not set", () => {
  const table = { name: "custom", base_url: "http://127.0.0.1:8000/v1", api_key_env: "MY_KEY" };
  assert.deepEqual(resolve({ file: { providers: { local: table } } }).notices, [
    `Provider "local" has no API key: MY_KEY is not set`,
  ]);
  const set = resolve({ file: { providers: { local: table } }, env: { MY_KEY: "k" } });
  assert.deepEqual(set.notices, []);
  const keyless = { name: "custom", base_url: "http://127.0.0.1:8000/v1" };
  assert.deepEqual(resolve({ file: { providers: { local: keyless } } }).notices, []);
});

Deno.test("resolveConfig refuses a base URL without http:// or https://, saying how to write it", () => {
  const problems = (file: FileConfig, env: Record<string, string> = {}) => {
    try {
      resolve({ file, env });
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems;
    }
    assert.fail("expected a ConfigError");
  };
  assert.deepEqual(
    problems({
      providers: { local: { name: "custom", base_url: "localhost:8080/v1" } },
      models: { "*": "m@local" },
    }),
    [
      `config.toml: provider "local": base_url "localhost:8080/v1" has no http:// or https://: ` +
      `write "http://localhost:8080/v1"`,
    ],
  );
  assert.deepEqual(problems({}, { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "api.example.com/v1" }), [
    `env OPENAI_BASE_URL: provider "openai": base_url "api.example.com/v1" has no http:// or ` +
    `https://: write "https://api.example.com/v1"`,
  ]);
  assert.deepEqual(
    problems({ providers: { local: { name: "custom", base_url: "ftp://host/v1" } } }),
    [`config.toml: provider "local": base_url "ftp://host/v1" must start with http:// or https://, not ftp://`],
  );
});

// The seeds' model variables.

Deno.test("resolveConfig maps BIG_MODEL, MIDDLE_MODEL and SMALL_MODEL to opus, sonnet and haiku", () => {
  const config = resolve({ env: { BIG_MODEL: "big", MIDDLE_MODEL: "mid", SMALL_MODEL: "small" } });
  const rules = Object.fromEntries(config.models.map((r) => [r.pattern, r.model]));
  assert.equal(rules["*opus*"], "big");
  assert.equal(rules["*sonnet*"], "mid");
  assert.equal(rules["*haiku*"], "small");
  assert.equal(config.origins['models."*sonnet*"'], "env MIDDLE_MODEL");
});

Deno.test("resolveConfig sends sonnet to BIG_MODEL when MIDDLE_MODEL is unset, as the seeds do", () => {
  const config = resolve({ env: { BIG_MODEL: "big" } });
  assert.equal(config.models.find((r) => r.pattern === "*sonnet*")?.model, "big");
  assert.equal(config.origins['models."*sonnet*"'], "env BIG_MODEL (MIDDLE_MODEL unset)");
});

Deno.test("resolveConfig keeps the file's sonnet rule when only BIG_MODEL is set", () => {
  const config = resolve({
    env: { BIG_MODEL: "big" },
    file: { ...FILE, models: { "*sonnet*": "s" } },
  });
  assert.equal(config.models.find((r) => r.pattern === "*sonnet*")?.model, "s");
});

Deno.test("resolveConfig lets BIG_MODEL override the file's opus rule but not its exact names", () => {
  const config = resolve({
    env: { BIG_MODEL: "env-big" },
    file: { ...FILE, models: { "claude-opus-4-1": "exact", "*opus*": "file-big" } },
  });
  assert.deepEqual(
    config.models.map((r) => [r.pattern, r.model]),
    [["claude-opus-4-1", "exact"], ["*opus*", "env-big"]],
  );
});

Deno.test("resolveConfig fills opus, sonnet, haiku and other Claude names from the preset without [models]", () => {
  const config = resolve();
  assert.deepEqual(config.models.map((r) => [r.pattern, r.model]), [
    ["*opus*", "deepseek-v4-pro"],
    ["*sonnet*", "deepseek-flash"],
    ["*haiku*", "deepseek-flash"],
    ["claude-*", "deepseek-v4-pro"],
  ]);
  assert.equal(config.origins['models."*haiku*"'], "preset deepseek");
});

Deno.test("resolveConfig uses no preset defaults once the file has [models]", () => {
  const config = resolve({ file: { ...FILE, models: { "*": "deepseek-chat" } } });
  assert.deepEqual(config.models.map((r) => r.pattern), ["*"]);
});

Deno.test("resolveConfig orders rules: exact names, globs in file order, then *", () => {
  const config = resolve({
    file: { ...FILE, models: { "*": "d", "*haiku*": "h", "claude-x": "x", "*sonnet*": "s" } },
  });
  assert.deepEqual(config.models.map((r) => r.pattern), ["claude-x", "*haiku*", "*sonnet*", "*"]);
});

Deno.test("resolveConfig routes model@provider to that provider and reports unknown ones", () => {
  const config = resolve({
    file: { ...TWO, models: { "*haiku*": "llama@groq", "*": "deepseek-chat" } },
  });
  assert.deepEqual(config.models[0], {
    pattern: "*haiku*",
    exact: false,
    model: "llama",
    provider: "groq",
  });
  assert.deepEqual(
    problems({
      file: { ...TWO, models: { "*": "x@grok" } },
      origins: { 'models."*"': "config.toml:9" },
    }),
    [
      `config.toml:9: model rule "*" routes to provider "grok", which is not configured (did you mean "groq"?) (configured: deepseek, groq)`,
    ],
  );
});

// Zero config.

Deno.test("resolveConfig starts from a provider key in the environment when no file configures one", () => {
  for (
    const [variable, preset] of [
      ["OPENAI_API_KEY", "openai"],
      ["OPENROUTER_API_KEY", "openrouter"],
      ["DEEPSEEK_API_KEY", "deepseek"],
      ["GEMINI_API_KEY", "gemini"],
      ["GROQ_API_KEY", "groq"],
      ["XAI_API_KEY", "grok"],
      ["MISTRAL_API_KEY", "mistral"],
    ]
  ) {
    const config = resolve({ file: {}, source: "defaults", env: { [variable!]: "k" } });
    assert.equal(config.defaultProvider, preset, variable);
    assert.equal(config.providers[preset!]!.apiKey, "k");
    assert.equal(config.origins[`providers.${preset}.preset`], `env ${variable}`);
    assert.ok(
      config.models.some((r) => r.pattern === "*sonnet*"),
      `${variable} gets default routes`,
    );
  }
});

Deno.test("resolveConfig picks PREFERRED_PROVIDER among several keys, else the first preset", () => {
  const env = { OPENAI_API_KEY: "a", DEEPSEEK_API_KEY: "b" };
  const first = resolve({ file: {}, source: "defaults", env });
  assert.equal(first.defaultProvider, "openai");
  assert.deepEqual(Object.keys(first.providers), ["openai", "deepseek"]);
  const preferred = resolve({
    file: {},
    source: "defaults",
    env: { ...env, PREFERRED_PROVIDER: "deepseek" },
  });
  assert.equal(preferred.defaultProvider, "deepseek");
});

Deno.test("resolveConfig starts a keyless preset named by PREFERRED_PROVIDER", () => {
  const config = resolve({ file: {}, source: "defaults", env: { PREFERRED_PROVIDER: "ollama" } });
  assert.equal(config.defaultProvider, "ollama");
  assert.equal(config.providers.ollama!.baseUrl, "http://localhost:11434/v1");
});

Deno.test("resolveConfig reports a preferred preset whose key is missing, naming the variable", () => {
  const env = { PREFERRED_PROVIDER: "gemini", OPENAI_API_KEY: "a" };
  assert.deepEqual(problems({ file: {}, source: "defaults", env }), [
    `env PREFERRED_PROVIDER: provider "gemini" is not configured (configured: openai); set GEMINI_API_KEY, or add it to a config file (run "claude-proxy init")`,
  ]);
});

Deno.test("resolveConfig suggests the preset meant by a PREFERRED_PROVIDER typo", () => {
  const env = { PREFERRED_PROVIDER: "opnai", DEEPSEEK_API_KEY: "a" };
  assert.deepEqual(problems({ file: {}, source: "defaults", env }), [
    `env PREFERRED_PROVIDER: provider "opnai" is not configured (did you mean "openai"?) (configured: deepseek)`,
  ]);
  const configured = { PREFERRED_PROVIDER: "deepsek", DEEPSEEK_API_KEY: "a" };
  assert.deepEqual(problems({ file: {}, source: "defaults", env: configured }), [
    `env PREFERRED_PROVIDER: provider "deepsek" is not configured (did you mean "deepseek"?) (configured: deepseek)`,
  ]);
});

Deno.test("resolveConfig warns about [models] patterns that match no model Claude Code sends", () => {
  const config = resolve({
    file: {
      ...FILE,
      models: {
        "*sonet*": "a",
        "claude-opsu-5-5": "b",
        "*opus*": "c",
        "claude-fable-*": "d",
        "claude-*-4-*": "e",
        "gpt-4o": "f",
        "*": "g",
      },
    },
  });
  assert.deepEqual(config.notices, [
    `config.toml: [models] "*sonet*" matches no model Claude Code sends (families: opus, ` +
    `sonnet, haiku, fable; e.g. claude-opus-5-5) (did you mean "*sonnet*"?)`,
    `config.toml: [models] "claude-opsu-5-5" matches no model Claude Code sends (families: ` +
    `opus, sonnet, haiku, fable; e.g. claude-opus-5-5) (did you mean "claude-opus-5-5"?)`,
  ]);
});

Deno.test("resolveConfig starts with OPENAI_BASE_URL alone, for a local OpenAI-compatible server", () => {
  const config = resolve({
    file: {},
    source: "defaults",
    env: { OPENAI_BASE_URL: "http://localhost:8000/v1" },
  });
  assert.equal(config.providers.openai!.baseUrl, "http://localhost:8000/v1");
});

Deno.test("resolveConfig starts from an OpenCode API key when nothing else is configured", () => {
  const config = resolve({
    file: {},
    source: "defaults",
    openCode: { path: "/oc/auth.json", keys: { google: "gm" }, notices: [] },
  });
  assert.equal(config.defaultProvider, "gemini");
  assert.equal(config.providers.gemini!.apiKey, "gm");
});

Deno.test("resolveConfig says what it looked for and how to start when nothing is configured", () => {
  try {
    resolve({
      file: {},
      source: "defaults",
      searched: {
        configs: ["/w/claude-proxy.toml", "/h/.claude-proxy.toml"],
        openCode: "/oc.json",
      },
    });
    assert.fail("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const lines = err.message.split("\n");
    assert.equal(lines[0], "No provider configured");
    assert.ok(lines.includes("    /w/claude-proxy.toml"));
    assert.ok(lines.includes("    /h/.claude-proxy.toml"));
    assert.match(err.message, /OPENAI_API_KEY, OPENROUTER_API_KEY/);
    assert.match(err.message, /OpenCode credentials looked for: \/oc\.json/);
    assert.match(lines[lines.length - 1]!, /run "claude-proxy init"/);
  }
});

// Pinned keys.

Deno.test("resolveConfig keeps keys pinned by the administrator over --port, PORT and the like", () => {
  const config = resolve({
    cli: { port: 1, provider: "groq" },
    env: { PORT: "2", HOST: "0.0.0.0", PREFERRED_PROVIDER: "groq", BIG_MODEL: "env-big" },
    file: { ...TWO, port: 4000, host: "127.0.0.1", models: { "*opus*": "pinned-big" } },
    origins: {
      port: "/etc/claude-proxy/config.toml:1",
      host: "/etc/claude-proxy/config.toml:2",
      default_provider: "/etc/claude-proxy/config.toml:3",
      'models."*opus*"': "/etc/claude-proxy/config.toml:5",
    },
    pinned: ["port", "host", "default_provider", 'models."*opus*"'],
  });
  assert.equal(config.port, 4000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.defaultProvider, "deepseek");
  assert.equal(config.models.find((r) => r.pattern === "*opus*")?.model, "pinned-big");
  assert.deepEqual(config.notices, [
    `Ignoring --port: "port" is pinned by "/etc/claude-proxy/config.toml:1"`,
    `Ignoring PORT from the environment: "port" is pinned by "/etc/claude-proxy/config.toml:1"`,
    `Ignoring HOST from the environment: "host" is pinned by "/etc/claude-proxy/config.toml:2"`,
    `Ignoring --provider: "default_provider" is pinned by "/etc/claude-proxy/config.toml:3"`,
    `Ignoring PREFERRED_PROVIDER from the environment: "default_provider" is pinned by "/etc/claude-proxy/config.toml:3"`,
    `Ignoring BIG_MODEL from the environment: models."*opus*" is pinned by "/etc/claude-proxy/config.toml:5"`,
  ]);
});

Deno.test("resolveConfig keeps a pinned openai base_url over OPENAI_BASE_URL", () => {
  const config = resolve({
    env: { OPENAI_BASE_URL: "https://elsewhere.example/v1" },
    file: { provider: { name: "openai", base_url: "https://gateway.corp/v1", api_key: "k" } },
    origins: { "provider.base_url": "/etc/claude-proxy/config.toml:4" },
    pinned: ["provider.base_url"],
  });
  assert.equal(config.providers.openai!.baseUrl, "https://gateway.corp/v1");
  assert.equal(config.notices.length, 1);
  assert.match(config.notices[0]!, /^Ignoring OPENAI_BASE_URL from the environment/);
});

Deno.test("resolveConfig notes that upstream.connect_timeout_ms is ignored and keeps the rest", () => {
  const config = resolve({
    file: { ...FILE, upstream: { connect_timeout_ms: 5000, first_byte_timeout_ms: 60000 } },
  });
  assert.deepEqual(config.notices, [
    "Ignoring upstream.connect_timeout_ms (config.toml): connecting counts against " +
    "first_byte_timeout_ms, the upstream's time to answer",
  ]);
  assert.equal(config.upstream.firstByteTimeoutMs, 60000);
  assert.equal("connectTimeoutMs" in config.upstream, false);
  assert.deepEqual(resolve().notices, []);
});

Deno.test("resolveConfig keeps a deadline_ms the file sets, shorter than a first-byte timeout or not", () => {
  const config = resolve({
    file: { ...FILE, upstream: { deadline_ms: 1500, first_byte_timeout_ms: 300_000 } },
  });
  assert.equal(config.upstream.deadlineMs, 1500);
});

Deno.test("resolveConfig's default deadline is the longest first-byte timeout when that is longer", () => {
  assert.equal(resolve().upstream.deadlineMs, 300_000);
  const config = resolve({
    file: {
      provider: { name: "deepseek", api_key: "sk-file", timeout_ms: 600_000 },
      providers: { slow: { name: "openai", api_key: "sk-2", timeout_ms: 900_000 } },
    },
  });
  assert.equal(config.upstream.deadlineMs, 900_000);
});
