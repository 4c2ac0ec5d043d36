import assert from "node:assert/strict";
import { configFingerprint } from "../../src/config/fingerprint.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileConfig } from "../../src/config/validate.ts";

function config(file: FileConfig, env: Record<string, string> = {}, port?: number) {
  return resolveConfig({
    cli: port === undefined ? {} : { port },
    env,
    file,
    source: "a.toml",
  });
}

const FILE: FileConfig = { provider: { name: "deepseek" }, models: { "*": "deepseek-chat" } };

Deno.test("configFingerprint is 16 hex digits and the same for the same behaviour", () => {
  const one = configFingerprint(config(FILE, { DEEPSEEK_API_KEY: "sk-1" }));
  assert.match(one, /^[0-9a-f]{16}$/);
  assert.equal(configFingerprint(config(structuredClone(FILE), { DEEPSEEK_API_KEY: "sk-1" })), one);
});

Deno.test("configFingerprint ignores where the proxy listens and the key's value", () => {
  const one = configFingerprint(config(FILE, { DEEPSEEK_API_KEY: "sk-1" }));
  assert.equal(configFingerprint(config(FILE, { DEEPSEEK_API_KEY: "sk-2" }, 9999)), one);
});

Deno.test("configFingerprint changes with the routes, the provider and whether a key is set", () => {
  const one = configFingerprint(config(FILE, { DEEPSEEK_API_KEY: "sk-1" }));
  assert.notEqual(
    configFingerprint(
      config({ ...FILE, models: { "*": "deepseek-reasoner" } }, { DEEPSEEK_API_KEY: "sk-1" }),
    ),
    one,
  );
  assert.notEqual(configFingerprint(config({ ...FILE, provider: { name: "groq" } })), one);
  assert.notEqual(configFingerprint(config(FILE)), one);
});

Deno.test("configFingerprint never contains the key", () => {
  const fingerprint = configFingerprint(config(FILE, { DEEPSEEK_API_KEY: "0123456789abcdef" }));
  assert.notEqual(fingerprint, "0123456789abcdef");
});
