// An upstream stream chunk that is not JSON, on each kind of route: an error event, a log line, no secret.
import assert from "node:assert/strict";
import type { FileConfig } from "../../src/config/validate.ts";
import { streamResponse } from "../helpers/mock_upstream.ts";
import { testConfig, withProxyStack } from "../helpers/proxy.ts";
import { parseAnthropicSse } from "../helpers/streams.ts";

const KEY = "sk-test-secret-key-123456";
const GARBAGE = `<html>502 Bad Gateway (upstream said: Authorization: Bearer ${KEY})</html>`;
const SSE = { "content-type": "text/event-stream" };

/** Each route's upstream stream: a first piece of text, the garbage, then a proper ending. */
const ROUTES: Record<string, { file: (url: string) => FileConfig; parts: string[] }> = {
  "OpenAI chat": {
    file: () => ({}),
    parts: [
      'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n',
      `data: ${GARBAGE}\n\n`,
      'data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}\n\n',
      "data: [DONE]\n\n",
    ],
  },
  "OpenAI Responses": {
    file: (url) => ({
      provider: { name: "custom", base_url: url, api_key: KEY, format: "openai-responses" },
    }),
    parts: [
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"m1","output_index":0,"content_index":0,"delta":"Hel"}\n\n',
      `event: response.output_text.delta\ndata: ${GARBAGE}\n\n`,
      'event: response.completed\ndata: {"type":"response.completed","response":{"id":"r1","status":"completed","output":[],"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
    ],
  },
  "Anthropic passthrough": {
    file: (url) => ({
      provider: { name: "custom", base_url: url, api_key: KEY, format: "anthropic" },
    }),
    parts: [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":0}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
      `event: content_block_delta\ndata: ${GARBAGE}\n\n`,
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ],
  },
};

for (const [name, route] of Object.entries(ROUTES)) {
  Deno.test(`${name}: a stream chunk that is not JSON ends the answer with an error, logged and redacted`, async () => {
    await withProxyStack({
      upstream: (request) => streamResponse(route.parts, { headers: SSE, signal: request.signal }),
      config: (url) => testConfig(url, route.file(url)),
    }, async ({ proxy }) => {
      const response = await fetch(`${proxy.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4",
          max_tokens: 20,
          stream: true,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      assert.equal(response.status, 200);
      const text = await response.text();
      const events = parseAnthropicSse(text);
      const last = events.at(-1);
      assert.equal(last?.type, "error", text);
      assert.ok(
        !events.some((e) => e.type === "message_stop"),
        "the answer did not end as if whole",
      );
      assert.ok(!text.includes('"lo"'), "nothing after the broken chunk reached the client");
      assert.ok(!text.includes(KEY), "the provider key stays out of the client's answer");
      const message = last?.type === "error" ? last.error.message : "";
      assert.match(message, /not a JSON object: "<html>502 Bad Gateway/);
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record!.error_type, "api_error");
      assert.equal(record!.error_message, message);
      assert.ok(record!.error_message!.includes("[REDACTED]"));
    });
  });
}
