// What `check` says of routing like a gateway: the router rules in order, fallback chains, the circuit
// breaker, key pools (counts, never keys), and the circuits and keys of the proxy that runs.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCli } from "../../src/cli.ts";
import { runCheck } from "../../src/commands/check.ts";
import { describeGateway } from "../../src/commands/describe_gateway.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { tomlConfig, withGateway } from "../helpers/gateway_stack.ts";
import { jsonResponse } from "../helpers/mock_upstream.ts";

const KEY_A = "sk-check-pool-key-aaaaaaaa";
const KEY_B = "sk-check-pool-key-bbbbbbbb";

const TOML = `
[providers.main]
name = "openai"
base_url = "{url:main}"
api_key_env = ["KEY_A", "KEY_B"]
fallback = ["backup-model@backup"]
[providers.backup]
name = "deepseek"
base_url = "{url:backup}"
api_key = "sk-check-backup-key-0000"
[models]
"*" = "main-model@main"
[model_options.main-model]
fallback = ["main-mini", "backup-model@backup"]
[router]
think = "thinker@backup"
background = "cheap@backup"
long_context = "wide@main"
long_context_tokens = 150000
[upstream]
retries = 0
circuit_failures = 1
`;

/** Runs `check` on `toml` (with the pool's keys in the environment), its fetch going to the real network. */
async function check(toml: string, argv: string[] = []) {
  const root = await Deno.makeTempDir({ prefix: "claude-proxy-check-gw-" });
  try {
    const path = join(root, "config.toml");
    mkdirSync(root, { recursive: true });
    writeFileSync(path, toml);
    const lines: string[] = [];
    const code = await runCheck(parseCli(["check", "-c", path, ...argv]), {
      env: { KEY_A, KEY_B },
      platform: "linux",
      cwd: root,
      home: root,
      managedPaths: [],
      openCodeAuthPath: null,
      write: (text) => lines.push(text),
    });
    return { code, output: lines.join("\n") };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("describeGateway lists the rules in the order they apply, the chains, the breaker and the pools", () => {
  const toml = TOML.replace("{url:main}", "http://m.test").replace("{url:backup}", "http://b.test");
  const text = describeGateway(tomlConfig(toml, { KEY_A, KEY_B }));
  const lines = text.split("\n").map((line) => line.trimEnd());
  const rules = lines.filter((line) => /^ {2}(long_context|background|think) /.test(line));
  assert.deepEqual(rules.map((line) => line.trim().split(/\s+/)[0]), [
    "long_context",
    "background",
    "think",
  ]);
  assert.match(text, /long_context +→ main\/wide +input over 150k tokens/);
  assert.match(text, /main \(any model\) +→ backup\/backup-model/);
  assert.match(
    text,
    /main-model \(model_options\) → main-mini \(same provider\) → backup\/backup-model/,
  );
  assert.match(text, /fails 1 requests in a row is skipped for 30 s/);
  assert.match(text, /main: 2 keys \(KEY_A, KEY_B\)/);
});

Deno.test("describeGateway says nothing for a config without router, fallbacks or pools", () => {
  assert.equal(describeGateway(tomlConfig(`[providers.openai]\napi_key = "sk-x"\n`, {})), "");
});

Deno.test("runCheck shows the running proxy's open circuit and its key counts, never a key", async () => {
  await withGateway({
    providers: {
      main: () => jsonResponse({ error: { message: "down" } }, 503),
      backup: fakeModel(() => ({ text: "ok" })),
    },
    toml: TOML,
    env: { KEY_A, KEY_B },
  }, async ({ mocks, proxy, exchange }) => {
    const { record } = await exchange({
      model: "claude-sonnet-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.match(record.routing?.join("\n") ?? "", /circuit opened: main/);
    const port = new URL(proxy.url).port;
    const toml = `port = ${port}\n` +
      TOML.replace("{url:main}", mocks.main!.url).replace("{url:backup}", mocks.backup!.url);
    const { code, output } = await check(toml);
    assert.equal(code, 0, output);
    assert.match(output, /key: a pool of 2 keys \(env KEY_A, env KEY_B\)/);
    assert.match(output, new RegExp(`Running proxy at http://127\\.0\\.0\\.1:${port}:`));
    assert.match(output, /main: circuit open \(1 failure; 30 s left\); keys: 2 of 2 ready/);
    assert.match(output, /backup: circuit closed/);
    for (const key of [KEY_A, KEY_B]) assert.ok(!output.includes(key), "a key was printed");
  });
});

Deno.test("runCheck says when no proxy runs at the configured address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const toml = `port = ${port}\n` +
    TOML.replace("{url:main}", "http://m.test").replace("{url:backup}", "http://b.test");
  const { output } = await check(toml);
  assert.match(output, new RegExp(`Running proxy: none answers at http://127\\.0\\.0\\.1:${port}`));
});

Deno.test("runCheck --ping pings each key of a pool on its own, naming the key by its variable", async () => {
  await withGateway({
    providers: {
      main: (req) =>
        req.headers.authorization === `Bearer ${KEY_B}`
          ? jsonResponse({ error: { message: "Incorrect API key provided" } }, 401)
          : fakeModel(() => ({ text: "OK" }))(req),
      backup: fakeModel(() => ({ text: "OK" })),
    },
    toml: TOML,
    env: { KEY_A, KEY_B },
  }, async ({ mocks, proxy }) => {
    const port = new URL(proxy.url).port;
    const toml = `port = ${port}\n` +
      TOML.replace("{url:main}", mocks.main!.url).replace("{url:backup}", mocks.backup!.url);
    const { code, output } = await check(toml, ["--ping"]);
    assert.equal(code, 1, "a refused key fails the check");
    assert.match(output, /main \(KEY_A\) main-model: ok: HTTP 200/);
    assert.match(
      output,
      /main \(KEY_B\) main-model: failed: HTTP 401 .*Incorrect API key provided/,
    );
    assert.match(output, /backup cheap: ok/);
    for (const key of [KEY_A, KEY_B]) assert.ok(!output.includes(key), "a key was printed");
  });
});
