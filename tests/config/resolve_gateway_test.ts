// The gateway settings from a config file: [router] rules, fallback lists, key pools, the circuit breaker.
import assert from "node:assert/strict";
import { mergeLayers } from "../../src/config/layers.ts";
import { parseConfig } from "../../src/config/parse.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { DEFAULT_LONG_CONTEXT_TOKENS } from "../../src/config/schema.ts";
import { validateConfig } from "../../src/config/validate.ts";
import { ConfigError } from "../../src/errors.ts";

function load(toml: string, env: Record<string, string> = {}) {
  const file = validateConfig(parseConfig(toml, "gw.toml"), { source: "gw.toml", text: toml });
  const merged = mergeLayers([{ kind: "explicit", path: "gw.toml", text: toml, file }]);
  return resolveConfig({
    cli: {},
    env,
    file: merged.file,
    source: "gw.toml",
    origins: merged.origins,
  });
}

function problemsOf(toml: string, env: Record<string, string> = {}): string[] {
  try {
    load(toml, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail("expected a ConfigError");
}

const PROVIDERS = `
[providers.openai]
api_key = "sk-openai-test-key"
[providers.deepseek]
api_key = "sk-deepseek-test-key"
`;

Deno.test("resolveConfig reads each [router] rule as a target, a bare model on the default provider", () => {
  const config = load(`${PROVIDERS}
[router]
background = "deepseek-chat@deepseek"
think = "deepseek-reasoner@DeepSeek"
long_context = "gpt-5"
long_context_tokens = 120000
subagent = "gpt-5-mini@openai"
`);
  assert.deepEqual(config.router, {
    background: { model: "deepseek-chat", provider: "deepseek" },
    think: { model: "deepseek-reasoner", provider: "deepseek" },
    longContext: { model: "gpt-5" },
    longContextTokens: 120_000,
    subagent: { model: "gpt-5-mini", provider: "openai" },
  });
});

Deno.test("resolveConfig has no router without rules, and 100k as the long-context default", () => {
  assert.equal(load(PROVIDERS).router, undefined);
  const config = load(`${PROVIDERS}\n[router]\nlong_context = "gpt-5@openai"\n`);
  assert.equal(config.router?.longContextTokens, DEFAULT_LONG_CONTEXT_TOKENS);
});

Deno.test("resolveConfig reports a [router] rule that names a provider not configured, with a hint", () => {
  const problems = problemsOf(`${PROVIDERS}\n[router]\nthink = "r1@deepsek"\n`);
  assert.equal(problems.length, 1);
  assert.match(
    problems[0]!,
    /\[router\] think routes to provider "deepsek", which is not configured/,
  );
  assert.match(problems[0]!, /did you mean "deepseek"/);
});

Deno.test("validateConfig refuses an unknown [router] key and a long_context_tokens that is no count", () => {
  const toml = `${PROVIDERS}\n[router]\nthinking = "x"\nlong_context_tokens = "lots"\n`;
  let problems: string[] = [];
  try {
    validateConfig(parseConfig(toml, "gw.toml"), { source: "gw.toml", text: toml });
  } catch (err) {
    problems = (err as ConfigError).problems;
  }
  assert.equal(problems.length, 2);
  assert.match(problems.join("\n"), /unknown key "router.thinking"/);
  assert.match(
    problems.join("\n"),
    /"router.long_context_tokens" must be a whole number of 1 or more/,
  );
});

Deno.test("resolveConfig keeps a provider's fallback list in order, a bare model on that provider", () => {
  const config = load(`
[providers.openai]
api_key = "sk-openai-test-key"
fallback = ["deepseek-chat@deepseek", "gpt-5-mini"]
[providers.deepseek]
api_key = "sk-deepseek-test-key"
`);
  assert.deepEqual(config.providers.openai?.fallback, [
    { model: "deepseek-chat", provider: "deepseek" },
    { model: "gpt-5-mini", provider: "openai" },
  ]);
  assert.equal(config.providers.deepseek?.fallback, undefined);
});

Deno.test("resolveConfig keeps a model's fallback list, a bare model without a provider", () => {
  const config = load(`${PROVIDERS}
[model_options."gpt-5"]
max_tokens = 1000
fallback = ["gpt-5-mini", "deepseek-chat@deepseek"]
`);
  assert.deepEqual(config.modelOptions["gpt-5"], {
    maxTokens: 1000,
    fallback: [{ model: "gpt-5-mini" }, { model: "deepseek-chat", provider: "deepseek" }],
  });
});

Deno.test("resolveConfig reports every fallback target whose provider is not configured", () => {
  const problems = problemsOf(`
[providers.openai]
api_key = "sk-openai-test-key"
fallback = ["x@nowhere"]
[model_options."gpt-5"]
fallback = ["y@"]
`);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /gw.toml:4: provider "openai" fallback routes to provider "nowhere"/);
  assert.match(
    problems[1]!,
    /\[model_options."gpt-5"\] fallback ends with "@" but names no provider/,
  );
});

Deno.test("resolveConfig makes a key pool of api_key_env's variables, in order, and counts duplicates once", () => {
  const config = load(`[providers.openai]\napi_key_env = ["KEY_A", "KEY_B", "KEY_C"]\n`, {
    KEY_A: "sk-aaaaaaaaaaaa",
    KEY_B: "sk-bbbbbbbbbbbb",
    KEY_C: "sk-aaaaaaaaaaaa",
  });
  const openai = config.providers.openai!;
  assert.equal(openai.apiKey, "sk-aaaaaaaaaaaa");
  assert.equal(openai.apiKeyEnv, "KEY_A");
  assert.deepEqual(openai.keyPool, [
    { key: "sk-aaaaaaaaaaaa", label: "KEY_A" },
    { key: "sk-bbbbbbbbbbbb", label: "KEY_B" },
  ]);
  assert.equal(config.origins["providers.openai.api_key"], "env KEY_A, env KEY_B, env KEY_C");
});

Deno.test("resolveConfig skips a pool variable that is unset, with a notice that names it", () => {
  const config = load(`[providers.openai]\napi_key_env = ["KEY_A", "KEY_B"]\n`, {
    KEY_B: "sk-bbbbbbbbbbbb",
  });
  assert.equal(config.providers.openai?.apiKey, "sk-bbbbbbbbbbbb");
  assert.equal(config.providers.openai?.keyPool, undefined);
  assert.ok(
    config.notices.includes('Provider "openai": KEY_A is unset; its key pool has 1 key'),
    config.notices.join("\n"),
  );
});

Deno.test("resolveConfig says a provider has no key when no variable of its pool is set", () => {
  const config = load(`[providers.openai]\napi_key_env = ["KEY_A", "KEY_B"]\n`);
  assert.equal(config.providers.openai?.apiKey, undefined);
  assert.ok(
    config.notices.some((n) =>
      /Provider "openai" has no API key: KEY_A, KEY_B are not set/.test(n)
    ),
  );
});

Deno.test("resolveConfig makes a key pool of an api_key list, labelled by place", () => {
  const config = load(
    `[providers.openai]\napi_key = ["sk-first-key-0001", "sk-second-key-0002"]\n`,
  );
  assert.deepEqual(config.providers.openai?.keyPool?.map((k) => k.label), [
    "api_key #1",
    "api_key #2",
  ]);
  assert.equal(config.origins["providers.openai.api_key"], "gw.toml:2");
});

Deno.test("validateConfig refuses an empty key list and a list of numbers", () => {
  const toml = `[providers.openai]\napi_key = []\n[providers.deepseek]\napi_key_env = [1, 2]\n`;
  let problems: string[] = [];
  try {
    validateConfig(parseConfig(toml, "gw.toml"), { source: "gw.toml", text: toml });
  } catch (err) {
    problems = (err as ConfigError).problems;
  }
  assert.equal(problems.length, 2);
  for (const problem of problems) {
    assert.match(problem, /must be a string or a non-empty list of strings/);
  }
});

Deno.test("resolveConfig reads the circuit breaker's settings from [upstream], 3 failures and 30 s by default", () => {
  assert.equal(load(PROVIDERS).upstream.circuitFailures, 3);
  assert.equal(load(PROVIDERS).upstream.circuitCooldownMs, 30_000);
  const config = load(
    `${PROVIDERS}\n[upstream]\ncircuit_failures = 0\ncircuit_cooldown_ms = 5000\n`,
  );
  assert.equal(config.upstream.circuitFailures, 0);
  assert.equal(config.upstream.circuitCooldownMs, 5000);
});
