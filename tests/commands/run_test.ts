import assert from "node:assert/strict";
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseCli } from "../../src/cli.ts";
import { claudeEnv, findClaude, runRun } from "../../src/commands/run.ts";
import { configFingerprint } from "../../src/config/fingerprint.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { ConfigError } from "../../src/errors.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { makeSandbox, type Sandbox } from "../cli/sandbox.ts";
import { CLAUDE as PINNED_CLAUDE } from "../helpers/claude_cli.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { jsonResponse, startMockUpstream } from "../helpers/mock_upstream.ts";

const CLAUDE = PINNED_CLAUDE;

/** A stand-in `claude` that reports what it got, talks to the proxy once, and exits with FAKE_EXIT. */
const FAKE_CLAUDE = `
const base = Deno.env.get("ANTHROPIC_BASE_URL");
const health = await fetch(base + "/health").then((r) => r.status, (e) => String(e));
const reply = await fetch(base + "/v1/messages", {
  method: "POST",
  headers: { "content-type": "application/json", "x-api-key": Deno.env.get("ANTHROPIC_API_KEY") ?? "" },
  body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
}).then((r) => r.json());
console.log(JSON.stringify({
  args: Deno.args,
  base,
  key: Deno.env.get("ANTHROPIC_API_KEY") ?? null,
  health,
  text: reply.content?.[0]?.text ?? reply.error?.message,
}));
Deno.exit(Number(Deno.env.get("FAKE_EXIT") ?? "0"));
`;

/** Writes the stand-in claude into the sandbox and returns its path. */
function installFakeClaude(box: Sandbox, name = "bin/claude"): string {
  const script = box.write("fake_claude.ts", FAKE_CLAUDE);
  const path = box.write(
    name,
    `#!/bin/sh\nexec "${Deno.execPath()}" run -A --quiet "${script}" "$@"\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function proxyConfig(upstream: string, extra = ""): string {
  return `[provider]
name = "custom"
base_url = "${upstream}"
api_key = "sk-upstream-secret"

[models]
"*" = "fake-model"
${extra}`;
}

Deno.test({
  name:
    "claude-proxy run starts the proxy, runs claude with its URL and arguments, and passes the exit code on",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "hello from upstream" })));
    try {
      box.write("project/claude-proxy.toml", proxyConfig(mock.url));
      const claude = installFakeClaude(box);
      const result = await box.run(["run", "--claude", claude, "--", "-p", "hello", "--verbose"], {
        env: { FAKE_EXIT: "7" },
      });
      assert.equal(result.code, 7, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.deepEqual(report.args, ["-p", "hello", "--verbose"]);
      assert.match(report.base, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(report.base, "http://127.0.0.1:4222", "a free port, not the configured one");
      assert.equal(report.health, 200);
      assert.equal(report.text, "hello from upstream");
      assert.equal(
        report.key,
        "claude-proxy",
        "a placeholder key so Claude Code does not ask to sign in",
      );
      assert.match(
        result.stderr,
        /^claude-proxy: started at http:\/\/127\.0\.0\.1:\d+ for this session$/m,
      );
      assert.equal(mock.requests[0]?.json<ChatCompletionRequest>().model, "fake-model");
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "claude-proxy run finds claude through CLAUDE_PATH and gives it the proxy's auth token",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "ok" })));
    try {
      box.write(
        "project/claude-proxy.toml",
        `auth_token = "proxy-token"\n${proxyConfig(mock.url)}`,
      );
      const claude = installFakeClaude(box, "elsewhere/claude-code");
      const result = await box.run(["run"], { env: { CLAUDE_PATH: claude } });
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.equal(report.key, "proxy-token");
      assert.equal(report.text, "ok", "the proxy accepted the token");
    } finally {
      await mock.close();
    }
  },
});

Deno.test("claude-proxy run explains how to install Claude Code when claude is not on PATH", async () => {
  await using box = await makeSandbox();
  box.write("project/claude-proxy.toml", `[provider]\nname = "ollama"\n[models]\n"*" = "m"\n`);
  const result = await box.run(["run"], { env: { PATH: join(box.root, "empty-bin") } });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    `error: Cannot find Claude Code: "claude" is not on PATH; install it with ` +
      `"npm install -g @anthropic-ai/claude-code", or name it with --claude PATH (or CLAUDE_PATH)\n`,
  );
});

Deno.test("findClaude resolves --claude relative to the working directory and refuses non-executables", async () => {
  await using box = await makeSandbox();
  const claude = installFakeClaude(box);
  const where = { platform: "linux", cwd: box.root };
  assert.equal(findClaude({ claudePath: "bin/claude" }, {}, where), claude);
  assert.equal(findClaude({}, { PATH: join(box.root, "bin") }, where), claude);
  const plain = box.write("bin/not-executable", "");
  assert.throws(
    () => findClaude({ claudePath: plain }, {}, where),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message === `Cannot run Claude Code "${plain}" (from --claude): not an executable file`,
  );
});

Deno.test("claudeEnv keeps the user's key, or the client key a provider forwards, and sets the base URL", () => {
  const config = resolveConfig({
    cli: {},
    env: {},
    file: { provider: { name: "ollama" } },
    source: "t",
  });
  const kept = claudeEnv({ ANTHROPIC_API_KEY: "mine", PATH: "/bin" }, config, "http://127.0.0.1:9");
  assert.equal(kept.ANTHROPIC_API_KEY, "mine");
  assert.equal(kept.ANTHROPIC_BASE_URL, "http://127.0.0.1:9");
  assert.equal(kept.PATH, "/bin");
  const forwarding = resolveConfig({
    cli: {},
    env: {},
    file: { provider: { name: "anthropic", api_key_from: "client" } },
    source: "t",
  });
  assert.equal(claudeEnv({}, forwarding, "http://x").ANTHROPIC_API_KEY, undefined);
});

function inProcessOptions(root: string, spawn: (url: string, args: string[]) => number) {
  return {
    env: {},
    platform: "linux",
    cwd: root,
    home: root,
    managedPaths: [],
    openCodeAuthPath: null,
    write: () => {},
    spawn: (_command: string, args: string[], options: { env: Record<string, string> }) =>
      Promise.resolve(spawn(options.env.ANTHROPIC_BASE_URL!, args)),
  };
}

Deno.test("runRun stops the proxy it started once claude exits", async () => {
  await using box = await makeSandbox();
  const config = box.write("c.toml", `[provider]\nname = "ollama"\n[models]\n"*" = "m"\n`);
  const claude = installFakeClaude(box);
  let url = "";
  const code = await runRun(
    parseCli(["run", "-c", config, "--claude", claude, "--", "x"]),
    inProcessOptions(box.root, (base, args) => {
      url = base;
      assert.deepEqual(args, ["x"]);
      return 3;
    }),
  );
  assert.equal(code, 3);
  await assert.rejects(fetch(`${url}/health`), "the proxy no longer listens");
});

Deno.test("runRun reuses a proxy already serving the same config on the configured port", async () => {
  await using box = await makeSandbox();
  const claude = installFakeClaude(box);
  const text = `[provider]\nname = "ollama"\n[models]\n"*" = "m"\n`;
  const probe = resolveConfig({
    cli: {},
    env: {},
    file: { provider: { name: "ollama" }, models: { "*": "m" } },
    source: "x",
  });
  let fingerprint = configFingerprint(probe);
  const running = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => jsonResponse({ status: "ok", config: fingerprint }),
  );
  try {
    const config = box.write("c.toml", `port = ${running.addr.port}\n${text}`);
    const cli = parseCli(["run", "-c", config, "--claude", claude]);
    let seen = "";
    await runRun(cli, inProcessOptions(box.root, (base) => (seen = base, 0)));
    assert.equal(seen, `http://127.0.0.1:${running.addr.port}`);
    fingerprint = "another-config";
    await runRun(cli, inProcessOptions(box.root, (base) => (seen = base, 0)));
    assert.notEqual(
      seen,
      `http://127.0.0.1:${running.addr.port}`,
      "a different config is not reused",
    );
  } finally {
    await running.shutdown();
  }
});

Deno.test({
  name: "claude-proxy run drives the real Claude Code CLI through the proxy to the upstream",
  ignore: !existsSync(CLAUDE),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(
      fakeModel(() => ({ text: "The answer is run-test-4711." })),
    );
    try {
      box.write("project/claude-proxy.toml", proxyConfig(mock.url));
      const result = await box.run(["run", "--claude", CLAUDE, "--", "-p", "What is the answer?"], {
        env: {
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
          DISABLE_TELEMETRY: "1",
          DISABLE_AUTOUPDATER: "1",
          CI: "true",
        },
      });
      assert.equal(result.code, 0, `claude failed:\n${result.stderr}\n${result.stdout}`);
      assert.match(result.stdout, /The answer is run-test-4711\./);
      assert.ok(mock.requests.length >= 1);
      assert.equal(mock.requests[0]!.headers.authorization, "Bearer sk-upstream-secret");
      assert.doesNotMatch(result.stdout + result.stderr, /sk-upstream-secret/);
    } finally {
      await mock.close();
    }
  },
});
