// Tests for counting tokens piece by piece against gpt-tokenizer's o200k encoder.
import assert from "node:assert/strict";
import fc from "fast-check";
import { countTokens } from "gpt-tokenizer";
import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { MAX_ENCODE_BYTES, pieceCounter } from "../../src/count_tokens/piece_counter.ts";
import { CHINESE, randomRun } from "../helpers/text_runs.ts";

const PLAIN = { disallowedSpecial: new Set<string>() };
const utf8Length = (text: string) => new TextEncoder().encode(text).length;
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

Deno.test("pieceCounter hands the encoder each character of a 400,000-character run once, in short pieces", () => {
  for (const run of [randomRun(400_000), randomRun(400_000, CHINESE), "🎉".repeat(200_000)]) {
    const pieces: string[] = [];
    const count = pieceCounter(
      (piece) => {
        pieces.push(piece);
        return Math.ceil(piece.length / 4);
      },
      O200K_TOKEN_SPLIT_REGEX,
      { maxPieceChars: 0 },
    ); // no cache: every piece is handed over
    count(run);
    assert.equal(pieces.join(""), run); // linear: each character encoded once
    const longest = Math.max(...pieces.map(utf8Length));
    assert.ok(longest <= MAX_ENCODE_BYTES, `longest piece ${longest} bytes`);
  }
});

Deno.test("pieceCounter cuts long runs of every kind the o200k split keeps whole", () => {
  const runs = ["=".repeat(5000), " ".repeat(5000), "}".repeat(5000), "x".repeat(5000)];
  for (const run of runs) {
    const { count, asked } = spied();
    count(run);
    assert.ok(asked.every((piece) => utf8Length(piece) <= MAX_ENCODE_BYTES), run[0]);
  }
});

Deno.test("pieceCounter stays within 0.5% of the o200k count on runs without spaces", () => {
  const runs = {
    letters: randomRun(6000),
    chinese: randomRun(2000, CHINESE),
    rule: "=".repeat(6000),
    spaces: " ".repeat(6000),
    braces: "}".repeat(6000),
  };
  for (const [name, run] of Object.entries(runs)) {
    const exact = o200k(run);
    const counted = spied().count(run);
    assert.ok(Math.abs(counted - exact) <= exact * 0.005, `${name}: ${counted} against ${exact}`);
  }
});
