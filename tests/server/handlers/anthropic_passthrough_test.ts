// The Anthropic passthrough handler called as a plain function: an unparsed body goes out as sent,
// and an upstream envelope comes back as an error carrying its own bytes and headers.
import assert from "node:assert/strict";
import { resolveConfig } from "../../../src/config/resolve.ts";
import { UpstreamEnvelopeError } from "../../../src/errors.ts";
import { anthropicPassthrough } from "../../../src/server/handlers/anthropic_passthrough.ts";
import { handlerRun } from "./handler_context.ts";

const ASK = {
  model: "claude-sonnet-4-5",
  max_tokens: 64,
  messages: [{ role: "user", content: "hi" }],
};

function config() {
  return resolveConfig({
    cli: {},
    env: {},
    file: {
      providers: {
        anthropic: { base_url: "http://upstream.test", api_key: "sk-ant-test-0123456789" },
      },
      upstream: { retries: 0 },
    },
    source: "test",
  });
}

Deno.test("anthropicPassthrough sends an unparsed body's own bytes and returns the answer as it came", async () => {
  const answer =
    '{"type":"message","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":3,"output_tokens":1},"stop_reason":"end_turn"}';
  const run = handlerRun(
    config(),
    ASK,
    () =>
      new Response(answer, { headers: { "content-type": "application/json", "request-id": "r1" } }),
  );
  const response = await anthropicPassthrough(run.request, run.ctx);
  assert.equal(run.sent[0]?.url, "http://upstream.test/v1/messages");
  assert.equal(run.sent[0]?.body, run.ctx.message.text);
  assert.equal(await response.text(), answer);
  assert.equal(response.headers.get("request-id"), "r1");
  assert.equal(run.ctx.log.record.stream, false);
  assert.equal(run.ctx.log.record.input_tokens, 3);
});

Deno.test("anthropicPassthrough throws an upstream envelope as an error that renders its own bytes and headers", async () => {
  const envelope = '{"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}}';
  const run = handlerRun(config(), ASK, () =>
    new Response(envelope, {
      status: 429,
      headers: { "content-type": "application/json", "retry-after": "7" },
    }));
  const error = await anthropicPassthrough(run.request, run.ctx).then(
    () => assert.fail("expected an error"),
    (err: unknown) => err,
  );
  assert.ok(error instanceof UpstreamEnvelopeError);
  assert.equal(error.type, "rate_limit_error");
  assert.equal(error.message, "Slow down");
  const rendered = error.getResponse();
  assert.equal(rendered.status, 429);
  assert.equal(rendered.headers.get("retry-after"), "7");
  assert.equal(await rendered.text(), envelope);
});
