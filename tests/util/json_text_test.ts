// Tests for writing JSON text without recursion.
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonText } from "../../src/util/json_text.ts";

Deno.test("jsonText writes what JSON.stringify writes for any JSON value", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal(jsonText(value), JSON.stringify(value));
    }),
    { numRuns: 500 },
  );
});

Deno.test("jsonText leaves undefined out of objects and writes null for it in arrays", () => {
  const value = { a: undefined, b: [undefined, () => 1, 2], c: "x" };
  assert.equal(jsonText(value), JSON.stringify(value));
  assert.equal(jsonText(value), '{"b":[null,null,2],"c":"x"}');
  assert.equal(jsonText(undefined), "");
});

Deno.test("jsonText writes a value nested 200,000 levels deep", () => {
  const depth = 200_000;
  const text = "[".repeat(depth) + '{"a":1}' + "]".repeat(depth);
  assert.equal(jsonText(JSON.parse(text)), text);
});
