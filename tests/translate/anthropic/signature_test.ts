// Tests for the proxy's own thinking-block signature.
import assert from "node:assert/strict";
import {
  makeSignature,
  parseSignature,
  SIGNATURE_PREFIX,
  unwrapSignature,
  wrapSignature,
} from "../../../src/translate/anthropic/signature.ts";

Deno.test("makeSignature round-trips the origin through parseSignature", () => {
  for (const origin of ["deepseek", "openrouter", "my-provider_2", "é-ü 模型"]) {
    assert.deepEqual(parseSignature(makeSignature(origin)), { origin });
  }
});

Deno.test("makeSignature is deterministic and uses the versioned base64url format", () => {
  const signature = makeSignature("deepseek");
  assert.equal(signature, makeSignature("deepseek"));
  assert.match(signature, /^cpx1\.ZGVlcHNlZWs\.[0-9a-f]{8}$/);
  assert.ok(signature.startsWith(SIGNATURE_PREFIX));
  assert.notEqual(makeSignature("openai"), signature);
});

Deno.test("makeSignature rejects an empty origin", () => {
  assert.throws(() => makeSignature(""), TypeError);
});

Deno.test("parseSignature rejects a signature whose origin was altered", () => {
  const signature = makeSignature("deepseek");
  const forged = signature.replace("ZGVlcHNlZWs", "b3BlbmFp"); // "openai"
  assert.equal(parseSignature(forged), undefined);
});

Deno.test("parseSignature rejects a damaged checksum", () => {
  const signature = makeSignature("groq");
  const last = signature.at(-1) === "0" ? "1" : "0";
  assert.equal(parseSignature(signature.slice(0, -1) + last), undefined);
  assert.equal(parseSignature(signature.slice(0, signature.lastIndexOf("."))), undefined);
});

Deno.test("parseSignature rejects foreign and missing signatures", () => {
  const foreign = [
    undefined,
    "",
    "EqQBCkYIBxgCKkDn3c0PwjBSbKcGVVeBn2UF1ZNlGH0vTzP9Nm1xPSaG", // Anthropic-style opaque blob
    "cpx1.",
    "cpx1..00000000",
    "cpx2.ZGVlcHNlZWs.00000000",
    "cpx1.!!!.00000000",
  ];
  for (const value of foreign) assert.equal(parseSignature(value), undefined, String(value));
});

Deno.test("wrapSignature round-trips origin and original through parseSignature", () => {
  const originals = ["EqQBCkYIBxgCKkDn3c0P+/w==", "", "has.dots.in.it", makeSignature("openai")];
  for (const original of originals) {
    const wrapped = wrapSignature("anthropic", original);
    assert.ok(wrapped.startsWith(SIGNATURE_PREFIX));
    assert.deepEqual(parseSignature(wrapped), { origin: "anthropic", original });
  }
});

Deno.test("parseSignature rejects a wrapped signature whose original was altered", () => {
  const wrapped = wrapSignature("anthropic", "EqQBCkYIBxgC");
  assert.equal(parseSignature(wrapped.slice(0, -1) + "D"), undefined);
  assert.equal(parseSignature(wrapped.replace("YW50aHJvcGlj", "ZGVlcHNlZWs")), undefined);
});

Deno.test("unwrapSignature returns the original only for the provider that made it", () => {
  const wrapped = wrapSignature("anthropic", "SIG");
  assert.equal(unwrapSignature(wrapped, "anthropic"), "SIG");
  assert.equal(unwrapSignature(wrapped, "deepseek-anthropic"), undefined);
  assert.equal(unwrapSignature(makeSignature("anthropic"), "anthropic"), undefined);
  assert.equal(unwrapSignature("SIG", "anthropic"), undefined);
});
