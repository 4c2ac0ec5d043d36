import assert from "node:assert/strict";
import { encodeSseEvent, PING_FRAME } from "../../../src/translate/anthropic/sse.ts";
import { parseSse } from "../../helpers/streams.ts";

Deno.test("encodeSseEvent names the event after its type and puts the JSON on one data line", () => {
  assert.equal(
    encodeSseEvent({ type: "message_stop" }),
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  );
});

Deno.test("encodeSseEvent keeps newlines inside text escaped so a frame stays one data line", () => {
  const frame = encodeSseEvent({
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "line 1\nline 2\r\n\n日本🎉" },
  });
  assert.equal(frame.split("\n").length, 4);
  const [message] = parseSse(frame);
  assert.equal(message?.event, "content_block_delta");
  assert.deepEqual(JSON.parse(message?.data ?? ""), {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "line 1\nline 2\r\n\n日本🎉" },
  });
});

Deno.test("PING_FRAME is Anthropic's ping event", () => {
  const [message] = parseSse(PING_FRAME);
  assert.equal(message?.event, "ping");
  assert.deepEqual(JSON.parse(message?.data ?? ""), { type: "ping" });
});
