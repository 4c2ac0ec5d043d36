import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCli } from "../../src/cli.ts";
import { pingModel, runCheck } from "../../src/commands/check.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { jsonResponse, startMockUpstream } from "../helpers/mock_upstream.ts";
import { makeSandbox } from "../cli/sandbox.ts";

const SECRET = "sk-check-secret-0123456789";

async function checkWith(configText: string, argv: string[] = []) {
  const root = await Deno.makeTempDir({ prefix: "claude-proxy-check-" });
  try {
    const path = join(root, "config.toml");
    mkdirSync(root, { recursive: true });
    writeFileSync(path, configText);
    const lines: string[] = [];
    const code = await runCheck(parseCli(["check", "-c", path, ...argv]), {
      env: {},
      platform: "linux",
      cwd: root,
      home: root,
      managedPaths: [],
      openCodeAuthPath: null,
      write: (text) => lines.push(text),
      pingTimeoutMs: 5000,
    });
    return { code, output: lines.join("\n"), path };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("runCheck exits 0 when every provider has its key, 1 when one is missing", async () => {
  const ok = await checkWith(`[provider]\nname = "deepseek"\napi_key = "${SECRET}"\n`);
  assert.equal(ok.code, 0);
  assert.match(ok.output, /key: present \(.*config\.toml:3\)/);
  assert.doesNotMatch(ok.output, new RegExp(SECRET));
  const missing = await checkWith(`[provider]\nname = "mistral"\n`);
  assert.equal(missing.code, 1);
  assert.match(missing.output, /key: missing: set MISTRAL_API_KEY/);
});

Deno.test("pingModel prefers a haiku route to the provider, then any route to it", () => {
  const config = resolveConfig({
    cli: {},
    env: {},
    file: {
      providers: { a: { name: "ollama" }, b: { name: "lmstudio" } },
      models: { "*opus*": "big@a", "*haiku*": "small@a", "*": "other@b" },
    },
    source: "c.toml",
  });
  assert.equal(pingModel(config, config.providers.a!), "small");
  assert.equal(pingModel(config, config.providers.b!), "other");
});

Deno.test("runCheck --ping sends a one-token request to each provider and reports what came back", async () => {
  const mock = await startMockUpstream((request) => {
    const body = request.json<{ model: string; max_tokens?: number }>();
    if (request.path.startsWith("/bad/")) {
      return jsonResponse({ error: { message: `Incorrect API key provided: ${SECRET}` } }, 401);
    }
    return jsonResponse({
      id: "c1",
      object: "chat.completion",
      model: body.model,
      choices: [{
        index: 0,
        message: { role: "assistant", content: "OK" },
        finish_reason: "length",
      }],
      usage: { prompt_tokens: 3, completion_tokens: body.max_tokens ?? 0, total_tokens: 4 },
    });
  });
  try {
    const result = await checkWith(
      `[providers.good]
name = "custom"
base_url = "${mock.url}/good/v1"
api_key = "sk-good"

[providers.bad]
name = "custom"
base_url = "${mock.url}/bad/v1"
api_key = "${SECRET}"

[models]
"*haiku*" = "fast-model@good"
"*" = "other-model@bad"
`,
      ["--ping"],
    );
    assert.equal(result.code, 1, "a failed ping fails the check");
    assert.match(
      result.output,
      /^ {2}good fast-model: ok: HTTP 200 in \d+ ms: model "fast-model" answered "OK"$/m,
    );
    assert.match(
      result.output,
      /^ {2}bad other-model: failed: HTTP 401 in \d+ ms: Incorrect API key provided: \[REDACTED\]$/m,
    );
    assert.doesNotMatch(result.output, new RegExp(SECRET));
    const good = mock.requests.find((r) => r.path === "/good/v1/chat/completions")!;
    assert.deepEqual(good.json(), {
      model: "fast-model",
      messages: [{ role: "user", content: "Reply with OK" }],
      max_tokens: 1,
    });
    assert.equal(good.headers.authorization, "Bearer sk-good");
  } finally {
    await mock.close();
  }
});

Deno.test("runCheck --ping redacts keys with the log's redaction, leaving words that contain a short key alone", async () => {
  // A short key ("k") is no secret worth hunting in text: "mock-small" stays as the provider wrote it.
  const mock = await startMockUpstream((request) =>
    jsonResponse({
      id: "c1",
      object: "chat.completion",
      model: request.json<{ model: string }>().model,
      choices: [{ index: 0, message: { role: "assistant", content: "OK" }, finish_reason: "stop" }],
    })
  );
  try {
    const result = await checkWith(
      `[provider]\nname = "custom"\nbase_url = "${mock.url}/v1"\napi_key = "k"\n` +
        `[models]\n"*" = "mock-small"\n`,
      ["--ping"],
    );
    assert.match(
      result.output,
      /custom mock-small: ok: HTTP 200 in \d+ ms: model "mock-small" answered "OK"/,
    );
    assert.doesNotMatch(result.output, /\[key\]|\[REDACTED\]/);
  } finally {
    await mock.close();
  }
});

Deno.test("runCheck --ping also runs one search on the [web_search] backend", async () => {
  const SEARCH_KEY = "BSA-search-secret-987654321";
  const mock = await startMockUpstream((request) => {
    if (request.path.startsWith("/ok/")) {
      return jsonResponse({
        web: { results: [{ title: "claude-proxy", url: "https://github.com/x/claude-proxy" }] },
      });
    }
    if (request.path.startsWith("/refused/")) {
      return jsonResponse({ error: `bad token ${SEARCH_KEY}` }, 401);
    }
    return jsonResponse({
      id: "c1",
      object: "chat.completion",
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "OK" }, finish_reason: "stop" }],
    });
  });
  const config = (path: string) =>
    `[provider]\nname = "custom"\nbase_url = "${mock.url}/v1"\napi_key = "sk-x"\n` +
    `[models]\n"*" = "m"\n` +
    `[web_search]\nbackend = "brave"\nbase_url = "${mock.url}/${path}"\napi_key = "${SEARCH_KEY}"\n`;
  try {
    const ok = await checkWith(config("ok"), ["--ping"]);
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /^ {2}web search \(brave\): ok, 1 result in \d+ ms$/m);
    const search = mock.requests.find((r) => r.path.startsWith("/ok/"))!;
    assert.equal(new URL(search.path, "http://x").searchParams.get("q"), "claude-proxy");
    assert.equal(search.headers["x-subscription-token"], SEARCH_KEY);
    const refused = await checkWith(config("refused"), ["--ping"]);
    assert.equal(refused.code, 1, "a failed search fails the check");
    assert.match(refused.output, /^ {2}web search \(brave\): unavailable: .+$/m);
    assert.doesNotMatch(refused.output, new RegExp(SEARCH_KEY));
  } finally {
    await mock.close();
  }
});

Deno.test("runCheck --ping reports a provider that cannot be reached", async () => {
  const result = await checkWith(
    `[provider]\nname = "custom"\nbase_url = "http://127.0.0.1:1/v1"\n[models]\n"*" = "m"\n`,
    ["--ping"],
  );
  assert.equal(result.code, 1);
  assert.match(result.output, /^ {2}custom m: failed: .+$/m);
});

Deno.test("runCheck --ping reports a 200 whose JSON has an odd shape as ok, saying what came", async () => {
  const answers: Array<[string, RegExp]> = [
    ["null", /ok: HTTP 200 in \d+ ms: null$/m],
    ['{"output":{"content":[]}}', /ok: HTTP 200 in \d+ ms: the model answered$/m],
  ];
  for (const [answer, said] of answers) {
    const mock = await startMockUpstream(() =>
      new Response(answer, { headers: { "content-type": "application/json" } })
    );
    try {
      const result = await checkWith(
        `[provider]\nname = "custom"\nbase_url = "${mock.url}/v1"\n[models]\n"*" = "m"\n`,
        ["--ping"],
      );
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, said);
    } finally {
      await mock.close();
    }
  }
});

Deno.test("claude-proxy check prints the resolved routes and key status, never the key", async () => {
  await using box = await makeSandbox();
  const result = await box.run(["check", "--provider", "deepseek"], {
    env: {
      DEEPSEEK_API_KEY: SECRET,
      OPENAI_API_KEY: "sk-other-secret",
      BIG_MODEL: "deepseek-reasoner",
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Config: \(no file\)$/m);
  assert.match(result.stdout, /^ {2}\*opus\* +→ deepseek\/deepseek-reasoner +env BIG_MODEL$/m);
  assert.match(result.stdout, /^ {2}deepseek \(default\): preset deepseek, openai format$/m);
  assert.match(result.stdout, /^ {2}openai: preset openai, openai format$/m);
  assert.doesNotMatch(result.stdout + result.stderr, /sk-check-secret|sk-other-secret/);
});

Deno.test("runCheck --ping sends a Responses-format provider a 16-token /responses request", async () => {
  const mock = await startMockUpstream((request) =>
    jsonResponse({
      id: "resp_1",
      object: "response",
      status: "incomplete",
      model: request.json<{ model: string }>().model,
      error: null,
      output: [{
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "OK", annotations: [] }],
      }],
    })
  );
  try {
    const result = await checkWith(
      `[providers.openai]
format = "openai-responses"
base_url = "${mock.url}/v1"
api_key = "sk-good"

[models]
"*" = "gpt-5.2@openai"
`,
      ["--ping"],
    );
    assert.equal(result.code, 0, result.output);
    assert.match(
      result.output,
      /^ {2}openai gpt-5\.2: ok: HTTP 200 in \d+ ms: model "gpt-5\.2" answered "OK"$/m,
    );
    const sent = mock.requests.find((r) => r.path === "/v1/responses")!;
    assert.deepEqual(sent.json(), {
      model: "gpt-5.2",
      input: "Reply with OK",
      max_output_tokens: 16,
      store: false,
    });
  } finally {
    await mock.close();
  }
});

Deno.test("runCheck --ping asks a Gemini-format provider's generateContent with the key in x-goog-api-key", async () => {
  const mock = await startMockUpstream(() =>
    jsonResponse({
      candidates: [{
        content: { role: "model", parts: [{ text: "hm", thought: true }, { text: "OK" }] },
        finishReason: "STOP",
      }],
      modelVersion: "gemini-2.5-flash",
    })
  );
  try {
    const result = await checkWith(
      `[providers.gemini]
format = "gemini"
base_url = "${mock.url}"
api_key = "AIza-good"

[models]
"*" = "gemini-2.5-flash"
`,
      ["--ping"],
    );
    assert.equal(result.code, 0, result.output);
    assert.match(
      result.output,
      /^ {2}gemini gemini-2\.5-flash: ok: HTTP 200 in \d+ ms: model "gemini-2\.5-flash" answered "OK"$/m,
    );
    const sent = mock.requests[0]!;
    assert.equal(sent.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert.equal(sent.headers["x-goog-api-key"], "AIza-good");
    assert.deepEqual(sent.json(), {
      contents: [{ role: "user", parts: [{ text: "Reply with OK" }] }],
      generationConfig: { maxOutputTokens: 16 },
    });
  } finally {
    await mock.close();
  }
});

Deno.test("runCheck shows the web search backend and where its key came from, never the key", async () => {
  const searchKey = "tvly-check-secret-0123456789";
  const result = await checkWith(
    `[provider]\nname = "deepseek"\napi_key = "${SECRET}"\n\n` +
      `[web_search]\nbackend = "tavily"\napi_key = "${searchKey}"\nmax_results = 3\n`,
  );
  assert.equal(result.code, 0);
  assert.match(
    result.output,
    /^Web search: tavily at https:\/\/api\.tavily\.com, key present \(.*config\.toml:7\), max_results 3, timeout 15000 ms$/m,
  );
  assert.doesNotMatch(result.output, new RegExp(`${SECRET}|${searchKey}`));
  const bare = await checkWith(`[provider]\nname = "deepseek"\napi_key = "${SECRET}"\n`);
  assert.match(bare.output, /^Web search: not set up/m);
});

Deno.test("runCheck refuses a web search backend without its key, naming the variable", async () => {
  await assert.rejects(
    checkWith(
      `[provider]\nname = "deepseek"\napi_key = "${SECRET}"\n\n[web_search]\nbackend = "brave"\n`,
    ),
    (err: Error) => {
      assert.match(
        err.message,
        /config\.toml:6: \[web_search\] backend "brave" needs a key: set BRAVE_API_KEY or api_key/,
      );
      return true;
    },
  );
});
