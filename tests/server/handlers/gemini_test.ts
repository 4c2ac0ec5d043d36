// The Gemini handler called as a plain function: Request in, Response out, no Hono.
import assert from "node:assert/strict";
import { UpstreamError } from "../../../src/errors.ts";
import { gemini } from "../../../src/server/handlers/gemini.ts";
import { testConfig } from "../../helpers/proxy.ts";
import { parseAnthropicSse } from "../../helpers/streams.ts";
import { handlerRun } from "./handler_context.ts";

const KEY = "AIza-handler-secret-key";
const ASK = { model: "claude-test", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

function config(bodies = false) {
  return testConfig("http://gemini.test", {
    provider: { name: "gemini", base_url: "http://gemini.test", api_key: KEY, format: "gemini" },
    models: { "*": "gemini-2.5-flash" },
    ...(bodies ? { log: { bodies: true } } : {}),
  });
}

const SSE = [
  { candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }] },
  {
    candidates: [{ content: { role: "model", parts: [{ text: "lo" }] }, finishReason: "STOP" }],
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 2 },
  },
].map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join("");

Deno.test("gemini streams the translated answer and records how it ended when the stream ends", async () => {
  const run = handlerRun(
    config(),
    { ...ASK, stream: true },
    () => new Response(SSE, { headers: { "content-type": "text/event-stream" } }),
  );
  const response = await gemini(run.request, run.ctx);
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assert.equal(
    run.sent[0]!.url,
    "http://gemini.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
  );
  assert.equal(run.ctx.log.record.stop_reason, undefined, "nothing is known before the stream ran");
  const events = parseAnthropicSse(await response.text());
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  const { record } = run.ctx.log;
  assert.equal(record.stop_reason, "end_turn");
  assert.equal(record.input_tokens, 9);
  assert.equal(record.output_tokens, 2);
  assert.equal(record.retries, 0);
});

Deno.test("gemini answers a streaming client with events when Gemini answers whole, keeping the bodies", async () => {
  const whole = {
    candidates: [{
      content: { role: "model", parts: [{ text: "Hi there" }] },
      finishReason: "STOP",
    }],
  };
  const run = handlerRun(config(true), { ...ASK, stream: true }, () => Response.json(whole));
  const response = await gemini(run.request, run.ctx);
  const events = parseAnthropicSse(await response.text());
  assert.equal(events.at(-1)?.type, "message_stop");
  const bodies = run.ctx.log.record.bodies!;
  assert.deepEqual(Object.keys(bodies).sort(), ["client", "response", "upstream"]);
  assert.match(bodies.upstream!, /"contents":\[\{"role":"user","parts":\[\{"text":"Hi"\}\]\}\]/);
  assert.match(bodies.response!, /"text":"Hi there"/);
});

Deno.test("gemini throws Gemini's error with retry-after and without the key", async () => {
  const body = {
    error: {
      code: 429,
      message: `Quota exceeded for key ${KEY}.`,
      status: "RESOURCE_EXHAUSTED",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "4s" }],
    },
  };
  const run = handlerRun(config(), ASK, () => Response.json(body, { status: 429 }));
  const error = await gemini(run.request, run.ctx).then(
    () => assert.fail("expected an error"),
    (err: unknown) => err,
  );
  assert.ok(error instanceof UpstreamError);
  const rendered = error.getResponse();
  assert.equal(rendered.status, 429);
  assert.equal(rendered.headers.get("retry-after"), "4");
  const json = await rendered.json();
  assert.equal(json.error.type, "rate_limit_error");
  assert.match(json.error.message, /^Upstream returned 429 RESOURCE_EXHAUSTED: Quota exceeded/);
  assert.doesNotMatch(json.error.message, new RegExp(KEY));
});

Deno.test("gemini throws a 502 for a 200 that carries an error or is not JSON", async () => {
  for (const text of ['{"error":{"code":500,"message":"boom"}}', "<html>oops</html>"]) {
    const run = handlerRun(config(), ASK, () => new Response(text, { status: 200 }));
    await assert.rejects(gemini(run.request, run.ctx), (err: unknown) => {
      assert.ok(err instanceof UpstreamError, String(err));
      assert.equal(err.status, 502);
      return true;
    });
  }
});
