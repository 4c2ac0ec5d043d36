// Fallback across providers of different formats: when it happens, what the next target gets, what the
// client and the log see, circuits that open and close, and the chain's deadline.
import assert from "node:assert/strict";
import { makeSignature, wrapSignature } from "../../src/translate/anthropic/signature.ts";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeAnthropicModel } from "../helpers/fake_anthropic_model.ts";
import { FAKE_GEMINI_KEY, fakeGeminiModel, geminiError } from "../helpers/fake_gemini_model.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { fakeResponsesModel } from "../helpers/fake_responses_model.ts";
import { withGateway } from "../helpers/gateway_stack.ts";
import { jsonResponse, type MockHandler, streamResponse } from "../helpers/mock_upstream.ts";

const REQUEST = {
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Say where you are." }],
};

const OVERLOADED = {
  type: "error",
  error: { type: "overloaded_error", message: "Overloaded" },
};

/** An OpenAI-format error answer. */
function openaiError(status: number, message = "The server had an error") {
  return () => jsonResponse({ error: { message, type: "server_error", code: null } }, status);
}

/** A config: a provider `main` of `format` that falls back to `backup`, every Claude model on `main`. */
function chainToml(
  main: { preset: string; extra?: string },
  backup: { preset: string; model: string; extra?: string },
  more = "",
) {
  return `
[providers.main]
name = "${main.preset}"
base_url = "{url:main}"
api_key = "sk-main-secret-key-0001"
fallback = ["${backup.model}@backup"]
${main.extra ?? ""}
[providers.backup]
name = "${backup.preset}"
base_url = "{url:backup}"
api_key = "${backup.preset === "gemini" ? FAKE_GEMINI_KEY : "sk-backup-secret-key-0002"}"
${backup.extra ?? ""}
[models]
"*" = "main-model@main"
[upstream]
retries = 0
ping_interval_ms = 60000
${more}`;
}

/** The text of an Anthropic answer, whole or streamed. */
function answerText(text: string): string {
  if (!text.startsWith("event:")) {
    const message = JSON.parse(text) as { content: Array<{ type: string; text?: string }> };
    return message.content.filter((b) => b.type === "text").map((b) => b.text).join("");
  }
  return text.split("\n").filter((line) => line.startsWith("data: ")).map((line) =>
    JSON.parse(line.slice(6))
  ).filter((event) => event.delta?.type === "text_delta").map((event) => event.delta.text).join(
    "",
  );
}

Deno.test("answerWithFallback sends a request its OpenAI provider fails with 503 to an Anthropic-format fallback", async () => {
  await withGateway({
    providers: {
      main: openaiError(503),
      backup: fakeAnthropicModel(() => ({ text: "Answered by the Anthropic fallback." })),
    },
    toml: chainToml({ preset: "openai" }, { preset: "anthropic", model: "claude-fallback" }),
  }, async ({ mocks, exchange }) => {
    for (const stream of [false, true]) {
      const { response, text, record } = await exchange({ ...REQUEST, stream });
      assert.equal(response.status, 200, text);
      assert.equal(answerText(text), "Answered by the Anthropic fallback.");
      assert.equal(record.status, 200);
      assert.equal(record.provider, "backup");
      assert.equal(record.upstream_model, "claude-fallback");
      assert.deepEqual(record.routing, [
        "fallback: main/main-model 503 overloaded → backup/claude-fallback",
      ]);
    }
    const sent = mocks.backup!.requests.map((r) => r.json<MessagesRequest>());
    assert.equal(sent.length, 2);
    assert.equal(sent[0]!.model, "claude-fallback");
    assert.deepEqual(
      sent[0]!.messages,
      REQUEST.messages,
      "the client's own message, in its format",
    );
    assert.equal(mocks.backup!.requests[0]!.headers["x-api-key"], "sk-backup-secret-key-0002");
  });
});

Deno.test("answerWithFallback sends a request its Anthropic provider finds overloaded to an OpenAI fallback, translated", async () => {
  await withGateway({
    providers: {
      main: () => jsonResponse(OVERLOADED, 529),
      backup: fakeModel(() => ({ text: "Answered by the Chat Completions fallback." })),
    },
    toml: chainToml({ preset: "anthropic" }, { preset: "openai", model: "gpt-fallback" }),
  }, async ({ mocks, exchange }) => {
    const { response, text, record } = await exchange({ ...REQUEST, stream: true });
    assert.equal(response.status, 200, text);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    assert.equal(answerText(text), "Answered by the Chat Completions fallback.");
    assert.match(
      text,
      /"model":"claude-sonnet-4-5"/,
      "the answer names the model the client asked for",
    );
    assert.deepEqual(record.routing, [
      "fallback: main/main-model 529 overloaded → backup/gpt-fallback",
    ]);
    const sent = mocks.backup!.requests[0]!.json<ChatCompletionRequest>();
    assert.equal(sent.model, "gpt-fallback");
    assert.equal(sent.messages.at(-1)?.content, "Say where you are.");
  });
});

Deno.test("answerWithFallback goes from a rate-limited Responses provider to a Gemini one", async () => {
  await withGateway({
    providers: {
      main: () =>
        jsonResponse({ error: { message: "Rate limit reached", type: "requests" } }, 429, {
          "retry-after": "30",
        }),
      backup: fakeGeminiModel(() => ({ text: "Answered by Gemini." })),
    },
    toml: chainToml({ preset: "openai-responses" }, {
      preset: "gemini",
      model: "gemini-2.5-flash",
      extra: 'format = "gemini"',
    }),
  }, async ({ mocks, exchange }) => {
    const { response, text, record } = await exchange(REQUEST);
    assert.equal(response.status, 200, text);
    assert.equal(answerText(text), "Answered by Gemini.");
    assert.equal(mocks.main!.requests.length, 1, "a 429 on the last try is not waited for");
    assert.match(mocks.backup!.requests[0]!.path, /gemini-2\.5-flash:generateContent/);
    assert.deepEqual(record.routing, [
      "fallback: main/main-model 429 → backup/gemini-2.5-flash",
    ]);
  });
});

Deno.test("answerWithFallback goes from an unavailable Gemini provider to a Responses one, streamed", async () => {
  await withGateway({
    providers: {
      main: () =>
        geminiError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
      backup: fakeResponsesModel(() => ({ text: "Answered by Responses." })),
    },
    toml: chainToml(
      { preset: "gemini", extra: 'format = "gemini"' },
      { preset: "openai-responses", model: "gpt-resp" },
    ).replace('api_key = "sk-main-secret-key-0001"', `api_key = "${FAKE_GEMINI_KEY}"`),
  }, async ({ mocks, exchange }) => {
    const { response, text, record } = await exchange({ ...REQUEST, stream: true });
    assert.equal(response.status, 200, text);
    assert.equal(answerText(text), "Answered by Responses.");
    assert.match(mocks.main!.requests[0]!.path, /main-model:streamGenerateContent/);
    assert.equal(mocks.backup!.requests[0]!.path, "/responses");
    assert.match(
      record.routing?.[0] ?? "",
      /^fallback: main\/main-model 503 overloaded → backup\/gpt-resp$/,
    );
  });
});

Deno.test("answerWithFallback falls back from a provider that cannot be reached", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  await withGateway({
    providers: { backup: fakeModel(() => ({ text: "Reached." })) },
    toml: chainToml({ preset: "openai" }, { preset: "openai", model: "gpt-fallback" })
      .replace("{url:main}", `http://127.0.0.1:${port}`),
  }, async ({ exchange }) => {
    const { response, text, record } = await exchange(REQUEST);
    assert.equal(response.status, 200, text);
    assert.equal(answerText(text), "Reached.");
    assert.match(
      record.routing?.[0] ?? "",
      /^fallback: main\/main-model 502 → backup\/gpt-fallback$/,
    );
  });
});

Deno.test("answerWithFallback falls back from a provider that does not answer within its timeout", async () => {
  const hang: MockHandler = (req) =>
    new Promise((resolve) =>
      req.signal.addEventListener("abort", () => resolve(new Response(null)))
    );
  await withGateway({
    providers: { main: hang, backup: fakeModel(() => ({ text: "In time." })) },
    toml: chainToml(
      { preset: "openai", extra: "timeout_ms = 100" },
      { preset: "openai", model: "gpt-fallback" },
    ),
  }, async ({ mocks, exchange }) => {
    const { response, text, record } = await exchange(REQUEST);
    assert.equal(response.status, 200, text);
    assert.equal(answerText(text), "In time.");
    assert.deepEqual(record.routing, [
      "fallback: main/main-model 504 timeout → backup/gpt-fallback",
    ]);
    await mocks.main!.requests[0]!.disconnected;
  });
});

Deno.test("answerWithFallback does not send a request the provider refused as invalid elsewhere", async () => {
  await withGateway({
    providers: {
      main: () =>
        jsonResponse(
          { error: { message: "Invalid 'max_tokens'", type: "invalid_request_error" } },
          400,
        ),
      backup: fakeModel(() => ({ text: "never" })),
    },
    toml: chainToml({ preset: "openai" }, { preset: "openai", model: "gpt-fallback" }),
  }, async ({ mocks, exchange }) => {
    const { response, record } = await exchange(REQUEST);
    assert.equal(response.status, 400);
    assert.equal(mocks.backup!.requests.length, 0);
    assert.equal(record.routing, undefined);
    assert.equal(record.provider, "main");
  });
});

Deno.test("answerWithFallback does not restart a stream that failed after it began", async () => {
  const broken: MockHandler = (req) =>
    streamResponse(
      [`data: ${
        JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: "Hal" } }] })
      }\n\n`],
      { signal: req.signal, end: "reset", headers: { "content-type": "text/event-stream" } },
    );
  await withGateway({
    providers: { main: broken, backup: fakeModel(() => ({ text: "never" })) },
    toml: chainToml({ preset: "openai" }, { preset: "openai", model: "gpt-fallback" }),
  }, async ({ mocks, exchange }) => {
    const { response, text, record } = await exchange({ ...REQUEST, stream: true });
    assert.equal(response.status, 200);
    assert.match(text, /Hal/);
    assert.match(text, /event: error/);
    assert.equal(mocks.backup!.requests.length, 0);
    assert.equal(record.provider, "main");
  });
});

Deno.test("answerWithFallback gives the fallback no thinking signed by another provider", async () => {
  const history = {
    ...REQUEST,
    thinking: { type: "enabled", budget_tokens: 2000 },
    messages: [
      { role: "user", content: "First question" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Made by main.", signature: makeSignature("main") },
          {
            type: "thinking",
            thinking: "Made by backup.",
            signature: wrapSignature("backup", "EqQBbackup"),
          },
          { type: "text", text: "First answer" },
        ],
      },
      { role: "user", content: "Second question" },
    ],
  };
  await withGateway({
    providers: { main: openaiError(500), backup: fakeAnthropicModel(() => ({ text: "ok" })) },
    toml: chainToml({ preset: "openai" }, { preset: "anthropic", model: "claude-fallback" }),
  }, async ({ mocks, exchange }) => {
    const { response, record } = await exchange(history);
    assert.equal(response.status, 200);
    const sent = mocks.backup!.requests[0]!.json<MessagesRequest>();
    const blocks = sent.messages[1]!.content as Array<Record<string, unknown>>;
    assert.deepEqual(blocks.map((b) => b.type), ["thinking", "text"]);
    assert.equal(blocks[0]!.thinking, "Made by backup.");
    assert.equal(blocks[0]!.signature, "EqQBbackup", "its own signature, unwrapped");
    assert.ok(
      record.changes?.includes('dropped 1 thinking block signed by "main"'),
      String(record.changes),
    );
  });
});

Deno.test("answerWithFallback opens a failing provider's circuit, skips it, then probes it after the cool-down", async () => {
  const clock = { now: Date.now() };
  let mainUp = false;
  await withGateway({
    providers: {
      main: (req) => mainUp ? fakeModel(() => ({ text: "main is back" }))(req) : openaiError(503)(),
      backup: fakeModel(() => ({ text: "backup" })),
    },
    toml: chainToml(
      { preset: "openai" },
      { preset: "openai", model: "gpt-fallback" },
      "circuit_failures = 2\ncircuit_cooldown_ms = 30000",
    ),
    deps: { now: () => clock.now },
  }, async ({ mocks, proxy, warnings, exchange }) => {
    const health = async () => (await (await fetch(`${proxy.url}/health`)).json()).providers.main;
    await exchange(REQUEST);
    const second = await exchange(REQUEST);
    assert.deepEqual(second.record.routing, [
      "circuit opened: main (2 times in a row; skipped 30 s)",
      "fallback: main/main-model 503 overloaded → backup/gpt-fallback",
    ]);
    assert.deepEqual(warnings, [
      'claude-proxy: provider "main" failed 2 times in a row: skipped for 30 s while another target is left',
    ]);
    assert.deepEqual(await health(), {
      circuit: { state: "open", failures: 2, retryInMs: 30_000 },
    });
    const skipped = await exchange(REQUEST);
    assert.equal(answerText(skipped.text), "backup");
    assert.deepEqual(skipped.record.routing, [
      "circuit open: main/main-model skipped (30 s left)",
    ]);
    assert.equal(skipped.record.provider, "backup", "the record names the target that answered");
    assert.equal(skipped.record.upstream_model, "gpt-fallback");
    assert.equal(mocks.main!.requests.length, 2, "the open circuit sent nothing to main");
    clock.now += 30_000;
    mainUp = true;
    const probe = await exchange(REQUEST);
    assert.equal(answerText(probe.text), "main is back");
    assert.equal(probe.record.routing, undefined);
    assert.deepEqual(await health(), { circuit: { state: "closed", failures: 0 } });
  });
});

Deno.test("answerWithFallback tries the last target even when its circuit is open", async () => {
  await withGateway({
    providers: { main: openaiError(503), backup: openaiError(502, "Bad gateway") },
    toml: chainToml(
      { preset: "openai" },
      { preset: "openai", model: "gpt-fallback" },
      "circuit_failures = 1",
    ),
  }, async ({ mocks, exchange }) => {
    await exchange(REQUEST);
    const { response, record } = await exchange(REQUEST);
    assert.equal(response.status, 502);
    assert.equal(mocks.backup!.requests.length, 2, "the last target is always tried");
    assert.deepEqual(
      record.routing?.[0],
      "circuit open: main/main-model skipped (30 s left)",
    );
    assert.equal(record.error_type, "api_error");
  });
});

Deno.test("answerWithFallback ends a chain that does not start answering within deadline_ms with a 504", async () => {
  const hang: MockHandler = (req) =>
    new Promise((resolve) =>
      req.signal.addEventListener("abort", () => resolve(new Response(null)))
    );
  await withGateway({
    providers: { main: hang, backup: fakeModel(() => ({ text: "too late" })) },
    toml: chainToml(
      { preset: "openai", extra: "timeout_ms = 60000" },
      { preset: "openai", model: "gpt-fallback" },
      "deadline_ms = 150",
    ),
  }, async ({ mocks, exchange }) => {
    const { response, text, record } = await exchange(REQUEST);
    assert.equal(response.status, 504);
    assert.match(
      JSON.parse(text).error.message,
      /No provider started answering within 0\.15 s, fallbacks included/,
    );
    assert.equal(record.error_type, "timeout_error");
    assert.equal(mocks.backup!.requests.length, 0);
  });
});

Deno.test("answerWithFallback gives the last target the same request it would get alone, after two others translated it", async () => {
  const turn = JSON.parse(
    Deno.readTextFileSync(
      new URL(
        "../fixtures/claude-code/tool-search-second-turn-2.1.337.request.json",
        import.meta.url,
      ),
    ),
  );
  const body = { ...turn.body, stream: false };
  const toml = (chain: string) => `
[providers.chat]
name = "openai"
base_url = "{url:chat}"
api_key = "sk-chat-key-00000001"
fallback = ${chain}
[providers.gem]
name = "gemini"
format = "gemini"
base_url = "{url:gem}"
api_key = "${FAKE_GEMINI_KEY}"
[providers.resp]
name = "openai-responses"
base_url = "{url:resp}"
api_key = "sk-resp-key-00000002"
[providers.claude]
name = "anthropic"
base_url = "{url:claude}"
api_key = "sk-claude-key-0000003"
[models]
"*" = "first@chat"
[upstream]
retries = 0
`;
  for (const last of ["resp", "claude"]) {
    const answer = last === "resp"
      ? fakeResponsesModel(() => ({ text: "done" }))
      : fakeAnthropicModel(() => ({ text: "done" }));
    const providers = {
      chat: openaiError(503),
      gem: openaiError(503),
      resp: answer,
      claude: answer,
    };
    const direct = await withGateway({
      providers,
      toml: toml("[]").replace(`"*" = "first@chat"`, `"*" = "last-model@${last}"`),
    }, async ({ mocks, exchange }) => {
      assert.equal((await exchange(body)).response.status, 200);
      return mocks[last]!.requests[0]!.body;
    });
    const chained = await withGateway({
      providers,
      toml: toml(`["g@gem", "last-model@${last}"]`),
    }, async ({ mocks, exchange }) => {
      const { response, record } = await exchange(body);
      assert.equal(response.status, 200);
      assert.equal(record.routing?.length, 2);
      assert.equal(mocks.gem!.requests.length, 1, "gemini translated it and failed");
      return mocks[last]!.requests[0]!.body;
    });
    assert.equal(chained, direct, `${last} got another request after the fallbacks`);
  }
});
