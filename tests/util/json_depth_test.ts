// Tests for finding JSON nested deeper than a limit.
import assert from "node:assert/strict";
import { tooDeepAt } from "../../src/util/json_depth.ts";

Deno.test("tooDeepAt names the path where nesting passes the limit", () => {
  assert.equal(tooDeepAt({ a: [[[]]] }, 2), "a.0");
  assert.equal(tooDeepAt({ a: [[[]]] }, 4), undefined);
  assert.equal(tooDeepAt({ a: [[[]]] }, 3), "a.0.0");
  assert.equal(tooDeepAt("text", 0), undefined);
  assert.equal(tooDeepAt({}, 0), "");
});

Deno.test("tooDeepAt names at most five segments of a path 200,000 levels deep", () => {
  const depth = 200_000;
  const schema = JSON.parse('{"properties":{"a":'.repeat(depth) + "{}" + "}}".repeat(depth));
  const body = { model: "m", tools: [{ name: "t", input_schema: schema }] };
  assert.equal(tooDeepAt(body, 512), "tools.0.input_schema.properties.a");
});

Deno.test("tooDeepAt passes a wide, shallow body", () => {
  const wide = { messages: Array.from({ length: 10_000 }, (_, i) => ({ n: i, tags: ["a"] })) };
  assert.equal(tooDeepAt(wide, 4), undefined); // body, messages, a message, its tags
  assert.match(tooDeepAt(wide, 3) ?? "", /^messages\.\d+\.tags$/);
});
