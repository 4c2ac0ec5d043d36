import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { ProviderConfig } from "../../src/config/schema.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { keyHint, withKeyHint } from "../../src/upstream/key_hint.ts";
import { startMockUpstream } from "../helpers/mock_upstream.ts";
import { startProxy } from "../helpers/proxy.ts";

const OPENAI_401 = readFileSync(
  new URL("../fixtures/upstream/openai/error-401-invalid-api-key.json", import.meta.url),
  "utf8",
);
const ANTHROPIC_401 = readFileSync(
  new URL("../fixtures/upstream/anthropic/error-401-authentication.json", import.meta.url),
  "utf8",
);

function provider(overrides: Partial<ProviderConfig>): ProviderConfig {
  return { ...baseProvider(), ...overrides };
}

function baseProvider(): ProviderConfig {
  return {
    name: "openai",
    preset: "openai",
    baseUrl: "https://api.openai.com/v1",
    format: "openai",
    apiKeyHeader: "authorization",
    headers: {},
    query: {},
    reasoningHistory: false,
    supportsDocuments: true,
    maxEffort: "xhigh",
    sendReasoningEffort: false,
    quirks: [],
  };
}

Deno.test("keyHint names the variable that is not set when no key was sent", () => {
  assert.equal(
    keyHint(provider({ apiKeyEnv: "OPENAI_API_KEY" }), undefined),
    `claude-proxy sent no key to provider "openai": OPENAI_API_KEY is not set`,
  );
  assert.equal(
    keyHint(provider({ name: "local", preset: "custom" }), undefined),
    `claude-proxy sent no key to provider "local": set api_key_env to the variable that holds it`,
  );
});

Deno.test("keyHint says where the refused key came from, never the key", () => {
  const sent = provider({ apiKey: "sk-secret-123", apiKeyEnv: "OPENAI_API_KEY" });
  assert.equal(
    keyHint(sent, "env OPENAI_API_KEY"),
    `provider "openai" refused the key in OPENAI_API_KEY`,
  );
  assert.equal(
    keyHint(sent, "/home/u/.config/claude-proxy/config.toml:4"),
    `provider "openai" refused the api_key set in /home/u/.config/claude-proxy/config.toml:4`,
  );
  assert.equal(
    keyHint(sent, `OpenCode "/home/u/.local/share/opencode/auth.json" (openai)`),
    `provider "openai" refused the key from OpenCode "/home/u/.local/share/opencode/auth.json" (openai)`,
  );
  assert.equal(
    keyHint(provider({ apiKeyFrom: "client" }), undefined),
    `provider "openai" refused the client's own key (api_key_from = "client")`,
  );
  for (const origin of ["env OPENAI_API_KEY", "x.toml:1", undefined]) {
    assert.ok(!keyHint(sent, origin).includes("sk-secret"));
  }
});

Deno.test("withKeyHint adds the hint to 401 messages only", () => {
  const options = { provider: provider({ apiKeyEnv: "OPENAI_API_KEY" }), origins: {} };
  assert.equal(withKeyHint(429, "Slow down", options), "Slow down");
  assert.match(withKeyHint(401, "Bad key", options), /^Bad key \(.*OPENAI_API_KEY is not set\)$/);
});

/** Sends one request through a proxy whose only provider answers `body` with a 401. */
async function clientError(
  file: (url: string) => FileConfig,
  env: Record<string, string>,
  body: string,
) {
  const mock = await startMockUpstream(() =>
    new Response(body, {
      status: 401,
      headers: { "content-type": "application/json" },
    })
  );
  const proxy = startProxy(
    resolveConfig({
      cli: {},
      env,
      file: { ...file(mock.url), upstream: { retries: 0 } },
      source: "t.toml",
    }),
  );
  try {
    const client = new Anthropic({ baseURL: proxy.url, apiKey: "any", maxRetries: 0 });
    return await client.messages.create({
      model: "claude-sonnet-5-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    }).then(
      () => assert.fail("expected a 401"),
      (err: { status?: number; error?: { error?: { message?: string } } }) => ({
        status: err.status,
        message: err.error?.error?.message ?? "",
      }),
    );
  } finally {
    await proxy.close();
    await mock.close();
  }
}

Deno.test("a provider's 401 tells the client which key variable is not set", async () => {
  const error = await clientError(
    (url) => ({ providers: { openai: { base_url: `${url}/v1` } }, models: { "*": "gpt-4.1" } }),
    {},
    OPENAI_401,
  );
  assert.equal(error.status, 401);
  assert.match(error.message, /Incorrect API key provided/);
  assert.match(
    error.message,
    /claude-proxy sent no key to provider "openai": OPENAI_API_KEY is not set/,
  );
});

Deno.test("a provider's 401 tells the client that the key in the variable was refused", async () => {
  const error = await clientError(
    (url) => ({ providers: { openai: { base_url: `${url}/v1` } }, models: { "*": "gpt-4.1" } }),
    { OPENAI_API_KEY: "sk-wrong-key-123456" },
    OPENAI_401,
  );
  assert.match(error.message, /provider "openai" refused the key in OPENAI_API_KEY/);
  assert.ok(!error.message.includes("sk-wrong-key-123456"));
});

Deno.test("an Anthropic-format provider's 401 names the key too, in the provider's own envelope", async () => {
  const error = await clientError(
    (url) => ({ providers: { anthropic: { base_url: url, api_key_env: "MY_ANTHROPIC_KEY" } } }),
    { MY_ANTHROPIC_KEY: "sk-ant-wrong-123456" },
    ANTHROPIC_401,
  );
  assert.equal(error.status, 401);
  assert.match(
    error.message,
    /invalid x-api-key \(provider "anthropic" refused the key in MY_ANTHROPIC_KEY\)/,
  );
});
