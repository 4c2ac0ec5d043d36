// Tests for marking thinking signatures in answers with the provider they came from.
import assert from "node:assert/strict";
import {
  markEventSignature,
  markMessageSignatures,
} from "../../src/passthrough/signature_origin.ts";
import { parseSignature, wrapSignature } from "../../src/translate/anthropic/signature.ts";

Deno.test("markEventSignature wraps a signature_delta and keeps the event's padding", () => {
  const data =
    '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EvMC/+a="}}    ';
  const marked = markEventSignature(data, "anthropic")!;
  const wrapped = wrapSignature("anthropic", "EvMC/+a=");
  assert.equal(marked, data.replace('"EvMC/+a="', JSON.stringify(wrapped)));
  assert.deepEqual(parseSignature(JSON.parse(marked).delta.signature), {
    origin: "anthropic",
    original: "EvMC/+a=",
  });
});

Deno.test("markEventSignature wraps redacted data and signed starts, and skips everything else", () => {
  const redacted =
    '{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EqkE"}}';
  const marked = JSON.parse(markEventSignature(redacted, "anthropic")!);
  assert.equal(marked.content_block.data, wrapSignature("anthropic", "EqkE"));
  const signedStart =
    '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"t","signature":"S1"}}';
  assert.equal(
    JSON.parse(markEventSignature(signedStart, "p")!).content_block.signature,
    wrapSignature("p", "S1"),
  );
  const emptyStart =
    '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}';
  assert.equal(markEventSignature(emptyStart, "anthropic"), undefined);
  const text =
    '{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"the signature"}}';
  assert.equal(markEventSignature(text, "anthropic"), undefined);
});

Deno.test("markMessageSignatures wraps thinking and redacted blocks of a whole message", async () => {
  const path = new URL(
    "../fixtures/upstream/anthropic/message-thinking-tool-use.json",
    import.meta.url,
  );
  const message = JSON.parse(await Deno.readTextFile(path));
  const signature = message.content[0].signature;
  const marked = markMessageSignatures(message, "anthropic");
  assert.equal(marked.content[0].signature, wrapSignature("anthropic", signature));
  assert.deepEqual(marked.content.slice(1), message.content.slice(1));
  assert.equal(message.content[0].signature, signature, "the input is untouched");
  const plain = { content: [{ type: "text", text: "hi" }] };
  assert.equal(markMessageSignatures(plain, "anthropic"), plain);
});
