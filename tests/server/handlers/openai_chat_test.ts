// The OpenAI Chat Completions handler called as a plain function: Request in, Response out, no Hono.
import assert from "node:assert/strict";
import { UpstreamError } from "../../../src/errors.ts";
import { openaiChat } from "../../../src/server/handlers/openai_chat.ts";
import { testConfig } from "../../helpers/proxy.ts";
import { handlerRun } from "./handler_context.ts";

const ASK = { model: "claude-test", max_tokens: 64, messages: [{ role: "user", content: "hi" }] };

Deno.test("openaiChat posts the translated request to /chat/completions and answers a message", async () => {
  const run = handlerRun(testConfig("http://upstream.test/v1"), ASK, () =>
    Response.json({
      id: "c1",
      choices: [{
        index: 0,
        message: { role: "assistant", content: "hello" },
        finish_reason: "stop",
      }],
      usage: { prompt_tokens: 5, completion_tokens: 1 },
    }));
  const response = await openaiChat(run.request, run.ctx);
  assert.equal(run.sent[0]?.url, "http://upstream.test/v1/chat/completions");
  assert.equal(JSON.parse(run.sent[0]!.body).messages[0].content, "hi");
  const message = await response.json();
  assert.equal(message.content[0].text, "hello");
  assert.equal(message.model, "claude-test");
  assert.equal(run.ctx.log.record.input_tokens, 5);
  assert.equal(run.ctx.log.record.stop_reason, "end_turn");
  assert.equal(run.written.length, 0, "writing the record is the lifecycle's job");
});

Deno.test("openaiChat throws the upstream's error as an UpstreamError that renders the envelope", async () => {
  const run = handlerRun(
    testConfig("http://upstream.test/v1"),
    ASK,
    () => Response.json({ error: { message: "model not found" } }, { status: 404 }),
  );
  const error = await openaiChat(run.request, run.ctx).then(
    () => assert.fail("expected an error"),
    (err: unknown) => err,
  );
  assert.ok(error instanceof UpstreamError);
  assert.equal(error.status, 404);
  const rendered = error.getResponse();
  assert.equal(rendered.status, 404);
  const body = await rendered.json();
  assert.equal(body.type, "error");
  assert.equal(body.error.type, "not_found_error");
  assert.match(body.error.message, /model not found/);
});
