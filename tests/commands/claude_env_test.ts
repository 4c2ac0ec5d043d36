import assert from "node:assert/strict";
import { claudeEnv, PLACEHOLDER_TOKEN } from "../../src/commands/claude_env.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileConfig } from "../../src/config/validate.ts";

function config(file: FileConfig) {
  return resolveConfig({ cli: {}, env: {}, file, source: "t" });
}

Deno.test("claudeEnv gives Claude Code a token instead of an API key, so it asks nothing", () => {
  const ollama = config({ provider: { name: "ollama" } });
  const env = claudeEnv(
    { PATH: "/bin", ANTHROPIC_API_KEY: "sk-users-own" },
    ollama,
    "http://127.0.0.1:9",
  );
  assert.equal(env.ANTHROPIC_BASE_URL, "http://127.0.0.1:9");
  assert.equal(env.PATH, "/bin");
  assert.equal(env.ANTHROPIC_AUTH_TOKEN, PLACEHOLDER_TOKEN);
  assert.equal(
    env.ANTHROPIC_API_KEY,
    undefined,
    "the proxy does not use it; Claude Code would ask",
  );
  assert.equal(
    claudeEnv({ ANTHROPIC_AUTH_TOKEN: "users-token" }, ollama, "http://x").ANTHROPIC_AUTH_TOKEN,
    "users-token",
    "the user's own token is kept",
  );
});

Deno.test("claudeEnv sends the proxy's auth_token as the token", () => {
  const guarded = config({ provider: { name: "ollama" }, auth_token: "proxy-secret" });
  const env = claudeEnv(
    { ANTHROPIC_AUTH_TOKEN: "other", ANTHROPIC_API_KEY: "sk-x" },
    guarded,
    "http://x",
  );
  assert.equal(env.ANTHROPIC_AUTH_TOKEN, "proxy-secret");
  assert.equal(env.ANTHROPIC_API_KEY, undefined);
});

Deno.test("claudeEnv keeps the user's key as it is when a provider forwards the client's key", () => {
  const forwarding = config({ provider: { name: "anthropic", api_key_from: "client" } });
  const env = claudeEnv({ ANTHROPIC_API_KEY: "sk-ant-users" }, forwarding, "http://x");
  assert.equal(env.ANTHROPIC_API_KEY, "sk-ant-users");
  assert.equal(env.ANTHROPIC_AUTH_TOKEN, undefined);
  const none = claudeEnv({}, forwarding, "http://x");
  assert.equal(none.ANTHROPIC_API_KEY, undefined);
  assert.equal(none.ANTHROPIC_AUTH_TOKEN, undefined, "no placeholder would reach the provider");
});
