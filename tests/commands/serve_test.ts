// The serve command as a process: start banner, and a graceful drain on SIGTERM.
import assert from "node:assert/strict";
import { sseResponse, startMockUpstream } from "../helpers/mock_upstream.ts";
import { startProxyProcess } from "../helpers/process.ts";

async function writeConfig(upstream: string, extra = ""): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-serve-" });
  const path = `${dir}/config.toml`;
  await Deno.writeTextFile(
    path,
    `${extra}\n[provider]\nname = "custom"\nbase_url = "${upstream}"\n\n[models]\n"*" = "slow-model"\n`,
  );
  return path;
}

/** Starts the proxy on a hanging upstream and opens one stream through it. */
async function hangingStream(extraConfig: string) {
  let started!: () => void;
  const streamStarted = new Promise<void>((resolve) => (started = resolve));
  const mock = await startMockUpstream((req) => {
    started();
    return sseResponse([chunk("never ends")], { end: "hang", signal: req.signal, done: false });
  });
  const config = await writeConfig(mock.url, extraConfig);
  const logFile = config.replace(/config\.toml$/, "requests.jsonl");
  const proxy = await startProxyProcess(["-c", config, "-p", "0", "--log-file", logFile]);
  const response = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-x",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: "hang" }],
    }),
  });
  await streamStarted;
  return { mock, proxy, response };
}

function chunk(content: string, finish: string | null = null) {
  return { choices: [{ index: 0, delta: { content }, finish_reason: finish }] };
}

Deno.test("serve prints the listen URL and the export line on start", async () => {
  const mock = await startMockUpstream([]);
  const config = await writeConfig(mock.url);
  const logFile = config.replace(/config\.toml$/, "requests.jsonl");
  const proxy = await startProxyProcess(["-c", config, "-p", "0", "--log-file", logFile]);
  try {
    assert.match(
      proxy.stdout(),
      /claude-proxy \d+\.\d+\.\d+ listening on http:\/\/127\.0\.0\.1:\d+/,
    );
    const health = await fetch(`${proxy.url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    proxy.child.kill("SIGTERM");
    const { code, stdout } = await proxy.wait();
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`export ANTHROPIC_BASE_URL=${proxy.url}`));
    await mock.close();
  }
});

Deno.test("serve lets an in-flight stream finish after SIGTERM, then exits 0", async () => {
  let started!: () => void;
  const streamStarted = new Promise<void>((resolve) => (started = resolve));
  const mock = await startMockUpstream((req) => {
    started();
    return sseResponse(
      [chunk("one "), chunk("two "), chunk("three"), chunk("", "stop")],
      { delayMs: 150, signal: req.signal },
    );
  });
  const config = await writeConfig(mock.url);
  const logFile = config.replace(/config\.toml$/, "requests.jsonl");
  const proxy = await startProxyProcess(["-c", config, "-p", "0", "--log-file", logFile]);
  try {
    const response = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-x",
        max_tokens: 10,
        stream: true,
        messages: [{ role: "user", content: "count" }],
      }),
    });
    await streamStarted;
    proxy.child.kill("SIGTERM");
    const text = await response.text();
    assert.match(text, /"text":"three"/);
    assert.match(text, /event: message_stop/);
    const { code, stdout } = await proxy.wait();
    assert.equal(code, 0);
    assert.match(stdout, /Shutting down/);
    const lines = (await Deno.readTextFile(logFile)).trim().split("\n");
    assert.equal(lines.length, 1, "the stream's log line is written before exit");
    const record = JSON.parse(lines[0]!);
    assert.equal(record.status, 200);
    assert.equal(record.stream, true);
    assert.equal(record.upstream_model, "slow-model");
    assert.equal(record.stop_reason, "end_turn");
  } finally {
    await mock.close();
  }
});

Deno.test("serve exits 1 when in-flight streams outlast [limits] shutdown_grace_ms", async () => {
  const { mock, proxy, response } = await hangingStream("[limits]\nshutdown_grace_ms = 300");
  try {
    const signalled = performance.now();
    proxy.child.kill("SIGTERM");
    const { code, stdout } = await proxy.wait();
    const elapsed = performance.now() - signalled;
    assert.equal(code, 1, "not a clean drain");
    assert.ok(elapsed < 5000, `exited after ${elapsed.toFixed(0)} ms`);
    assert.match(stdout, /up to 0\.3 s/);
  } finally {
    await response.body?.cancel().catch(() => {});
    await mock.close();
  }
});

Deno.test("serve exits at once with 130 on a second signal", async () => {
  const { mock, proxy, response } = await hangingStream("[limits]\nshutdown_grace_ms = 60000");
  try {
    proxy.child.kill("SIGTERM");
    await waitFor(() => /Shutting down/.test(proxy.stdout()));
    proxy.child.kill("SIGINT");
    const { code } = await proxy.wait();
    assert.equal(code, 130);
  } finally {
    await response.body?.cancel().catch(() => {});
    await mock.close();
  }
});

/** Polls `condition` every 10 ms (output arrives on its own schedule), up to 10 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), "condition not met within 10 s");
}

Deno.test("serve warns when bound beyond loopback without auth_token, and not with one", async () => {
  const mock = await startMockUpstream([]);
  try {
    for (
      const [extra, warned] of [["", true], ['auth_token = "a-long-proxy-token"', false]] as const
    ) {
      const config = await writeConfig(mock.url, extra);
      const logFile = config.replace(/config\.toml$/, "requests.jsonl");
      const proxy = await startProxyProcess([
        "-c",
        config,
        "--host",
        "0.0.0.0",
        "-p",
        "0",
        "--log-file",
        logFile,
      ]);
      proxy.child.kill("SIGTERM");
      const { stdout } = await proxy.wait();
      assert.equal(/warning: listening on 0\.0\.0\.0 without auth_token/.test(stdout), warned);
    }
  } finally {
    await mock.close();
  }
});
