// The shipped program end to end: start it, stream and run a tool round trip through it, stop it with SIGTERM.
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { countTokens } from "gpt-tokenizer";
import { MESSAGE_OVERHEAD_TOKENS, REQUEST_OVERHEAD_TOKENS } from "../../src/count_tokens/tokens.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { VERSION } from "../../src/version.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import {
  type MockUpstream,
  type RecordedRequest,
  sseResponse,
  startMockUpstream,
} from "../helpers/mock_upstream.ts";
import { startResettingUpstream } from "../helpers/resetting_upstream.ts";
import { WEATHER_TOOL, weatherBrain } from "../helpers/weather_brain.ts";
import {
  makeTempHome,
  type ProxyCommand,
  type RunningProxy,
  startProxyProcess,
  type Subject,
  subjects,
  type TempHome,
} from "./proxy_process.ts";

const NO_SIGTERM = Deno.build.os === "windows"
  ? "Windows has no SIGTERM to send to a child process"
  : undefined;

function configToml(upstreamUrl: string): string {
  return [
    "[provider]",
    'name = "custom"',
    `base_url = "${upstreamUrl}"`,
    'api_key = "sk-test-secret-key-123456"',
    "",
    "[models]",
    '"claude-test-sonnet" = "gpt-4o"',
    "",
  ].join("\n");
}

/** Starts a mock upstream and the proxy in a child process pointing at it; cleans both up. */
async function withProxy(
  command: ProxyCommand,
  handler: Parameters<typeof startMockUpstream>[0],
  fn: (ctx: { proxy: RunningProxy; mock: MockUpstream; home: TempHome }) => Promise<void>,
) {
  const home = await makeTempHome();
  const mock = await startMockUpstream(handler);
  let proxy: RunningProxy | undefined;
  try {
    const config = `${home.dir}/config.toml`;
    await Deno.writeTextFile(config, configToml(mock.url));
    proxy = await startProxyProcess(command, { args: ["-c", config, "-p", "0"], home });
    await fn({ proxy, mock, home });
  } finally {
    await proxy?.stop("SIGKILL");
    await mock.close();
    await home.remove();
  }
}

/** An OpenAI stream chunk from gpt-4o carrying `delta`. */
function chunk(delta: unknown, finishReason: string | null = null) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    model: "gpt-4o",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** Asks the proxy for a streamed answer to "hi". */
function streamHi(proxy: RunningProxy, signal?: AbortSignal): Promise<Response> {
  return fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "any" },
    body: JSON.stringify({
      model: "claude-test-sonnet",
      max_tokens: 50,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    }),
    signal: signal ?? null,
  });
}

function defineServeTests({ label, command }: Subject) {
  const test = (name: string, fn: (command: ProxyCommand) => Promise<void>, ignore?: string) =>
    Deno.test({
      name: `${label}: ${name}`,
      ignore: command === undefined || ignore !== undefined,
      fn: () => fn(command!),
    });

  test("prints the banner and answers /health with its version", async (command) => {
    await withProxy(command, fakeModel(weatherBrain), async ({ proxy }) => {
      assert.match(
        proxy.stdout.text,
        new RegExp(`claude-proxy ${VERSION.replaceAll(".", "\\.")} `),
      );
      assert.match(proxy.stdout.text, /claude-test-sonnet → custom\/gpt-4o/);
      const response = await fetch(`${proxy.url}/health`);
      const health = await response.json();
      assert.equal(health.status, "ok");
      assert.equal(health.version, VERSION);
      assert.match(health.config, /^[0-9a-f]{16}$/, "the config fingerprint");
    });
  });

  test("prints one line per finished request on stderr: models, status, tokens, duration", async (command) => {
    await withProxy(command, fakeModel(weatherBrain), async ({ proxy }) => {
      const client = new Anthropic({ baseURL: proxy.url, apiKey: "any", maxRetries: 0 });
      await client.messages.create({
        model: "claude-test-sonnet",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi" }],
      });
      // The line is written when the request's record is: a missing line fails after 10 s.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const [line] = await Promise.race([
        proxy.stderr.waitFor(/^.*claude-test-sonnet → custom:gpt-4o.*$/m),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no request line:\n${proxy.stderr.text}`)),
            10_000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      assert.match(
        line,
        /^\d\d:\d\d:\d\d {2}claude-test-sonnet → custom:gpt-4o +200 +\d+→\d+ tok +\d+ ms$/,
      );
      assert.doesNotMatch(
        proxy.stdout.text,
        /→ custom:gpt-4o +200/,
        "the banner's stdout stays clean",
      );
    });
  });

  test("counts tokens with the bundled tokenizer (count_tokens)", async (command) => {
    await withProxy(command, fakeModel(weatherBrain), async ({ proxy, mock }) => {
      const text = "Grüße, 世界! The cat's hat.";
      const response = await fetch(`${proxy.url}/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "any" },
        body: JSON.stringify({
          model: "claude-test-sonnet",
          messages: [{ role: "user", content: text }],
        }),
      });
      assert.equal(response.status, 200);
      const plain = { disallowedSpecial: new Set<string>() };
      const expected = REQUEST_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS + countTokens(text, plain);
      assert.deepEqual(await response.json(), { input_tokens: expected });
      assert.equal(mock.requests.length, 0, "counted locally, not upstream");
    });
  });

  test("refuses a schema nested 200,000 deep and counts a 400,000-letter run", async (command) => {
    await withProxy(command, fakeModel(weatherBrain), async ({ proxy, mock }) => {
      const post = (path: string, body: string) =>
        fetch(`${proxy.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": "any" },
          body,
        });
      const schema = (depth: number) =>
        '{"type":"object","properties":{"a":'.repeat(depth) + "{}" + "}}".repeat(depth);
      const request = (depth: number) =>
        `{"model":"claude-test-sonnet","max_tokens":9,"stream":true,` +
        `"messages":[{"role":"user","content":"hi"}],` +
        `"tools":[{"name":"t","input_schema":${schema(depth)}}]}`;
      for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
        const refused = await post(path, request(200_000));
        assert.equal(refused.status, 400, path);
        assert.match((await refused.json()).error.message, /nests deeper than \d+ levels/);
      }
      assert.equal(mock.requests.length, 0);
      const within = await post("/v1/messages", request(250));
      assert.equal(within.status, 200, "a schema 500 levels deep still goes through");
      await within.text();
      const counted = await post(
        "/v1/messages/count_tokens",
        JSON.stringify({
          model: "claude-test-sonnet",
          messages: [{ role: "user", content: "a".repeat(400_000) }],
        }),
      );
      const expected = REQUEST_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS + 50_000;
      assert.deepEqual(await counted.json(), { input_tokens: expected });
    });
  });

  test("two proxies on the default log file lose no record through its compactions", async (command) => {
    const home = await makeTempHome();
    const mock = await startMockUpstream(fakeModel(weatherBrain));
    const proxies: RunningProxy[] = [];
    try {
      const config = `${home.dir}/config.toml`;
      await Deno.writeTextFile(config, configToml(mock.url) + "\n[log]\nmax_entries = 40\n");
      for (let i = 0; i < 2; i++) {
        proxies.push(await startProxyProcess(command, { args: ["-c", config, "-p", "0"], home }));
      }
      const ask = async (proxy: RunningProxy, model: string) => {
        const response = await fetch(`${proxy.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": "any" },
          body: JSON.stringify({
            model,
            max_tokens: 50,
            messages: [{ role: "user", content: "hi" }],
          }),
        });
        assert.equal(response.status, 200);
        await response.body?.cancel();
      };
      const [a, b] = proxies as [RunningProxy, RunningProxy];
      // 121 records against a bound of 50 lines: compactions by both. The bound keeps far more
      // lines than one proxy's log can fall behind the other's (it writes between requests).
      const rounds = 60;
      for (let i = 0; i < rounds; i++) {
        await ask(a, `claude-test-sonnet-a${i}`);
        await ask(b, `claude-test-sonnet-b${i}`);
      }
      assert.equal(await a.stop("SIGTERM"), 0); // writes what it still holds, then exits
      await ask(b, `claude-test-sonnet-b${rounds}`);
      assert.equal(await b.stop("SIGTERM"), 0);
      const path = `${home.dir}/state/claude-proxy/requests.jsonl`;
      const text = await Deno.readTextFile(path);
      assert.ok(text.endsWith("\n"));
      const records = text.trimEnd().split("\n").map((line) => JSON.parse(line))
        .filter((line) => line.event !== "start"); // start lines are no records
      const models = records.map((record) => record.model as string);
      assert.ok(models.length >= 40 && models.length <= 50, `${models.length} lines`);
      for (const [name, last] of [["a", rounds - 1], ["b", rounds]] as const) {
        // The file keeps the newest lines: each proxy's last ones, in order, ending with its last.
        const mine = models.filter((m) => m.startsWith(`claude-test-sonnet-${name}`))
          .map((m) => Number(m.slice(`claude-test-sonnet-${name}`.length)));
        assert.deepEqual(mine, mine.map((_, i) => last - mine.length + 1 + i), models.join(" "));
        assert.ok(mine.length > 0, models.join(" "));
      }
    } finally {
      for (const proxy of proxies) await proxy.stop("SIGKILL");
      await mock.close();
      await home.remove();
    }
  });

  test("with retries = 0 sends a request once when the provider resets after reading it", async (command) => {
    const home = await makeTempHome();
    const upstream = await startResettingUpstream({
      id: "chatcmpl-1",
      object: "chat.completion",
      model: "gpt-4o",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 1 },
    });
    let proxy: RunningProxy | undefined;
    try {
      const config = `${home.dir}/config.toml`;
      await Deno.writeTextFile(config, configToml(upstream.url) + "\n[upstream]\nretries = 0\n");
      proxy = await startProxyProcess(command, { args: ["-c", config, "-p", "0"], home });
      const ask = (content: string) =>
        fetch(`${proxy!.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": "any" },
          body: JSON.stringify({
            model: "claude-test-sonnet",
            max_tokens: 50,
            messages: [{ role: "user", content }],
          }),
        });
      const first = await ask("first");
      assert.equal(first.status, 200, await first.clone().text());
      await first.body?.cancel();
      const second = await ask("second");
      assert.equal(second.status, 502);
      assert.equal((await second.json()).error.type, "api_error");
      const sent = upstream.bodies.map((body) => JSON.parse(body).messages[0].content);
      assert.deepEqual(sent, ["first", "second"], "the second request reached the provider once");
      assert.equal(upstream.connections(), 1, "on the connection the first one used");
    } finally {
      await proxy?.stop("SIGKILL");
      await upstream.close();
      await home.remove();
    }
  });

  test("streams a tool call and then answers the tool result (a round trip)", async (command) => {
    await withProxy(command, fakeModel(weatherBrain), async ({ proxy, mock }) => {
      const client = new Anthropic({ baseURL: proxy.url, apiKey: "any", maxRetries: 0 });
      const question = { role: "user" as const, content: "weather in Zürich?" };
      const first = await client.messages.stream({
        model: "claude-test-sonnet",
        max_tokens: 100,
        tools: [WEATHER_TOOL],
        messages: [question],
      }).finalMessage();
      assert.equal(first.stop_reason, "tool_use");
      assert.deepEqual(first.content.map((b) => b.type), ["text", "tool_use"]);
      const call = first.content[1];
      assert.ok(call?.type === "tool_use");
      assert.deepEqual(call.input, { city: "Zürich 東京" });

      const second = await client.messages.stream({
        model: "claude-test-sonnet",
        max_tokens: 100,
        tools: [WEATHER_TOOL],
        messages: [
          question,
          { role: "assistant", content: first.content },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: call.id, content: "sunny, 21°C" }],
          },
        ],
      }).finalMessage();
      const text = second.content.find((b) => b.type === "text");
      assert.equal(text?.type === "text" ? text.text : "", "The tool said: sunny, 21°C");
      assert.equal(second.stop_reason, "end_turn");

      const sent = mock.requests.map((r) => r.json<ChatCompletionRequest>());
      assert.equal(sent.length, 2);
      assert.ok(sent.every((r) => r.stream === true && r.model === "gpt-4o"));
      const tool = sent[1]!.messages.find((m) => m.role === "tool");
      assert.ok(tool?.role === "tool");
      assert.equal(tool.tool_call_id, "call_abc123");
      assert.equal(mock.requests[0]!.headers.authorization, "Bearer sk-test-secret-key-123456");
    });
  });

  test("cancels the upstream request when the client goes away mid-stream", async (command) => {
    let reached!: () => void;
    const upstreamReached = new Promise<void>((resolve) => (reached = resolve));
    const handler = (req: RecordedRequest) => {
      reached();
      const first = chunk({ role: "assistant", content: "Hel" });
      return sseResponse([first], { end: "hang", done: false, signal: req.signal });
    };
    await withProxy(command, handler, async ({ proxy, mock }) => {
      const client = new AbortController();
      const response = await streamHi(proxy, client.signal);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let seen = "";
      while (!seen.includes('"text":"Hel"')) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
      }
      assert.match(seen, /"text":"Hel"/);
      await upstreamReached;
      client.abort();
      await reader.cancel().catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), 10_000);
      });
      const outcome = await Promise.race([mock.requests[0]!.disconnected, limit]);
      clearTimeout(timer);
      assert.notEqual(outcome, "timeout", "the upstream request was not cancelled within 10 s");
      assert.equal(mock.requests[0]!.aborted, true);
    });
  });

  test("exits with code 0 on SIGTERM", async (command) => {
    await withProxy(command, fakeModel(weatherBrain), async ({ proxy }) => {
      const health = await fetch(`${proxy.url}/health`);
      await health.body?.cancel();
      assert.equal(health.status, 200);
      assert.equal(await proxy.stop("SIGTERM"), 0);
      assert.match(proxy.stdout.text, /Shutting down/);
    });
  }, NO_SIGTERM);

  test("lets a stream in flight finish after SIGTERM, then exits with 0", async (command) => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handler = (req: { signal: AbortSignal }) => {
      const encoder = new TextEncoder();
      const frame = (delta: unknown, finishReason: string | null = null) =>
        encoder.encode(`data: ${JSON.stringify(chunk(delta, finishReason))}\n\n`);
      const gone = new Promise<void>((resolve) =>
        req.signal.addEventListener("abort", () => resolve(), { once: true })
      );
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(frame({ role: "assistant", content: "Hel" }));
          await Promise.race([released, gone]);
          if (req.signal.aborted) return controller.close();
          controller.enqueue(frame({ content: "lo" }));
          controller.enqueue(frame({}, "stop"));
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    };
    await withProxy(command, handler, async ({ proxy }) => {
      const response = await streamHi(proxy);
      assert.equal(response.status, 200);
      const exited = proxy.stop("SIGTERM");
      await proxy.stdout.waitFor(/Shutting down/);
      release();
      const events = await response.text();
      assert.match(events, /"text":"Hel"/);
      assert.match(events, /"text":"lo"/);
      assert.match(events, /event: message_stop/);
      assert.equal(await exited, 0);
    });
  }, NO_SIGTERM);

  test("serves the dashboard from inside the program, live, feeds the status line, and stops with a page open", async (command) => {
    await withProxy(command, fakeModel(weatherBrain), async ({ proxy }) => {
      assert.match(proxy.stdout.text, /ui: +http:\/\/127\.0\.0\.1:\d+\/ui/);
      const page = await fetch(`${proxy.url}/ui`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script type="module" src="\/ui\/app\.js">/);
      for (const file of ["app.js", "charts.js", "app.css"]) {
        const response = await fetch(`${proxy.url}/ui/${file}`);
        assert.equal(response.status, 200, file);
        assert.ok((await response.text()).length > 1000, `${file} is the real file`);
      }
      const events = await fetch(`${proxy.url}/ui/api/events`);
      const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!text.includes("event: snapshot")) text += (await reader.read()).value;
      const answer = await fetch(`${proxy.url}/v1/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": "any",
          "x-claude-code-session-id": "session-binary-1",
        },
        body: JSON.stringify({
          model: "claude-test-sonnet",
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      await answer.body?.cancel();
      while (!text.includes("event: finished")) text += (await reader.read()).value;
      assert.match(text, /"upstream_model":"gpt-4o"/);
      // The status line command asks the running proxy for the session's totals.
      const statusline = new Deno.Command(command.program, {
        args: [...command.args, "statusline"],
        env: { ...command.env, ANTHROPIC_BASE_URL: proxy.url, NO_COLOR: "1" },
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const stdin = statusline.stdin.getWriter();
      await stdin.write(new TextEncoder().encode('{"session_id":"session-binary-1"}'));
      await stdin.close();
      const line = await statusline.output();
      assert.equal(line.code, 0, new TextDecoder().decode(line.stderr));
      assert.match(new TextDecoder().decode(line.stdout), /^gpt-4o · .* · 1 request\n$/);
      if (NO_SIGTERM) return await reader.cancel();
      // An open dashboard does not hold up shutdown: its stream ends and the program exits.
      const exited = proxy.stop("SIGTERM");
      while (!(await reader.read()).done) { /* until the proxy ends the stream */ }
      assert.equal(await exited, 0);
    });
  });
}

for (const subject of await subjects()) defineServeTests(subject);
