// What each request's log record says besides its outcome: cost at the route's prices (cache reads
// and writes apart), Claude Code's session and agent ids, and the time to the first token.
import assert from "node:assert/strict";
import type { Config } from "../../src/config/schema.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import { configFromToml } from "../helpers/proxy.ts";

/** Runs one request through the app against `upstream`; resolves with its log record. */
async function record(
  config: Config,
  upstream: (request: Request) => Response,
  init: { stream?: boolean; model?: string; headers?: Record<string, string> } = {},
): Promise<RequestLogRecord> {
  const written: RequestLogRecord[] = [];
  let clock = 1_000;
  let ids = 0;
  const app = createApp({
    config,
    logger: { write: (r) => written.push(r), close: () => Promise.resolve() },
    fetch: (input, options) => Promise.resolve(upstream(new Request(input, options))),
    // Each reading of the clock is 10 ms later: durations are ordered, not measured.
    now: () => (clock += 10),
    newId: (prefix) => `${prefix}${++ids}`,
  });
  const response = await app.request("http://127.0.0.1:4222/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify({
      model: init.model ?? "claude-sonnet-4-5",
      max_tokens: 100,
      stream: init.stream ?? false,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  assert.equal(response.status, 200);
  await response.text();
  assert.equal(written.length, 1);
  return written[0]!;
}

function openaiConfig(extra = ""): Config {
  return configFromToml(
    `[provider]\nname = "custom"\nbase_url = "http://upstream.test/v1"\napi_key = "sk-test-0123456789"\n` +
      `[models]\n"*sonnet*" = "my-model"\n${extra}`,
  );
}

const PRICED = `[model_options."my-model"]\nprice = { input = 2, output = 8, cache_read = 0.5 }\n`;

function completion(usage: unknown) {
  return Response.json({
    id: "c1",
    choices: [{ index: 0, message: { role: "assistant", content: "pong" }, finish_reason: "stop" }],
    usage,
  });
}

Deno.test("a record carries its cost at the [model_options] price, cache reads apart", async () => {
  const r = await record(
    openaiConfig(PRICED),
    () =>
      completion({
        prompt_tokens: 11_000,
        completion_tokens: 500,
        prompt_tokens_details: { cached_tokens: 10_000 },
      }),
  );
  assert.equal(r.input_tokens, 1_000);
  assert.equal(r.cached_tokens, 10_000);
  assert.equal(r.output_tokens, 500);
  // 1000 × 2 + 500 × 8 + 10000 × 0.5, per million
  assert.equal(r.cost_usd, 0.011);
  assert.equal(r.ttft_ms, undefined, "a whole answer has no first token of its own");
});

Deno.test("a record has no cost when no price is known for its model", async () => {
  const r = await record(
    openaiConfig(),
    () => completion({ prompt_tokens: 10, completion_tokens: 2 }),
  );
  assert.equal(r.input_tokens, 10);
  assert.equal("cost_usd" in r, false);
});

Deno.test("a translated stream's record has its time to first token and its cost", async () => {
  const chunk = (delta: unknown, finish: string | null = null, usage?: unknown) =>
    `data: ${
      JSON.stringify({
        id: "c1",
        model: "my-model",
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...(usage ? { usage } : {}),
      })
    }\n\n`;
  const body = chunk({ role: "assistant", content: "po" }) + chunk({ content: "ng" }) +
    chunk({}, "stop", { prompt_tokens: 100, completion_tokens: 20 }) + "data: [DONE]\n\n";
  const r = await record(
    openaiConfig(PRICED),
    () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    { stream: true },
  );
  assert.equal(r.stream, true);
  assert.ok(r.ttft_ms !== undefined && r.ttfb_ms !== undefined);
  assert.ok(r.ttfb_ms <= r.ttft_ms && r.ttft_ms <= r.total_ms, JSON.stringify(r));
  assert.equal(r.cost_usd, (100 * 2 + 20 * 8) / 1e6);
});

Deno.test("a passthrough stream's record has cache writes apart, the catalog's price and its first token", async () => {
  const config = configFromToml(
    `[provider]\nname = "anthropic"\nbase_url = "http://upstream.test"\napi_key = "sk-ant-test-0123456789"\n`,
  );
  const events = [
    ["message_start", {
      type: "message_start",
      message: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-opus-4-8",
        content: [],
        stop_reason: null,
        usage: {
          input_tokens: 10,
          output_tokens: 1,
          cache_read_input_tokens: 20_000,
          cache_creation_input_tokens: 4_000,
        },
      },
    }],
    ["content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }],
    ["content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: "pong" },
    }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: 300 },
    }],
    ["message_stop", { type: "message_stop" }],
  ];
  const body = events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
    .join("");
  const r = await record(
    config,
    () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    { stream: true, model: "claude-opus-4-8" },
  );
  assert.equal(r.cached_tokens, 20_000);
  assert.equal(r.cache_write_tokens, 4_000);
  assert.equal(r.output_tokens, 300);
  assert.ok(r.ttft_ms !== undefined && r.ttft_ms <= r.total_ms);
  // The catalog's Claude Opus 4.8: $5 in, $25 out, $0.50 cache read, $6.25 cache write.
  assert.equal(r.cost_usd, (10 * 5 + 300 * 25 + 20_000 * 0.5 + 4_000 * 6.25) / 1e6);
});

Deno.test("a record carries Claude Code's session and agent ids, and drops ids that are not ids", async () => {
  const answer = () => completion({ prompt_tokens: 1, completion_tokens: 1 });
  const r = await record(openaiConfig(), answer, {
    headers: {
      "x-claude-code-session-id": "5e551011-aaaa-4bbb-8ccc-000000000001",
      "x-claude-code-agent-id": "agent_42",
    },
  });
  assert.equal(r.session_id, "5e551011-aaaa-4bbb-8ccc-000000000001");
  assert.equal(r.agent_id, "agent_42");
  const odd = await record(openaiConfig(), answer, {
    headers: { "x-claude-code-session-id": "a b", "x-claude-code-agent-id": "x".repeat(200) },
  });
  assert.equal(odd.session_id, undefined);
  assert.equal(odd.agent_id, undefined);
});
