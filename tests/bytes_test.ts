// Tests for the byte-array helpers.
import assert from "node:assert/strict";
import { concatBytes } from "../src/bytes.ts";

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
