// Tests for the FNV-1a hash.
import assert from "node:assert/strict";
import { fnv1a } from "../../src/util/hash.ts";

Deno.test("fnv1a gives the published 32-bit FNV-1a values as 8 hex digits", () => {
  assert.equal(fnv1a(""), "811c9dc5");
  assert.equal(fnv1a("a"), "e40c292c");
  assert.equal(fnv1a("foobar"), "bf9cf968");
});
