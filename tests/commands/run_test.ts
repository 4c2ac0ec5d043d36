import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseCli } from "../../src/cli.ts";
import { runRun } from "../../src/commands/run.ts";
import { configFingerprint } from "../../src/config/fingerprint.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { makeSandbox, type Sandbox } from "../cli/sandbox.ts";
import { CLAUDE as PINNED_CLAUDE } from "../helpers/claude_cli.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { jsonResponse, startMockUpstream } from "../helpers/mock_upstream.ts";

const CLAUDE = PINNED_CLAUDE;

/** A stand-in `claude` that reports what it got, talks to the proxy once, and exits with FAKE_EXIT. */
const FAKE_CLAUDE = `
if (Deno.args[0] === "--version") {
  console.log(Deno.env.get("FAKE_VERSION") ?? "2.1.300 (Claude Code)");
  Deno.exit(0);
}
const base = Deno.env.get("ANTHROPIC_BASE_URL");
const token = Deno.env.get("ANTHROPIC_AUTH_TOKEN");
const health = await fetch(base + "/health").then((r) => r.status, (e) => String(e));
const reply = await fetch(base + "/v1/messages", {
  method: "POST",
  headers: {
    "content-type": "application/json",
    ...(token ? { authorization: "Bearer " + token } : {}),
    ...(Deno.env.get("ANTHROPIC_API_KEY") ? { "x-api-key": Deno.env.get("ANTHROPIC_API_KEY") } : {}),
  },
  body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
}).then((r) => r.json());
console.log(JSON.stringify({
  args: Deno.args,
  base,
  key: Deno.env.get("ANTHROPIC_API_KEY") ?? null,
  token: token ?? null,
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
      assert.deepEqual(report.args, [
        "--settings",
        '{"skipWebFetchPreflight":true}',
        "-p",
        "hello",
        "--verbose",
      ], "WebFetch does not ask api.anthropic.com first, then the user's arguments");
      assert.match(report.base, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(report.base, "http://127.0.0.1:4222", "a free port, not the configured one");
      assert.equal(report.health, 200);
      assert.equal(report.text, "hello from upstream");
      assert.equal(report.token, "claude-proxy", "a placeholder token: no sign-in, no key prompt");
      assert.equal(report.key, null, "no ANTHROPIC_API_KEY: Claude Code would ask about it");
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
      const result = await box.run(["run"], {
        env: { CLAUDE_PATH: claude, ANTHROPIC_API_KEY: "sk-users-own-key" },
      });
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.equal(report.token, "proxy-token");
      assert.equal(report.key, null, "the proxy does not need the user's key");
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
      `"npm install -g @anthropic-ai/claude-code" (Node.js 18 or newer; versions 2.1.197 to ` +
      `2.1.337 are tested), or name it with --claude PATH (or CLAUDE_PATH)\n`,
  );
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
      assert.deepEqual(args, ["--settings", '{"skipWebFetchPreflight":true}', "x"]);
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

/** A sandbox with a fake claude and a config for `mock`; returns the claude's path. */
function setUp(box: Sandbox, upstream: string, extra = ""): string {
  box.write("project/claude-proxy.toml", proxyConfig(upstream, extra));
  return installFakeClaude(box);
}

Deno.test({
  name:
    "claude-proxy run marks onboarding done in a fresh HOME, so Claude Code does not call api.anthropic.com first",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "ok" })));
    try {
      const claude = setUp(box, mock.url);
      const result = await box.run(["run", "--claude", claude]);
      assert.equal(result.code, 0, result.stderr);
      const path = join(box.home, ".claude.json");
      assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), { hasCompletedOnboarding: true });
      assert.equal(statSync(path).mode & 0o777, 0o600, "a new file is private, as Claude Code's");
      assert.match(
        result.stderr,
        new RegExp(`marked Claude Code's first-run onboarding as done in ${path} `),
      );
      assert.ok(!existsSync(path + ".claude-proxy.bak"), "nothing to back up");
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name:
    "claude-proxy run adds hasCompletedOnboarding to an existing .claude.json, keeping every other byte, the mode, and a backup",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "ok" })));
    try {
      const claude = setUp(box, mock.url);
      const original =
        '{\n  "numStartups": 3,\n  "userID": "abc",\n  "big": 12345678901234567890,\n' +
        '  "projects": {\n    "/x": { "allowedTools": [] }\n  }\n}\n';
      const path = box.write("home/.claude.json", original);
      chmodSync(path, 0o640);
      const first = await box.run(["run", "--claude", claude]);
      assert.equal(first.code, 0, first.stderr);
      const text = readFileSync(path, "utf8");
      assert.equal(text, original.replace("{\n", '{\n  "hasCompletedOnboarding": true,\n'));
      assert.equal(statSync(path).mode & 0o777, 0o640);
      assert.equal(readFileSync(path + ".claude-proxy.bak", "utf8"), original);
      assert.match(first.stderr, /the file as it was is in .*\.claude\.json\.claude-proxy\.bak/);
      const second = await box.run(["run", "--claude", claude]);
      assert.equal(readFileSync(path, "utf8"), text, "a second run changes nothing");
      assert.doesNotMatch(second.stderr, /onboarding/);
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "claude-proxy run leaves a malformed .claude.json alone and says so",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "ok" })));
    try {
      const claude = setUp(box, mock.url);
      const path = box.write("home/.claude.json", '{"numStartups": 3,');
      const result = await box.run(["run", "--claude", claude]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readFileSync(path, "utf8"), '{"numStartups": 3,');
      assert.match(
        result.stderr,
        new RegExp(`left ${path} as it is: it is not valid JSON \\(.+\\); if Claude Code starts`),
      );
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "claude-proxy run uses CLAUDE_CONFIG_DIR for Claude Code's state file, as Claude Code does",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "ok" })));
    try {
      const claude = setUp(box, mock.url);
      const dir = join(box.root, "claude-config");
      const result = await box.run(["run", "--claude", claude], {
        env: { CLAUDE_CONFIG_DIR: dir },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, ".claude.json"), "utf8")), {
        hasCompletedOnboarding: true,
      });
      assert.ok(!existsSync(join(box.home, ".claude.json")));
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name:
    "claude-proxy run says how to undo Claude Code's stored refusal of the key it forwards, without printing the key",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const key = "sk-ant-api03-user-key-0123456789abcdefghij";
    box.write(
      "project/claude-proxy.toml",
      `[provider]\nname = "anthropic"\napi_key_from = "client"\n[models]\n"*" = "claude-x"\n`,
    );
    const claude = installFakeClaude(box);
    const path = box.write(
      "home/.claude.json",
      JSON.stringify({
        hasCompletedOnboarding: true,
        customApiKeyResponses: { approved: [], rejected: [key.slice(-20)] },
      }),
    );
    const result = await box.run(["run", "--claude", claude], {
      env: { ANTHROPIC_API_KEY: key },
    });
    const report = JSON.parse(result.stdout);
    assert.equal(report.key, key, "the forwarded key reaches claude as the user set it");
    assert.match(
      result.stderr,
      new RegExp(
        `Claude Code was told to refuse the key in ANTHROPIC_API_KEY and will say "Not logged in": ` +
          `to undo that, delete the key's last 20 characters from the "rejected" list under ` +
          `"customApiKeyResponses" in ${path}`,
      ),
    );
    assert.ok(!result.stderr.includes(key.slice(-20)), "no part of the key is printed");
  },
});

Deno.test("claude-proxy run reports a Claude Code that cannot start, with what to reinstall", async () => {
  await using box = await makeSandbox();
  box.write("project/claude-proxy.toml", `[provider]\nname = "ollama"\n[models]\n"*" = "m"\n`);
  // What the npm package's bin/claude.exe is when its install script did not run.
  const claude = box.write(
    "bin/claude",
    `#!/bin/sh\necho "Error: claude native binary not installed." >&2\n` +
      `echo "Either postinstall did not run" >&2\nexit 1\n`,
  );
  chmodSync(claude, 0o755);
  const result = await box.run(["run"], { env: { PATH: join(box.root, "bin") } });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    `error: Claude Code "${claude}" does not start: claude native binary not installed; ` +
      `reinstall it with "npm install -g @anthropic-ai/claude-code" (its install script must ` +
      `run: no --ignore-scripts), or name another with --claude PATH\n`,
  );
});

Deno.test({
  name: "claude-proxy run warns when Claude Code is older than the oldest tested version",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "ok" })));
    try {
      const claude = setUp(box, mock.url);
      const old = await box.run(["run", "--claude", claude], {
        env: { FAKE_VERSION: "2.0.14 (Claude Code)" },
      });
      assert.equal(old.code, 0, old.stderr);
      assert.match(
        old.stderr,
        /Claude Code 2\.0\.14 is older than 2\.1\.197, the oldest version claude-proxy is tested with/,
      );
      const current = await box.run(["run", "--claude", claude]);
      assert.doesNotMatch(current.stderr, /older than/);
    } finally {
      await mock.close();
    }
  },
});
