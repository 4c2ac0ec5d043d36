// Tests for counting texts in bounded slices with turns of the event loop between them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { countTokens as o200kCount } from "gpt-tokenizer";
import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { pieceCounter } from "../../src/count_tokens/piece_counter.ts";
import { countTexts, SLICE_CHARS, TextMemo, TURN_MS } from "../../src/count_tokens/text_counter.ts";
import { randomRun } from "../helpers/text_runs.ts";

const PLAIN = { disallowedSpecial: new Set<string>() };
const o200k = (text: string) => o200kCount(text, PLAIN);

/**
 * A counter that records what it was handed, a turn that records where it came, and a clock that
 * moves one millisecond per 1,000 characters counted (so that turns depend on work, not time).
 */
function recorder() {
  const handed: number[] = [];
  const betweenTurns: number[] = [0];
  let counted = 0;
  return {
    handed,
    betweenTurns,
    count(text: string) {
      handed.push(text.length);
      counted += text.length;
      betweenTurns[betweenTurns.length - 1]! += text.length;
      return text.length;
    },
    nextTurn() {
      betweenTurns.push(0);
      return Promise.resolve();
    },
    now: () => counted / 1000,
  };
}

Deno.test("countTexts gives the event loop a turn whenever counting has held it for turnMs", async () => {
  const spy = recorder();
  const texts = [randomRun(400_000), "short", randomRun(30_000)];
  const total = await countTexts(texts, spy.count, { nextTurn: spy.nextTurn, now: spy.now });
  assert.equal(total, 430_005);
  assert.equal(spy.handed.reduce((a, b) => a + b, 0), 430_005); // each character counted once
  assert.ok(Math.max(...spy.handed) <= SLICE_CHARS);
  const perTurn = TURN_MS * 1000; // characters the clock lets pass in one turn
  assert.ok(Math.max(...spy.betweenTurns) <= perTurn + SLICE_CHARS, `${spy.betweenTurns}`);
  assert.ok(spy.betweenTurns.length >= 430_005 / (perTurn + SLICE_CHARS));
});

Deno.test("countTexts takes no turn when counting is quick", async () => {
  const spy = recorder();
  await countTexts([randomRun(400_000)], spy.count, { nextTurn: spy.nextTurn, now: () => 0 });
  assert.equal(spy.betweenTurns.length, 1);
});

Deno.test("countTexts counts a real prompt in slices exactly as o200k counts it whole", async () => {
  const path = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);
  const body = JSON.parse(readFileSync(path, "utf8")).body;
  const texts = [
    ...body.system.map((block: { text: string }) => block.text),
    JSON.stringify(body.tools),
  ];
  assert.ok(texts.some((text) => text.length > 4 * SLICE_CHARS));
  const count = pieceCounter(o200k, O200K_TOKEN_SPLIT_REGEX);
  const whole = texts.reduce((sum, text) => sum + o200k(text), 0);
  assert.equal(await countTexts(texts, count, { sliceChars: 512 }), whole);
});

Deno.test("countTexts looks long texts up in the memo and fills it in", async () => {
  const memo = new TextMemo();
  const long = "word ".repeat(100);
  const spy = recorder();
  assert.equal(await countTexts([long, "tiny"], spy.count, { memo }), 504);
  assert.equal(memo.get(long), 500);
  assert.equal(memo.get("tiny"), undefined, "short texts are not worth keeping");
  spy.handed.length = 0;
  assert.equal(await countTexts([long], spy.count, { memo }), 500);
  assert.deepEqual(spy.handed, []);
});

Deno.test("TextMemo drops the least recently used texts past its size", () => {
  const memo = new TextMemo();
  const texts = Array.from({ length: 5 }, (_, i) => String(i).repeat(1024 * 1024));
  for (const [i, text] of texts.entries()) {
    memo.set(text, i);
    if (i === 2) memo.get(texts[0]!); // used again: kept over texts[1]
  }
  assert.equal(memo.get(texts[0]!), 0);
  assert.equal(memo.get(texts[1]!), undefined);
  assert.equal(memo.get(texts[4]!), 4);
});

Deno.test("countTexts stops at the next turn once its signal aborts", async () => {
  const spy = recorder();
  const stop = new AbortController();
  const counting = countTexts([randomRun(400_000)], spy.count, {
    now: spy.now,
    signal: stop.signal,
    nextTurn: () => {
      stop.abort(new Error("client went away"));
      return spy.nextTurn();
    },
  });
  await assert.rejects(counting, /client went away/);
  assert.ok(spy.handed.reduce((a, b) => a + b, 0) <= TURN_MS * 1000 + SLICE_CHARS);
});
