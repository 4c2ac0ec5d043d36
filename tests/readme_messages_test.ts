// The messages README.md's Troubleshooting quotes are the ones the proxy prints: each is produced here by the code that prints it.
import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claudeJsonMessages } from "../src/commands/run.ts";
import { checkClaudeStarts, findClaude } from "../src/commands/find_claude.ts";
import { listenError } from "../src/commands/listen_error.ts";
import { configFingerprint } from "../src/config/fingerprint.ts";
import { loadConfig } from "../src/config/load.ts";
import { resolveConfig } from "../src/config/resolve.ts";
import { NULL_LOGGER } from "../src/log/record.ts";
import { createApp } from "../src/server/app.ts";
import { checkAuthToken } from "../src/server/auth.ts";
import { promptTooLongMessage } from "../src/translate/anthropic/context_overflow.ts";
import { deadlineError, firstByteTimeoutError } from "../src/upstream/client.ts";
import { keyHint } from "../src/upstream/key_hint.ts";
import { fromFileUrl, withTempDir } from "./helpers/paths.ts";

const README = readFileSync(fromFileUrl(new URL("../README.md", import.meta.url)), "utf8");

/** README.md's Troubleshooting section. */
const TROUBLESHOOTING = (() => {
  const start = README.indexOf("\n## Troubleshooting\n");
  assert.ok(start >= 0, "README has a Troubleshooting section");
  return README.slice(start, README.indexOf("\n## ", start + 1));
})();

/** Asserts that Troubleshooting quotes `message` word for word. */
function quoted(message: string): void {
  assert.ok(TROUBLESHOOTING.includes(message), `Troubleshooting quotes:\n${message}`);
}

/** The message of what `run` throws. */
async function thrown(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail("expected an error");
}

const DEFAULTS = resolveConfig({ cli: {}, env: { DEEPSEEK_API_KEY: "k" }, file: {}, source: "t" });

Deno.test("Troubleshooting quotes the port-in-use messages for this proxy, another one and another program", async () => {
  const inUse = Object.assign(new Error("address in use"), { code: "EADDRINUSE" });
  const answering = (config: string): typeof fetch => () =>
    Promise.resolve(Response.json({ status: "ok", version: "0.1.0", config }));
  const same = await listenError(inUse, DEFAULTS, {
    fetch: answering(configFingerprint(DEFAULTS)),
  });
  const other = await listenError(inUse, DEFAULTS, { fetch: answering("0000000000000000") });
  const onPort = resolveConfig({
    cli: { port: 4333 },
    env: { DEEPSEEK_API_KEY: "k" },
    file: {},
    source: "t",
  });
  const program = await listenError(inUse, onPort, {
    fetch: () => Promise.reject(new TypeError("not a proxy")),
  });
  for (const error of [same, other, program]) quoted(`error: ${error?.message}`);
});

Deno.test("Troubleshooting quotes the config messages: no provider, a URL without a scheme, typos with suggestions", async () => {
  await withTempDir("readme-config-", async (dir) => {
    const load = (env: Record<string, string> = {}) =>
      loadConfig({
        cli: {},
        env,
        platform: "linux",
        cwd: dir,
        home: dir,
        managedPaths: [],
        openCodeAuthPath: null,
      });
    const none = await thrown(load);
    const lines = none.split("\n");
    quoted(`error: ${lines[0]}\n  ${lines[1]!.trim()}`);
    quoted(lines.at(-1)!);

    const file = join(dir, "claude-proxy.toml");
    writeFileSync(file, '[provider]\nname = "custom"\nbase_url = "localhost:11434/v1"\n');
    const scheme = (await thrown(load)).replaceAll(file, "claude-proxy.toml");
    quoted(`error: ${scheme}`);

    writeFileSync(
      file,
      'prot = 4222\n\n[provider]\nname = "deepsek"\n\n[providers.openrouter]\n' +
        'api_key_env = "OPENROUTER_API_KEY"\n\n[models]\n"*opus*" = "gpt-oss-120b@openruter"\n',
    );
    quoted(`error: ${(await thrown(load)).replaceAll(file, "claude-proxy.toml")}`);
  });
});

Deno.test("Troubleshooting quotes the unset-key notice and both key hints of an upstream 401", () => {
  const unset = resolveConfig({
    cli: {},
    env: {},
    file: { provider: { name: "deepseek" } },
    source: "t",
  });
  quoted(`notice: ${unset.notices[0]}`);
  const custom = (env: Record<string, string>) =>
    resolveConfig({
      cli: {},
      env,
      file: {
        provider: { name: "custom", base_url: "http://127.0.0.1:1/v1", api_key_env: "MY_LLM_KEY" },
      },
      source: "t",
    });
  const none = custom({});
  const set = custom({ MY_LLM_KEY: "sk-set" });
  const refused = "Upstream returned 401: Incorrect API key provided: sk-wr***ng";
  quoted(`${refused} (${keyHint(none.providers.custom!, undefined)})`);
  quoted(
    `${refused} (${keyHint(set.providers.custom!, set.origins["providers.custom.api_key"])})`,
  );
});

Deno.test("Troubleshooting quotes what run says about Claude Code's state file and about claude itself", async () => {
  const path = "/home/you/.claude.json";
  for (
    const line of claudeJsonMessages({
      path,
      onboardingMarked: true,
      backup: `${path}.claude-proxy.bak`,
      rejectedKey: true,
    })
  ) quoted(`claude-proxy: ${line}`);
  const missing = await thrown(() =>
    findClaude({}, { PATH: "" }, { platform: "linux", cwd: "/", skip: [] })
  );
  quoted(`error: ${missing}`);
  if (Deno.build.os === "windows") return;
  await withTempDir("readme-claude-", async (dir) => {
    const claude = join(dir, "claude");
    writeFileSync(
      claude,
      '#!/bin/sh\necho "Error: claude native binary not installed." >&2\nexit 1\n',
    );
    chmodSync(claude, 0o755);
    const broken = await thrown(() => checkClaudeStarts(claude, {}));
    quoted(`error: ${broken.replace(claude, "/usr/local/bin/claude")}`);
  });
});

Deno.test("Troubleshooting quotes the request guard's 403s and 415 and the missing proxy token", async () => {
  const app = createApp({
    config: DEFAULTS,
    logger: NULL_LOGGER,
    now: Date.now,
    newId: () => "id",
  });
  const refusal = async (headers: Record<string, string>) => {
    const response = await app.request("http://127.0.0.1:4222/v1/messages", {
      method: "POST",
      headers,
      body: '{"model":"claude-sonnet-5-5","max_tokens":10,"messages":[]}',
    });
    const { error } = await response.json();
    return `${error.type}: ${error.message}`;
  };
  const json = { "content-type": "application/json" };
  quoted(await refusal({ ...json, origin: "http://localhost:3000" }));
  quoted(await refusal({ ...json, host: "proxy.lan:4222" }));
  quoted(await refusal({ "content-type": "application/x-www-form-urlencoded" }));
  quoted(`"${await thrown(() => checkAuthToken(new Headers(), "token"))}"`);
});

Deno.test("Troubleshooting quotes the 504s of the deadline and the first-byte timeout, and prompt is too long", () => {
  quoted(`${deadlineError(300_000, 1).type}: ${deadlineError(300_000, 1).message}`);
  quoted(`timeout_error: ${firstByteTimeoutError(300_000).message}`);
  quoted(
    `invalid_request_error: ${promptTooLongMessage({ tokens: 140000, limit: 128000 }, {}, "")}`,
  );
  quoted(promptTooLongMessage({}, { inputTokens: 140000 }, "…").replace("140000", "N"));
});
