// The serve command as a process: start banner, and a graceful drain on SIGTERM.
import assert from "node:assert/strict";
import { sseResponse, startMockUpstream } from "../helpers/mock_upstream.ts";
import { mainCommand, type ProxyCommand, startProxyProcess } from "../helpers/process.ts";
import { mainUnder, scriptRuntimes, withFileLimit } from "../helpers/runtimes.ts";

/** Runs the proxy on a temporary config pointing at `upstream`; `close()` kills it and removes the config. */
async function serve(
  upstream: string,
  options: { config?: string; args?: string[]; command?: ProxyCommand } = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-serve-" });
  const config = `${dir}/config.toml`;
  const logFile = `${dir}/requests.jsonl`;
  await Deno.writeTextFile(
    config,
    `${options.config ?? ""}\n[provider]\nname = "custom"\nbase_url = "${upstream}"\n\n` +
      `[models]\n"*" = "slow-model"\n`,
  );
  const args = ["-c", config, "-p", "0", "--log-file", logFile, ...(options.args ?? [])];
  const remove = () => Deno.remove(dir, { recursive: true });
  const command = options.command ?? mainCommand();
  const proxy = await startProxyProcess(command, { args }).catch(async (error) => {
    await remove();
    throw error;
  });
  return {
    proxy,
    logFile,
    async close() {
      await proxy.stop("SIGKILL");
      await remove();
    },
  };
}

/** Starts the proxy on a mock upstream answering with `answer` and opens one stream through it. */
async function openStream(
  answer: (signal: AbortSignal) => Response,
  config = "",
  command?: ProxyCommand,
) {
  let started!: () => void;
  const streamStarted = new Promise<void>((resolve) => (started = resolve));
  const mock = await startMockUpstream((req) => {
    started();
    return answer(req.signal);
  });
  const served = await serve(mock.url, { config, ...(command ? { command } : {}) }).catch(
    async (error) => {
      await mock.close();
      throw error;
    },
  );
  const response = await fetch(`${served.proxy.url}/v1/messages`, {
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
  return {
    ...served,
    response,
    async close() {
      await response.body?.cancel().catch(() => {});
      await served.close();
      await mock.close();
    },
  };
}

/** An upstream stream that sends one chunk and then never ends. */
function hanging(signal: AbortSignal): Response {
  return sseResponse([chunk("never ends")], { end: "hang", signal, done: false });
}

function chunk(content: string, finish: string | null = null) {
  return { choices: [{ index: 0, delta: { content }, finish_reason: finish }] };
}

Deno.test("serve prints the listen URL and the export line on start", async () => {
  const mock = await startMockUpstream([]);
  const { proxy, close } = await serve(mock.url);
  try {
    assert.match(
      proxy.stdout.text,
      /claude-proxy \d+\.\d+\.\d+ listening on http:\/\/127\.0\.0\.1:\d+/,
    );
    const health = await fetch(`${proxy.url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    assert.equal(await proxy.stop("SIGTERM"), 0);
    assert.match(proxy.stdout.text, new RegExp(`export ANTHROPIC_BASE_URL=${proxy.url}`));
  } finally {
    await close();
    await mock.close();
  }
});

Deno.test("serve lets an in-flight stream finish after SIGTERM, then exits 0", async () => {
  const { proxy, response, logFile, close } = await openStream((signal) =>
    sseResponse(
      [chunk("one "), chunk("two "), chunk("three"), chunk("", "stop")],
      { delayMs: 150, signal },
    )
  );
  try {
    proxy.process.kill("SIGTERM");
    const text = await response.text();
    assert.match(text, /"text":"three"/);
    assert.match(text, /event: message_stop/);
    assert.equal(await proxy.exited(), 0);
    assert.match(proxy.stdout.text, /Shutting down/);
    // Its start line, then its record.
    const lines = (await Deno.readTextFile(logFile)).trim().split("\n");
    assert.equal(lines.length, 2, "the stream's log line is written before exit");
    assert.equal(JSON.parse(lines[0]!).event, "start");
    const record = JSON.parse(lines[1]!);
    assert.equal(record.status, 200);
    assert.equal(record.stream, true);
    assert.equal(record.upstream_model, "slow-model");
    assert.equal(record.stop_reason, "end_turn");
  } finally {
    await close();
  }
});

for (const runtime of scriptRuntimes()) {
  Deno.test(`serve under ${runtime.name} ends streams still open when the shutdown grace ends with an overloaded_error event, logs each, exits 0`, async () => {
    const { proxy, response, logFile, close } = await openStream(
      hanging,
      "[limits]\nshutdown_grace_ms = 300",
      mainUnder(runtime),
    );
    const second = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-x",
        max_tokens: 10,
        stream: true,
        messages: [{ role: "user", content: "again" }],
      }),
    });
    try {
      proxy.process.kill("SIGTERM");
      const shutdownEvent = "event: error\ndata: " + JSON.stringify({
        type: "error",
        error: { type: "overloaded_error", message: "Proxy shutting down" },
      }) + "\n\n";
      for (const answer of [response, second]) {
        const text = await answer.text();
        assert.match(text, /"text":"never ends"/);
        assert.ok(
          text.endsWith(shutdownEvent),
          `${answer === response ? "first" : "second"}: ${text}`,
        );
      }
      assert.equal(await proxy.exited(), 0);
      assert.match(proxy.stdout.text, /up to 0\.3 s/);
      const records = (await Deno.readTextFile(logFile)).trim().split("\n").map((l) =>
        JSON.parse(l)
      ).filter((line) => line.event !== "start");
      assert.equal(records.length, 2, "each cut stream is logged");
      for (const record of records) {
        assert.equal(record.status, 200);
        assert.equal(record.error_type, "overloaded_error");
        assert.equal(record.error_message, "Proxy shutting down");
      }
    } finally {
      await second.body?.cancel().catch(() => {});
      await close();
    }
  });
}

Deno.test("serve exits at once with 130 on a second signal", async () => {
  const { proxy, close } = await openStream(hanging, "[limits]\nshutdown_grace_ms = 60000");
  try {
    proxy.process.kill("SIGTERM");
    await proxy.stdout.waitFor(/Shutting down/);
    assert.equal(await proxy.stop("SIGINT"), 130);
  } finally {
    await close();
  }
});

Deno.test("serve warns when bound beyond loopback without auth_token, and not with one", async () => {
  const mock = await startMockUpstream([]);
  try {
    for (
      const [config, warned] of [["", true], ['auth_token = "a-long-proxy-token"', false]] as const
    ) {
      const { proxy, close } = await serve(mock.url, { config, args: ["--host", "0.0.0.0"] });
      try {
        await proxy.stop("SIGTERM");
        const warning = /warning: listening on 0\.0\.0\.0 without auth_token/;
        assert.equal(warning.test(proxy.stdout.text), warned);
      } finally {
        await close();
      }
    }
  } finally {
    await mock.close();
  }
});

/** Sends GET `path` on an open keep-alive connection and returns the status line of the answer. */
async function askOn(conn: Deno.Conn, path: string): Promise<string> {
  await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`));
  let text = "";
  const buffer = new Uint8Array(4096);
  for (;;) {
    const head = text.indexOf("\r\n\r\n");
    const length = Number(text.match(/content-length: (\d+)/i)?.[1] ?? NaN);
    if (head >= 0 && text.length >= head + 4 + length) return text.split("\r\n")[0]!;
    const n = await conn.read(buffer);
    if (n === null) throw new Error(`Connection closed after: ${text}`);
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
}

/** Fetches `url` until it answers (the proxy may still be refusing connections); returns its status. */
async function fetchWhenAccepting(url: string): Promise<number> {
  for (let attempt = 0;; attempt++) {
    try {
      const response = await fetch(url, { headers: { connection: "close" } });
      await response.body?.cancel();
      return response.status;
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** `promise`, or a rejection naming `what` if it takes longer than `ms` (a guard, not a measure). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No ${what} after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const FILE_LIMIT = 64;

for (const runtime of scriptRuntimes()) {
  const command = withFileLimit(mainUnder(runtime), FILE_LIMIT);
  Deno.test({
    name: `serve under ${runtime.name} out of file descriptors keeps serving its connections, ` +
      "says so once, and takes new ones when descriptors free up",
    ignore: command === undefined,
    async fn() {
      const { proxy, close } = await serve("http://127.0.0.1:9", { command: command! });
      const port = Number(new URL(proxy.url).port);
      const connect = () => Deno.connect({ hostname: "127.0.0.1", port });
      const keep = await connect();
      const idle: Deno.Conn[] = [];
      try {
        assert.match(await askOn(keep, "/health"), /^HTTP\/1\.1 200/);
        for (let i = 0; i < FILE_LIMIT + 40; i++) {
          try {
            idle.push(await connect());
          } catch {
            break; // refused: the proxy stopped listening
          }
        }
        await within(proxy.stderr.waitFor(/Out of file descriptors/), 20_000, "the warning");
        assert.match(
          await askOn(keep, "/health"),
          /^HTTP\/1\.1 200/,
          "an open connection is served",
        );
        if (runtime.name === "deno") {
          await assert.rejects(
            fetch(`${proxy.url}/health`, { headers: { connection: "close" } }),
            "a new connection is refused",
          );
        }
        idle.splice(0).forEach((conn) => conn.close());
        assert.equal(await fetchWhenAccepting(`${proxy.url}/health`), 200);
        assert.match(await askOn(keep, "/health"), /^HTTP\/1\.1 200/);
        keep.close();
        assert.equal(await proxy.stop("SIGTERM"), 0);
        const warnings = proxy.stderr.text.split("\n").filter((l) => /file descriptors/.test(l));
        assert.equal(warnings.length, 1, proxy.stderr.text);
        assert.doesNotMatch(proxy.stderr.text, /Uncaught|unhandled/i);
      } finally {
        idle.forEach((conn) => conn.close());
        try {
          keep.close();
        } catch {
          // closed above
        }
        await close();
      }
    },
  });
}

Deno.test("serve's /metrics counts model names no rule maps under one label", async () => {
  const mock = await startMockUpstream(() =>
    new Response(
      JSON.stringify({
        id: "c1",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "hi" },
          finish_reason: "stop",
        }],
      }),
      { headers: { "content-type": "application/json" } },
    )
  );
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-serve-" });
  try {
    await Deno.writeTextFile(
      `${dir}/config.toml`,
      `[provider]\nname = "custom"\nbase_url = "${mock.url}"\n\n[models]\n"*sonnet*" = "gpt-4o"\n`,
    );
    const args = ["-c", `${dir}/config.toml`, "-p", "0", "--log-file", `${dir}/log.jsonl`];
    const proxy = await startProxyProcess(mainCommand(), { args });
    try {
      for (const model of ["claude-sonnet-4-5", "made-up-1", "made-up-2"]) {
        const response = await fetch(`${proxy.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model,
            max_tokens: 5,
            messages: [{ role: "user", content: "hi" }],
          }),
        });
        assert.equal(response.status, 200);
        await response.body?.cancel();
      }
      const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
      assert.match(metrics, /model="gpt-4o",status="200"\} 1\n/);
      assert.match(metrics, /model="other",status="200"\} 2\n/);
      assert.doesNotMatch(metrics, /made-up/);
    } finally {
      await proxy.stop("SIGKILL");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await mock.close();
  }
});

Deno.test("serve keeps serving without a request log when the log cannot be written", async () => {
  const mock = await startMockUpstream(() =>
    new Response(
      JSON.stringify({
        id: "c1",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "hi" },
          finish_reason: "stop",
        }],
      }),
      { headers: { "content-type": "application/json" } },
    )
  );
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-serve-" });
  try {
    await Deno.writeTextFile(
      `${dir}/config.toml`,
      `[provider]\nname = "custom"\nbase_url = "${mock.url}"\n\n[models]\n"*" = "gpt-4o"\n`,
    );
    // A directory that cannot be written (as root, where modes do not stop writes, a path under a
    // file cannot be created either).
    await Deno.mkdir(`${dir}/logs`);
    await Deno.chmod(`${dir}/logs`, 0o555);
    await Deno.writeTextFile(`${dir}/a-file`, "");
    const writable = await Deno.writeTextFile(`${dir}/logs/probe`, "").then(
      () => true,
      () => false,
    );
    const logFile = writable ? `${dir}/a-file/requests.jsonl` : `${dir}/logs/requests.jsonl`;
    const args = ["-c", `${dir}/config.toml`, "-p", "0", "--log-file", logFile];
    const proxy = await startProxyProcess(mainCommand(), { args });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${proxy.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "m",
            max_tokens: 5,
            messages: [{ role: "user", content: "hi" }],
          }),
        });
        assert.equal(response.status, 200);
        await response.body?.cancel();
      }
      assert.equal(await proxy.stop("SIGTERM"), 0);
      const output = proxy.stdout.text + proxy.stderr.text;
      const warnings = output.split("\n").filter((line) => line.includes("request log"));
      assert.equal(warnings.length, 1, output);
      assert.match(
        warnings[0]!,
        /^warning: Cannot open the request log ".+": .+; serving without a request log$/,
      );
    } finally {
      await proxy.stop("SIGKILL");
    }
  } finally {
    await Deno.chmod(`${dir}/logs`, 0o755);
    await Deno.remove(dir, { recursive: true });
    await mock.close();
  }
});
