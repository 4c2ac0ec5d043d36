import assert from "node:assert/strict";
import { parseOpenCodeAuth } from "../../src/config/opencode_auth.ts";

const PATH = "/home/ada/.local/share/opencode/auth.json";

Deno.test("parseOpenCodeAuth keeps api entries by OpenCode provider id", () => {
  const auth = parseOpenCodeAuth(
    JSON.stringify({
      deepseek: { type: "api", key: "sk-deep" },
      google: { type: "api", key: "gm-key" },
    }),
    PATH,
  );
  assert.deepEqual(auth.keys, { deepseek: "sk-deep", google: "gm-key" });
  assert.deepEqual(auth.notices, []);
  assert.equal(auth.path, PATH);
});

Deno.test("parseOpenCodeAuth skips oauth and wellknown entries with a notice and keeps the rest", () => {
  const auth = parseOpenCodeAuth(
    JSON.stringify({
      anthropic: { type: "oauth", access: "a", refresh: "r", expires: 1 },
      work: { type: "wellknown", key: "k", token: "t" },
      openai: { type: "api", key: "sk-open" },
    }),
    PATH,
  );
  assert.deepEqual(auth.keys, { openai: "sk-open" });
  assert.deepEqual(auth.notices, [
    `Skipping OpenCode credential "anthropic" in "${PATH}": oauth sign-in is not supported, only API keys`,
    `Skipping OpenCode credential "work" in "${PATH}": wellknown sign-in is not supported, only API keys`,
  ]);
});

Deno.test("parseOpenCodeAuth skips unknown, untyped, empty and malformed entries one by one", () => {
  const auth = parseOpenCodeAuth(
    JSON.stringify({
      future: { type: "passkey" },
      bare: { key: "x" },
      blank: { type: "api", key: "  " },
      number: 42,
      groq: { type: "api", key: "gsk" },
    }),
    PATH,
  );
  assert.deepEqual(auth.keys, { groq: "gsk" });
  assert.deepEqual(auth.notices, [
    `Skipping OpenCode credential "future" in "${PATH}": unknown type "passkey"`,
    `Skipping OpenCode credential "bare" in "${PATH}": no type`,
    `Skipping OpenCode credential "blank" in "${PATH}": the API key is empty`,
    `Skipping OpenCode credential "number" in "${PATH}": no type`,
  ]);
});

Deno.test("parseOpenCodeAuth trims CR and LF pasted into a key", () => {
  const auth = parseOpenCodeAuth('{"openrouter":{"type":"api","key":"sk-or-1\\r\\n"}}', PATH);
  assert.deepEqual(auth.keys, { openrouter: "sk-or-1" });
});

Deno.test("parseOpenCodeAuth ignores a file that is not JSON, or not an object, without failing", () => {
  const broken = parseOpenCodeAuth("{not json", PATH);
  assert.deepEqual(broken.keys, {});
  assert.equal(broken.notices.length, 1);
  assert.match(broken.notices[0]!, /^Ignoring OpenCode credentials ".*auth\.json": /);
  const list = parseOpenCodeAuth("[]", PATH);
  assert.deepEqual(list.keys, {});
  assert.deepEqual(list.notices, [`Ignoring OpenCode credentials "${PATH}": not a JSON object`]);
});
