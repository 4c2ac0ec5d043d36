// Tests for counting tokens piece by piece against gpt-tokenizer's o200k encoder.
import assert from "node:assert/strict";
import fc from "fast-check";
import { countTokens } from "gpt-tokenizer";
import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { pieceCounter } from "../../src/count_tokens/piece_counter.ts";

const PLAIN = { disallowedSpecial: new Set<string>() };
const o200k = (text: string) => countTokens(text, PLAIN);

/** A counter over o200k that records which pieces it had to count. */
function spied(options: Parameters<typeof pieceCounter>[2] = {}) {
  const asked: string[] = [];
  const count = pieceCounter(
    (piece) => {
      asked.push(piece);
      return o200k(piece);
    },
    O200K_TOKEN_SPLIT_REGEX,
    options,
  );
  return { count, asked };
}

/** Text that exercises the split: mixed scripts, contractions, digits, newlines, slashes, marks. */
const TRICKY = fc.string({
  unit: fc.constantFrom(
    "a",
    "Z",
    "é",
    "É",
    "ß",
    "世",
    "界",
    "ǅ",
    "\u0301",
    "1",
    "23",
    "٣",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "/",
    "'s",
    "'LL",
    "'",
    ".",
    "...",
    "{",
    "}",
    "=",
    "🎉",
    "\u00a0",
    "<|endoftext|>",
    "Hello",
    "WORLD",
    "camelCase",
    "snake_case",
  ),
  maxLength: 60,
});

Deno.test("pieceCounter agrees with the o200k tokenizer on arbitrary text", () => {
  const { count } = spied();
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 80 }), TRICKY), (text) => {
      assert.equal(count(text), o200k(text));
    }),
    { numRuns: 500 },
  );
});

Deno.test("pieceCounter counts special-token text as plain text", () => {
  const text = "a <|endoftext|> b <|im_start|>";
  assert.equal(spied().count(text), o200k(text));
  assert.ok(o200k(text) > 4);
});

Deno.test("pieceCounter asks the tokenizer only for pieces it has not seen", () => {
  const { count, asked } = spied();
  const first = count("The cat sat on the mat. The cat sat.");
  assert.equal(first, o200k("The cat sat on the mat. The cat sat."));
  assert.deepEqual(asked, ["The", " cat", " sat", " on", " the", " mat", ".", " The"]);
  asked.length = 0;
  assert.equal(count("The mat sat on the cat."), o200k("The mat sat on the cat."));
  assert.deepEqual(asked, []); // every piece was seen in the first text
  assert.equal(count("The dog."), o200k("The dog."));
  assert.deepEqual(asked, [" dog"]);
});

Deno.test("pieceCounter counts long pieces each time instead of keeping them", () => {
  const { count, asked } = spied({ maxPieceChars: 8 });
  const long = "abcdefghijklmnop"; // one letter run: a single piece of 16 characters
  assert.equal(count(long), o200k(long));
  assert.equal(count(long), o200k(long));
  assert.deepEqual(asked, [long, long]);
});

Deno.test("pieceCounter starts its cache over when it is full and stays correct", () => {
  const { count, asked } = spied({ maxPieces: 2 });
  assert.equal(count("one two"), 2);
  assert.equal(count("one two"), 2);
  assert.deepEqual(asked, ["one", " two"]);
  assert.equal(count(" three"), 1); // the third piece: the cache starts over with it
  assert.equal(count("one"), 1);
  assert.deepEqual(asked, ["one", " two", " three", "one"]);
});

Deno.test("pieceCounter gives 0 for empty and counts a regex without the global flag", () => {
  const count = pieceCounter(o200k, new RegExp(O200K_TOKEN_SPLIT_REGEX.source, "u"));
  assert.equal(count(""), 0);
  assert.equal(count("Grüße, 世界!"), o200k("Grüße, 世界!"));
});
