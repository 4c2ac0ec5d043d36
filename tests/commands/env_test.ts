import assert from "node:assert/strict";
import { shellQuote } from "../../src/commands/env.ts";
import { makeSandbox } from "../cli/sandbox.ts";

const DEEPSEEK = `[provider]\nname = "deepseek"\napi_key = "sk-deepseek-secret"\n`;

Deno.test("claude-proxy env prints export lines a POSIX shell takes as they are", async () => {
  await using box = await makeSandbox();
  box.write("project/claude-proxy.toml", `port = 4555\n${DEEPSEEK}`);
  const result = await box.run(["env"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^unset ANTHROPIC_API_KEY$/m);
  assert.match(result.stdout, /^export ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:4555$/m);
  assert.match(result.stdout, /^export ANTHROPIC_AUTH_TOKEN=claude-proxy$/m);
  assert.match(
    result.stdout,
    /^# Also in ~\/\.claude\/settings\.json: \{"skipWebFetchPreflight":true\}$/m,
  );
  assert.ok(!result.stdout.includes("sk-deepseek-secret"));
  const shell = await new Deno.Command("sh", {
    args: [
      "-c",
      `eval "$1"; printf '%s|%s|%s' "$ANTHROPIC_DEFAULT_OPUS_MODEL" "$ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION" "$ENABLE_TOOL_SEARCH"`,
      "sh",
      result.stdout,
    ],
    env: { ANTHROPIC_API_KEY: "sk-users-own" },
  }).output();
  const [model, description, toolSearch] = new TextDecoder().decode(shell.stdout).split("|");
  assert.equal(model, "claude-opus-5-5");
  assert.match(description!, /^opus requests go to \S+ on deepseek through claude-proxy/);
  assert.equal(toolSearch, "", "the proxy resolves tool search: Claude Code keeps it");
});

Deno.test("claude-proxy env --json prints a settings.json fragment", async () => {
  await using box = await makeSandbox();
  box.write("project/claude-proxy.toml", DEEPSEEK);
  const result = await box.run(["env", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const settings = JSON.parse(result.stdout);
  assert.equal(settings.skipWebFetchPreflight, true);
  assert.equal(settings.env.ANTHROPIC_BASE_URL, "http://127.0.0.1:4222");
  assert.equal(settings.env.ANTHROPIC_AUTH_TOKEN, "claude-proxy");
  assert.equal(settings.env.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY, "1");
  assert.match(settings.env.CLAUDE_CODE_AUTO_COMPACT_WINDOW, /^\d+$/);
});

Deno.test("claude-proxy env never prints the proxy's auth_token", async () => {
  await using box = await makeSandbox();
  box.write("project/claude-proxy.toml", `auth_token = "tok-in-file-123"\n${DEEPSEEK}`);
  const fromFile = await box.run(["env"]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.ok(
    !fromFile.stdout.includes("tok-in-file-123") && !fromFile.stderr.includes("tok-in-file-123"),
  );
  assert.match(
    fromFile.stdout,
    /^export ANTHROPIC_AUTH_TOKEN='<the auth_token of claude-proxy>'$/m,
  );
  assert.match(
    fromFile.stderr,
    /ANTHROPIC_AUTH_TOKEN must be the proxy's auth_token \(from .*claude-proxy\.toml:1\)/,
  );
  const fromEnv = await box.run(["env"], { env: { CLAUDE_PROXY_AUTH_TOKEN: "tok-in-env-456" } });
  assert.ok(!fromEnv.stdout.includes("tok-in-env-456"));
  assert.match(fromEnv.stdout, /^export ANTHROPIC_AUTH_TOKEN="\$CLAUDE_PROXY_AUTH_TOKEN"$/m);
});

Deno.test("shellQuote leaves plain words and quotes the rest for sh", () => {
  assert.equal(shellQuote("claude-opus-5-5"), "claude-opus-5-5");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});
