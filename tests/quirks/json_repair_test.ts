// Tests for tool-argument repair and the streaming JSON-object prefix check.
import assert from "node:assert/strict";
import fc from "fast-check";
import { isObjectText, JsonPrefixScanner, repairArguments } from "../../src/quirks/json_repair.ts";

Deno.test("repairArguments keeps a JSON object as it is", () => {
  assert.equal(repairArguments('{"a": 1}'), '{"a": 1}');
});

Deno.test("repairArguments makes empty and null arguments an empty object", () => {
  for (const raw of ["", "  ", "null"]) assert.equal(repairArguments(raw), "{}");
});

Deno.test("repairArguments converts Python dict syntax (Qwen3-coder, GLM)", () => {
  const repaired = repairArguments(`{'path': 'it\\'s "here".ts', 'force': True, 'n': None}`);
  assert.deepEqual(JSON.parse(repaired!), { path: `it's "here".ts`, force: true, n: null });
});

Deno.test("repairArguments cuts text after the first complete object", () => {
  assert.equal(repairArguments('{"a": "}"} trailing words'), '{"a": "}"}');
  assert.equal(repairArguments('{"a": 1}{"a": 1}'), '{"a": 1}');
});

Deno.test("repairArguments unwraps an object in a JSON string or a code fence", () => {
  assert.equal(repairArguments('"{\\"a\\": 1}"'), '{"a": 1}');
  assert.equal(repairArguments('```json\n{"a": 1}\n```'), '{"a": 1}');
});

Deno.test("repairArguments gives up on truncated or non-object arguments", () => {
  assert.equal(repairArguments('{"a": "b'), undefined);
  assert.equal(repairArguments("[1, 2]"), undefined);
  assert.equal(repairArguments("just words"), undefined);
});

Deno.test("isObjectText accepts objects only", () => {
  assert.equal(isObjectText("{}"), true);
  assert.equal(isObjectText("[]"), false);
  assert.equal(isObjectText("{"), false);
});

Deno.test("JsonPrefixScanner accepts a JSON object fed in any pieces and marks it complete", () => {
  const text = '{"a": [1, -2.5e3, true, false, null], "b": {"c": "x\\"}"}}';
  for (let i = 0; i <= text.length; i++) {
    const scanner = new JsonPrefixScanner();
    assert.ok(scanner.push(text.slice(0, i)));
    assert.ok(scanner.push(text.slice(i)));
    assert.equal(scanner.complete, true);
  }
});

Deno.test("JsonPrefixScanner rejects single quotes, Python literals, bad nesting and trailing text", () => {
  for (const text of ["{'a': 1}", '{"a": True}', '{"a": [1}', '{"a": 1} more', "x{}"]) {
    assert.equal(new JsonPrefixScanner().push(text), false, text);
  }
});

Deno.test("JsonPrefixScanner accepts any JSON object split anywhere", () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.nat(),
      fc.boolean(),
      (value, cut, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const at = cut % (text.length + 1);
        const scanner = new JsonPrefixScanner();
        return scanner.push(text.slice(0, at)) && scanner.push(text.slice(at)) &&
          scanner.complete && repairArguments(text) === text;
      },
    ),
    { numRuns: 500 },
  );
});
