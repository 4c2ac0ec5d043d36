import assert from "node:assert/strict";
import { keyPath, lineOfPath } from "../../src/config/key_path.ts";
import { mergeLayers } from "../../src/config/layers.ts";
import { parseConfig } from "../../src/config/parse.ts";
import type { FileConfig } from "../../src/config/validate.ts";

function layer(kind: "managed" | "project" | "user" | "explicit", path: string, text: string) {
  return { kind, path, text, file: parseConfig(text, path) as FileConfig };
}

const USER = layer(
  "user",
  "/home/ada/.config/claude-proxy/config.toml",
  `port = 5000
host = "127.0.0.1"

[provider]
name = "deepseek"
api_key_env = "MY_DEEPSEEK_KEY"

[models]
"*sonnet*" = "deepseek-chat"
"*" = "deepseek-chat"
`,
);

const PROJECT = layer(
  "project",
  "/work/claude-proxy.toml",
  `port = 6000

[provider]
base_url = "https://mirror.example/v1"

[models]
"*claude-sonnet-4-5*" = "deepseek-reasoner"
`,
);

Deno.test("mergeLayers lets the project file override the user file key by key", () => {
  const merged = mergeLayers([USER, PROJECT]);
  assert.equal(merged.file.port, 6000);
  assert.equal(merged.file.host, "127.0.0.1");
  assert.deepEqual(merged.file.provider, {
    name: "deepseek",
    api_key_env: "MY_DEEPSEEK_KEY",
    base_url: "https://mirror.example/v1",
  });
  assert.deepEqual(merged.files, ["/work/claude-proxy.toml", USER.path]);
});

Deno.test("mergeLayers records the file and line each key came from", () => {
  const { origins } = mergeLayers([USER, PROJECT]);
  assert.equal(origins.port, "/work/claude-proxy.toml:1");
  assert.equal(origins.host, `${USER.path}:2`);
  assert.equal(origins["provider.api_key_env"], `${USER.path}:6`);
  assert.equal(origins["provider.base_url"], "/work/claude-proxy.toml:4");
  assert.equal(origins['models."*"'], `${USER.path}:10`);
});

Deno.test("mergeLayers puts the project's [models] rules before the user's so they match first", () => {
  const merged = mergeLayers([USER, PROJECT]);
  assert.deepEqual(Object.keys(merged.file.models ?? {}), [
    "*claude-sonnet-4-5*",
    "*sonnet*",
    "*",
  ]);
});

Deno.test("mergeLayers replaces a provider table whose preset changes instead of mixing two presets", () => {
  const project = layer("project", "/work/claude-proxy.toml", `[provider]\nname = "groq"\n`);
  const merged = mergeLayers([USER, project]);
  assert.deepEqual(merged.file.provider, { name: "groq" });
  assert.equal(merged.origins["provider.api_key_env"], undefined);
  const named = layer("project", "/p.toml", `[providers.deepseek]\nname = "openrouter"\n`);
  const user = layer("user", "/u.toml", `[providers.deepseek]\nbase_url = "https://x"\n`);
  assert.deepEqual(mergeLayers([user, named]).file.providers, {
    deepseek: { name: "openrouter" },
  });
});

Deno.test("mergeLayers gives the managed file the last word and lists its keys as pinned", () => {
  const managed = layer(
    "managed",
    "/etc/claude-proxy/config.toml",
    `host = "127.0.0.1"\n\n[models]\n"*opus*" = "approved-model"\n`,
  );
  const project = layer(
    "project",
    "/work/claude-proxy.toml",
    `host = "0.0.0.0"\n[models]\n"*opus*" = "mine"\n`,
  );
  const merged = mergeLayers([managed, project, USER]);
  assert.equal(merged.file.host, "127.0.0.1");
  assert.equal(merged.file.models?.["*opus*"], "approved-model");
  assert.equal(Object.keys(merged.file.models ?? {})[0], "*opus*");
  assert.deepEqual(merged.pinned, ["host", 'models."*opus*"']);
  assert.equal(merged.origins.host, "/etc/claude-proxy/config.toml:1");
  assert.deepEqual(merged.files, [
    "/etc/claude-proxy/config.toml",
    "/work/claude-proxy.toml",
    USER.path,
  ]);
});

Deno.test("keyPath quotes the parts that are not bare TOML keys", () => {
  assert.equal(keyPath(["providers", "deepseek", "base_url"]), "providers.deepseek.base_url");
  assert.equal(keyPath(["models", "*opus*"]), 'models."*opus*"');
  assert.equal(keyPath(["model_options", "gpt-4.1"]), 'model_options."gpt-4.1"');
});

Deno.test("lineOfPath finds keys in tables, inline tables and headers with comments", () => {
  const text = `[provider]  # the main one
name = "openai"
headers = { "X-Title" = "claude-proxy" }

[model_options."gpt-4.1"]
max_tokens = 8192
`;
  assert.equal(lineOfPath(text, ["provider", "name"]), 2);
  assert.equal(lineOfPath(text, ["provider", "headers", "X-Title"]), 3);
  assert.equal(lineOfPath(text, ["model_options", "gpt-4.1", "max_tokens"]), 6);
  assert.equal(lineOfPath(text, ["provider"]), 1);
});
