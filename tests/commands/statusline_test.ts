// `claude-proxy statusline`: the session's route, cost and tokens in one line, from the running proxy
// or the log's end; `run --statusline` gives Claude Code the setting that runs it.
import assert from "node:assert/strict";
import { chmodSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCli } from "../../src/cli.ts";
import {
  proxyUrl,
  runStatusline,
  statusLine,
  statusLineSetting,
} from "../../src/commands/statusline.ts";
import { emptySessionTotals, type SessionTotals } from "../../src/log/session_totals.ts";
import { serve } from "../../src/runtime.ts";
import { createApp } from "../../src/server/app.ts";
import { Dashboard } from "../../src/server/ui/dashboard.ts";
import { makeSandbox } from "../cli/sandbox.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { startMockUpstream } from "../helpers/mock_upstream.ts";
import { configFromToml } from "../helpers/proxy.ts";

const SESSION = "5e551011-aaaa-4bbb-8ccc-000000000001";

function totals(extra: Partial<SessionTotals> = {}): SessionTotals {
  return {
    ...emptySessionTotals(SESSION, "2026-12-01T10:00:00.000Z"),
    requests: 12,
    input_tokens: 2_000,
    cache_read_tokens: 118_000,
    output_tokens: 5_600,
    cost_usd: 0.4213,
    upstream_model: "deepseek-v4-pro",
    ...extra,
  };
}

Deno.test("statusLine names the routed model, the cost, the tokens and the requests", () => {
  assert.equal(
    statusLine({ session_id: SESSION }, totals(), { color: false }),
    "deepseek-v4-pro · $0.42 · 120k in · 5.6k out (98% cached) · 12 requests",
  );
  assert.equal(
    statusLine({}, totals({ errors: 2, unpriced: true, cost_usd: 0.004 }), { color: false }),
    "deepseek-v4-pro · $0.0040+ · 120k in · 5.6k out (98% cached) · 12 requests · 2 failed",
  );
  assert.equal(
    statusLine({}, totals({ unpriced: true, cost_usd: 0 }), { color: false }).split(" · ")[1],
    "no price",
  );
  assert.ok(statusLine({}, totals(), { color: true }).startsWith("\x1b[36mdeepseek-v4-pro\x1b[0m"));
});

Deno.test("statusLine before the session's first request shows where its model goes", () => {
  assert.equal(
    statusLine({ model: { id: "claude-opus-4-8" } }, undefined, {
      color: false,
      routed: "gpt-6-sol",
    }),
    "gpt-6-sol · no requests yet",
  );
  assert.equal(
    statusLine({ model: { id: "claude-opus-4-8" } }, undefined, { color: false }),
    "claude-opus-4-8 · no requests yet",
  );
});

Deno.test("proxyUrl asks only a proxy on this machine, unless CLAUDE_PROXY_URL names one", () => {
  assert.equal(proxyUrl({ ANTHROPIC_BASE_URL: "http://127.0.0.1:4222" }), "http://127.0.0.1:4222");
  assert.equal(proxyUrl({ ANTHROPIC_BASE_URL: "http://localhost:9/x" }), "http://localhost:9");
  assert.equal(proxyUrl({ ANTHROPIC_BASE_URL: "https://api.anthropic.com" }), undefined);
  assert.equal(proxyUrl({}), undefined);
  assert.equal(
    proxyUrl({ CLAUDE_PROXY_URL: "http://10.0.0.5:4222/", ANTHROPIC_BASE_URL: "x" }),
    "http://10.0.0.5:4222",
  );
});

Deno.test("statusLineSetting runs this program's statusline command, quoted for the shell", () => {
  assert.deepEqual(statusLineSetting(["/usr/local/bin/claude-proxy"]), {
    type: "command",
    command: "/usr/local/bin/claude-proxy statusline",
    padding: 0,
  });
  assert.equal(
    statusLineSetting(["/opt/my tools/deno", "run", "-A", "/it's/main.ts"]).command,
    `'/opt/my tools/deno' run -A '/it'\\''s/main.ts' statusline`,
  );
});

Deno.test("runStatusline asks the running proxy for the session's totals, with its token", async () => {
  const mock = await startMockUpstream(fakeModel(() => ({ text: "pong" })));
  const config = configFromToml(
    `auth_token = "proxy-token-0123456789"\n[provider]\nname = "custom"\nbase_url = "${mock.url}"\n` +
      `api_key = "sk-test-0123456789"\n[models]\n"*" = "deepseek-v4-pro"\n` +
      `[model_options."deepseek-v4-pro"]\nprice = { input = 1, output = 2 }\n`,
  );
  const dashboard = new Dashboard({ config });
  const app = createApp({
    config,
    logger: { write() {}, close: () => Promise.resolve() },
    observers: [dashboard.observer],
    now: () => Date.now(),
    newId: (prefix) => `${prefix}${crypto.randomUUID()}`,
  }, { dashboard });
  const server = serve(app.fetch, { hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  try {
    const answer = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer proxy-token-0123456789",
        "x-claude-code-session-id": SESSION,
      },
      body: JSON.stringify({
        model: "claude-opus-4-8",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    await answer.body?.cancel();
    let out = "";
    const env = { ANTHROPIC_BASE_URL: url, ANTHROPIC_AUTH_TOKEN: "proxy-token-0123456789" };
    await runStatusline(parseCli(["statusline", "--log-file", "/nonexistent/log.jsonl"]), {
      env,
      input: JSON.stringify({ session_id: SESSION, model: { id: "claude-opus-4-8" } }),
      write: (text) => (out += text),
      color: false,
    });
    // The fake model reports 42 input and 7 output tokens: 42 × $1 + 7 × $2 per million.
    assert.equal(out, "deepseek-v4-pro · $0.0001 · 42 in · 7 out · 1 request\n");
  } finally {
    dashboard.close();
    await server.shutdown();
    await mock.close();
  }
});

Deno.test("runStatusline reads the log's end when no proxy answers", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claude-proxy-statusline-"));
  try {
    const log = join(dir, "requests.jsonl");
    const record = (n: number, session: string) => ({
      time: `2026-12-01T10:00:0${n}.000Z`,
      id: `req_${n}`,
      method: "POST",
      path: "/v1/messages",
      status: 200,
      total_ms: 5,
      upstream_model: "gpt-6-luna",
      input_tokens: 100,
      output_tokens: 10,
      cost_usd: 0.5,
      session_id: session,
    });
    const lines = [record(1, SESSION), record(2, "other"), record(3, SESSION)];
    await writeFile(log, lines.map((r) => JSON.stringify(r)).join("\n") + "\n");
    let out = "";
    await runStatusline(parseCli(["statusline", "--log-file", log]), {
      // A proxy that is not there: the log answers instead.
      env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:9" },
      input: JSON.stringify({ session_id: SESSION }),
      write: (text) => (out += text),
      color: false,
    });
    assert.equal(out, "gpt-6-luna · $1.00 · 200 in · 20 out · 2 requests\n");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** A stand-in claude that talks once through the proxy, then runs its status line like Claude Code. */
const STATUS_CLAUDE = `
if (Deno.args[0] === "--version") {
  console.log("2.1.300 (Claude Code)");
  Deno.exit(0);
}
const settings = JSON.parse(Deno.args[Deno.args.indexOf("--settings") + 1]);
const base = Deno.env.get("ANTHROPIC_BASE_URL");
const session = "${SESSION}";
const reply = await fetch(base + "/v1/messages", {
  method: "POST",
  headers: {
    "content-type": "application/json",
    authorization: "Bearer " + Deno.env.get("ANTHROPIC_AUTH_TOKEN"),
    "x-claude-code-session-id": session,
  },
  body: JSON.stringify({ model: "claude-opus-4-8", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
});
await reply.body?.cancel();
const shell = new Deno.Command("sh", {
  args: ["-c", settings.statusLine.command],
  stdin: "piped",
  stdout: "piped",
}).spawn();
const writer = shell.stdin.getWriter();
await writer.write(new TextEncoder().encode(JSON.stringify({ session_id: session, model: { id: "claude-opus-4-8" } })));
await writer.close();
const { stdout } = await shell.output();
console.log("STATUS " + new TextDecoder().decode(stdout).trim());
`;

Deno.test({
  name: "run --statusline has Claude Code show the session's route, cost and tokens",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const mock = await startMockUpstream(fakeModel(() => ({ text: "pong" })));
    try {
      box.write(
        "project/claude-proxy.toml",
        `[provider]\nname = "custom"\nbase_url = "${mock.url}"\napi_key = "sk-upstream-secret"\n` +
          `[models]\n"*" = "deepseek-v4-pro"\n`,
      );
      const script = box.write("status_claude.ts", STATUS_CLAUDE);
      const claude = box.write(
        "bin/claude",
        `#!/bin/sh\nexec "${Deno.execPath()}" run -A --quiet "${script}" "$@"\n`,
      );
      chmodSync(claude, 0o755);
      const result = await box.run(["run", "--statusline", "--claude", claude]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /STATUS deepseek-v4-pro · no price · 42 in · 7 out · 1 request/);
    } finally {
      await mock.close();
    }
  },
});
