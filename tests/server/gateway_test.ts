// Key pools through the proxy: keys in turn, a 429 that rests a key, a refused key set aside and reported
// once, every key kept out of answers, logs and /health.
import assert from "node:assert/strict";
import { fakeAnthropicModel } from "../helpers/fake_anthropic_model.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { withGateway } from "../helpers/gateway_stack.ts";
import { jsonResponse, type MockHandler, type RecordedRequest } from "../helpers/mock_upstream.ts";

const KEYS = {
  KEY_1: "sk-pool-key-one-0000000001",
  KEY_2: "sk-pool-key-two-0000000002",
  KEY_3: "sk-pool-key-three-00000003",
};

const REQUEST = {
  model: "claude-sonnet-4-5",
  max_tokens: 100,
  messages: [{ role: "user", content: "hi" }],
};

/** A config with a key pool on provider `main` (of `preset`); the keys are given literally. */
function poolToml(preset = "openai", more = "") {
  return `
[providers.main]
name = "${preset}"
base_url = "{url:main}"
api_key = ${JSON.stringify(Object.values(KEYS))}
${more}
[models]
"*" = "pool-model"
[upstream]
retries = 0
`;
}

/** The key a request carried, by its label. */
function keyOf(request: RecordedRequest): string {
  const raw = (request.headers.authorization ?? request.headers["x-api-key"] ?? "").replace(
    /^Bearer /,
    "",
  );
  const found = Object.entries(KEYS).find(([, key]) => key === raw);
  return found ? found[0] : `unknown ${raw.slice(0, 6)}`;
}

/** Answers like `ok` unless `refuse` says what to answer for a key. */
function byKey(refuse: (label: string) => Response | undefined, ok: MockHandler): MockHandler {
  return (req, n) => refuse(keyOf(req)) ?? ok(req, n);
}

Deno.test("a key pool spreads requests over its keys in turn", async () => {
  await withGateway({
    providers: { main: fakeModel(() => ({ text: "ok" })) },
    toml: poolToml(),
  }, async ({ mocks, exchange }) => {
    for (let i = 0; i < 4; i++) assert.equal((await exchange(REQUEST)).response.status, 200);
    assert.deepEqual(mocks.main!.requests.map(keyOf), ["KEY_1", "KEY_2", "KEY_3", "KEY_1"]);
  });
});

Deno.test("a key pool sends a request whose key got a 429 again at once with the next key, and rests that key", async () => {
  const limited = () =>
    jsonResponse({ error: { message: "Rate limit reached", type: "requests" } }, 429, {
      "retry-after": "60",
    });
  await withGateway({
    providers: {
      main: byKey(
        (label) => label === "KEY_1" ? limited() : undefined,
        fakeModel(() => ({ text: "ok" })),
      ),
    },
    toml: poolToml(),
  }, async ({ mocks, proxy, exchange }) => {
    const first = await exchange(REQUEST);
    assert.equal(first.response.status, 200);
    assert.deepEqual(first.record.routing, ["key api_key #1 (main) 429: resting 60 s"]);
    assert.equal(first.record.retries, 0, "no wait and no retry of the same key");
    for (let i = 0; i < 3; i++) await exchange(REQUEST);
    assert.deepEqual(mocks.main!.requests.map(keyOf), [
      "KEY_1",
      "KEY_2",
      "KEY_3",
      "KEY_2",
      "KEY_3",
    ]);
    const health = await (await fetch(`${proxy.url}/health`)).json();
    assert.deepEqual(health.providers.main.keys, { total: 3, ready: 2, resting: 1, setAside: 0 });
  });
});

Deno.test("a key pool sets aside a key refused with 401, reports it once, and never prints it", async () => {
  const refused = () =>
    jsonResponse({
      error: {
        message: `Incorrect API key provided: ${KEYS.KEY_2}`,
        type: "invalid_request_error",
      },
    }, 401);
  await withGateway({
    providers: {
      main: byKey(
        (label) => label === "KEY_2" ? refused() : undefined,
        fakeModel(() => ({ text: "ok" })),
      ),
    },
    toml: poolToml(),
  }, async ({ mocks, proxy, warnings, exchange }) => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await exchange(REQUEST));
    assert.ok(answers.every((a) => a.response.status === 200));
    assert.deepEqual(mocks.main!.requests.map(keyOf), [
      "KEY_1",
      "KEY_2",
      "KEY_3",
      "KEY_1",
      "KEY_3",
    ]);
    assert.deepEqual(answers[1]!.record.routing, [
      "key api_key #2 (main) 401: set aside",
    ]);
    assert.equal(answers[2]!.record.routing, undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /provider "main" refused api_key #2 with 401: it is set aside/);
    const health = await (await fetch(`${proxy.url}/health`)).text();
    assert.match(health, /"setAside":1/);
    const everything = [
      ...warnings,
      health,
      JSON.stringify(proxy.records),
      ...answers.map((a) => a.text),
    ]
      .join("\n");
    for (const key of Object.values(KEYS)) {
      assert.ok(!everything.includes(key), "a key was printed");
    }
  });
});

Deno.test("a key pool answers with the provider's refusal, keys redacted, when every key is refused", async () => {
  const refused = (req: RecordedRequest) =>
    jsonResponse({
      type: "error",
      error: {
        type: "authentication_error",
        message: `invalid x-api-key ${req.headers["x-api-key"]}`,
      },
    }, 401);
  await withGateway({
    providers: { main: refused },
    toml: poolToml("anthropic"),
  }, async ({ mocks, warnings, proxy, exchange }) => {
    const { response, text } = await exchange(REQUEST);
    assert.equal(response.status, 401);
    assert.deepEqual(mocks.main!.requests.map(keyOf), ["KEY_1", "KEY_2", "KEY_3"]);
    assert.equal(warnings.length, 3);
    const everything = [text, ...warnings, JSON.stringify(proxy.records)].join("\n");
    for (const key of Object.values(KEYS)) {
      assert.ok(!everything.includes(key), "a key was printed");
    }
  });
});

Deno.test("a key pool puts its keys in an Anthropic-format provider's x-api-key", async () => {
  await withGateway({
    providers: { main: fakeAnthropicModel(() => ({ text: "ok" })) },
    toml: poolToml("anthropic"),
  }, async ({ mocks, exchange }) => {
    await exchange(REQUEST);
    await exchange(REQUEST);
    assert.deepEqual(mocks.main!.requests.map(keyOf), ["KEY_1", "KEY_2"]);
    assert.equal(mocks.main!.requests[0]!.headers.authorization, undefined);
  });
});

Deno.test("/health shows each provider's circuit and key counts, never a key", async () => {
  await withGateway({
    providers: { main: fakeModel(() => ({ text: "ok" })) },
    toml: poolToml(),
  }, async ({ proxy }) => {
    const health = await (await fetch(`${proxy.url}/health`)).json();
    assert.deepEqual(health.providers, {
      main: {
        circuit: { state: "closed", failures: 0 },
        keys: { total: 3, ready: 3, resting: 0, setAside: 0 },
      },
    });
  });
});

Deno.test("count_tokens spreads over a key pool and skips a key the pool set aside", async () => {
  const refused = () =>
    jsonResponse(
      { type: "error", error: { type: "authentication_error", message: "bad key" } },
      401,
    );
  await withGateway({
    providers: {
      main: byKey(
        (label) => label === "KEY_1" ? refused() : undefined,
        fakeAnthropicModel(() => ({ text: "ok" })),
      ),
    },
    toml: poolToml("anthropic"),
  }, async ({ mocks, proxy, warnings }) => {
    const count = () =>
      fetch(`${proxy.url}/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-sonnet-4-5", messages: REQUEST.messages }),
      });
    for (let i = 0; i < 3; i++) {
      const response = await count();
      assert.equal(response.status, 200);
      assert.ok((await response.json()).input_tokens > 0);
    }
    assert.deepEqual(mocks.main!.requests.map(keyOf), ["KEY_1", "KEY_2", "KEY_3", "KEY_2"]);
    assert.equal(warnings.length, 1);
  });
});
