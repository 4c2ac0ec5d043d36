// Tests for cutting text into bounded slices at the o200k pre-split's own boundaries.
import assert from "node:assert/strict";
import fc from "fast-check";
import { countTokens } from "gpt-tokenizer";
import { textSlices, utf8Slices } from "../../src/count_tokens/text_slices.ts";

const PLAIN = { disallowedSpecial: new Set<string>() };
const o200k = (text: string) => countTokens(text, PLAIN);

/** Words of letters, digits, marks and emoji with no space inside, one space between them. */
const WORDS = fc.array(
  fc.string({
    unit: fc.constantFrom(
      "a",
      "Word",
      "ÉTÉ",
      "世界",
      "42",
      "7",
      "'s",
      "'",
      "{",
      "}",
      "=",
      ".",
      "/",
      "🎉",
    ),
    minLength: 1,
    maxLength: 3,
  }),
  { minLength: 1, maxLength: 40 },
).map((words) => words.join(" "));

Deno.test("textSlices slices join back into the text and none is longer than the limit", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.integer({ min: 2, max: 40 }),
      (text, max) => {
        const slices = [...textSlices(text, max)];
        assert.equal(slices.join(""), text);
        for (const slice of slices) assert.ok(slice.length > 0 && slice.length <= max);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("textSlices never ends a slice between the halves of a surrogate pair", () => {
  const emoji = "🎉".repeat(50);
  for (const max of [2, 3, 7, 8]) {
    for (const slice of textSlices(emoji, max)) {
      const last = slice.charCodeAt(slice.length - 1);
      assert.ok(!(last >= 0xd800 && last <= 0xdbff), `a high surrogate ends a slice at ${max}`);
    }
  }
});

Deno.test("textSlices cuts where o200k does, so spaced text counts the same in slices", () => {
  fc.assert(
    fc.property(WORDS, fc.integer({ min: 16, max: 40 }), (text, max) => {
      const slices = [...textSlices(text, max)];
      for (const slice of slices.slice(1)) assert.match(slice, /^ \S/);
      const sliced = slices.reduce((sum, slice) => sum + o200k(slice), 0);
      assert.equal(sliced, o200k(text), JSON.stringify(text));
    }),
    { numRuns: 500 },
  );
});

Deno.test("textSlices ends slices before a space between words", () => {
  assert.deepEqual([...textSlices("one two three", 8)], ["one two", " three"]);
  assert.deepEqual([...textSlices("alpha  beta", 8)], ["alpha  b", "eta"]); // no single space
  assert.deepEqual([...textSlices("", 8)], []);
});

Deno.test("textSlices cuts a run without spaces at the limit", () => {
  assert.deepEqual([...textSlices("abcdefghij", 4)], ["abcd", "efgh", "ij"]);
});

Deno.test("utf8Slices keeps each slice within the byte limit and whole characters", () => {
  const encoder = new TextEncoder();
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.integer({ min: 4, max: 64 }),
      (text, max) => {
        const slices = [...utf8Slices(text, max)];
        assert.equal(slices.join(""), text);
        for (const slice of slices) {
          assert.ok(slice.length > 0 && encoder.encode(slice).length <= max);
          const last = slice.charCodeAt(slice.length - 1);
          assert.ok(!(last >= 0xd800 && last <= 0xdbff));
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("utf8Slices takes 128 ASCII characters but 42 Chinese ones", () => {
  assert.deepEqual([...utf8Slices("a".repeat(300), 128)].map((s) => s.length), [128, 128, 44]);
  assert.deepEqual([...utf8Slices("世".repeat(100), 128)].map((s) => s.length), [42, 42, 16]);
  assert.deepEqual([...utf8Slices("🎉".repeat(40), 128)].map((s) => s.length), [64, 16]);
});
