// Tests for sending a body unparsed: the leading model read and swapped in the bytes, and when the
// cleaning would leave a body as it is.
import assert from "node:assert/strict";
import { findPreset } from "../../src/providers/presets.ts";
import { cleanAnthropicRequest, type CleanOptions } from "../../src/passthrough/anthropic_clean.ts";
import {
  leadingModel,
  passesUnchanged,
  swapLeadingModel,
  upstreamRequestBody,
} from "../../src/passthrough/body_bytes.ts";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { wrapSignature } from "../../src/translate/anthropic/signature.ts";

const FIRST_TURN = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);
const BASE: CleanOptions = { provider: "anthropic", model: "claude-sonnet-4-5" };

function request(extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  };
}

function clientBody(text: string) {
  return { text, bytes: new TextEncoder().encode(text) };
}

Deno.test("upstreamRequestBody forwards the client's own bytes when nothing changed", () => {
  const client = clientBody(
    '{"model": "claude-sonnet-4-5", "max_tokens": 5, "messages": [{"role":"user","content":"x"}]}',
  );
  const body = JSON.parse(client.text);
  const result = cleanAnthropicRequest(body, BASE);
  assert.equal(upstreamRequestBody(client, body, result), client.bytes);
});

Deno.test("upstreamRequestBody swaps only the leading model name in the bytes", () => {
  const client = clientBody(
    '{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"é  ✓ 😀"}]}',
  );
  const body = JSON.parse(client.text);
  const result = cleanAnthropicRequest(body, { ...BASE, model: "deepseek-v4-pro" });
  assert.equal(result.changed, false);
  const out = upstreamRequestBody(client, body, result);
  assert.ok(out instanceof Uint8Array);
  assert.equal(
    new TextDecoder().decode(out),
    client.text.replace('"claude-sonnet-4-5"', '"deepseek-v4-pro"'),
  );
});

Deno.test("upstreamRequestBody serialises once when the bytes do not lead with the model", () => {
  const withBom = new Uint8Array([
    0xef,
    0xbb,
    0xbf,
    ...clientBody('{"model":"a","max_tokens":5,"messages":[]}').bytes,
  ]);
  const text = new TextDecoder().decode(withBom);
  const body = JSON.parse(text);
  const result = cleanAnthropicRequest(body, { ...BASE, model: "b" });
  const out = upstreamRequestBody({ text, bytes: withBom }, body, result);
  assert.equal(out, JSON.stringify({ ...body, model: "b" }));
});

Deno.test("upstreamRequestBody serialises once when the model is not the leading key", () => {
  const client = clientBody(
    '{"max_tokens":5,"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"x"}]}',
  );
  const body = JSON.parse(client.text);
  const result = cleanAnthropicRequest(body, { ...BASE, model: "glm-4.7" });
  assert.deepEqual(JSON.parse(upstreamRequestBody(client, body, result) as string), {
    ...body,
    model: "glm-4.7",
  });
});

Deno.test("leadingModel reads the model only when it leads the body in plain JSON", () => {
  assert.equal(
    leadingModel('{"model":"claude-sonnet-4-5[1m]","messages":[]}'),
    "claude-sonnet-4-5[1m]",
  );
  assert.equal(leadingModel('{"model":"","messages":[]}'), "");
  for (
    const text of [
      '{"messages":[],"model":"claude-sonnet-4-5"}', // not the leading key
      '{ "model": "claude-sonnet-4-5" }', // spaces
      '{"model":"claude\\u002dsonnet"}', // an escape in the name
      '{"model":"a\tb"}', // a raw control character
      '{"model":"unterminated', // no closing quote
      '{"model":5}',
      "",
    ]
  ) assert.equal(leadingModel(text), undefined, text);
});

Deno.test("swapLeadingModel replaces only the leading model and keeps every other byte", () => {
  const bytes = new TextEncoder().encode('{"model":"a","note":"é ✓","model2":"a"}');
  assert.equal(swapLeadingModel(bytes, "a", "a"), bytes);
  const out = swapLeadingModel(bytes, "a", "claude-opus-4-5")!;
  assert.equal(
    new TextDecoder().decode(out),
    '{"model":"claude-opus-4-5","note":"é ✓","model2":"a"}',
  );
  assert.equal(swapLeadingModel(bytes, "b", "c"), undefined);
});

Deno.test("passesUnchanged holds exactly when cleaning would change or refuse nothing", async () => {
  const text = JSON.stringify(JSON.parse(await Deno.readTextFile(FIRST_TURN)).body);
  const body = JSON.parse(text) as MessagesRequest;
  const anthropic = { provider: "anthropic", model: "claude-opus-4-5" };
  assert.equal(passesUnchanged(text, anthropic), true);
  assert.equal(cleanAnthropicRequest(body, anthropic).changed, false);
  const preset = findPreset("deepseek-anthropic")!;
  const deepseek: CleanOptions = {
    provider: "deepseek-anthropic",
    model: "deepseek-v4-pro",
    dropFields: preset.dropFields ?? [],
    unsupported: preset.unsupported ?? [],
  };
  assert.equal(passesUnchanged(text, deepseek), false);
  assert.equal(cleanAnthropicRequest(body, deepseek).changed, true);
  for (
    const options of [
      { ...anthropic, dropFields: ["metadata"] },
      { ...anthropic, unsupported: ["images" as const] },
      { ...anthropic, modelRefusesImages: true },
      { ...anthropic, maxTokens: 8192 },
    ]
  ) assert.equal(passesUnchanged(text, options), false, JSON.stringify(options));
  // A signature the proxy wrapped must be restored (or dropped) before the provider sees it.
  const signed = request({
    messages: [
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: [{
          type: "thinking",
          thinking: "t",
          signature: wrapSignature("sig-from-anthropic", "anthropic"),
        }, { type: "text", text: "ok" }],
      },
      { role: "user", content: "again" },
    ],
  });
  assert.equal(passesUnchanged(JSON.stringify(signed), anthropic), false);
  assert.equal(cleanAnthropicRequest(signed, anthropic).changed, true);
});
