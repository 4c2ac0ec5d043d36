// Tests for the byte-array helpers.
import assert from "node:assert/strict";
import {
  concatBytes,
  fromBase64,
  fromBase64Url,
  toBase64,
  toBase64Url,
} from "../../src/util/bytes.ts";

Deno.test("concatBytes returns a single part itself, uncopied", () => {
  const part = new Uint8Array([1, 2, 3]);
  assert.equal(concatBytes([part]), part);
});

Deno.test("concatBytes copies several parts into one array, in order", () => {
  const parts = [new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3])];
  assert.deepEqual(concatBytes(parts), new Uint8Array([1, 2, 3]));
  assert.deepEqual(concatBytes(parts, 3), new Uint8Array([1, 2, 3]));
  assert.deepEqual(concatBytes([]), new Uint8Array([]));
});

Deno.test("toBase64 and toBase64Url differ only in alphabet and padding, and read back", () => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x61]);
  assert.equal(toBase64(bytes), "+/+/YQ==");
  assert.equal(toBase64Url(bytes), "-_-_YQ");
  assert.deepEqual(fromBase64("+/+/YQ=="), bytes);
  assert.deepEqual(fromBase64Url("-_-_YQ"), bytes);
  assert.deepEqual(fromBase64Url(""), new Uint8Array([]));
});

Deno.test("fromBase64 and fromBase64Url give undefined for text outside their alphabet", () => {
  assert.equal(fromBase64("not base64!"), undefined);
  assert.equal(fromBase64Url("+/+/YQ=="), undefined);
  assert.equal(fromBase64Url("a.b"), undefined);
});
