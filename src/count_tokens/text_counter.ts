// Counts many texts of any length in bounded slices, giving the event loop back between turns.
import type { PieceCount } from "./piece_counter.ts";
import { textSlices } from "./text_slices.ts";

/** Options for {@linkcode countTexts}. */
export interface CountTextsOptions {
  /** Longest slice of text counted at once. Defaults to {@linkcode SLICE_CHARS}. */
  sliceChars?: number;
  /** Milliseconds of counting before the event loop gets a turn. Defaults to {@linkcode TURN_MS}. */
  turnMs?: number;
  /** Gives the event loop a turn. Defaults to a `setTimeout` of 0. */
  nextTurn?: () => Promise<void>;
  /** The clock that times a turn. Defaults to `performance.now`. */
  now?: () => number;
  /** Whole texts counted before, looked up first and filled in after. */
  memo?: TextMemo;
  /** Stops counting at the next turn (the client went away): the promise rejects. */
  signal?: AbortSignal;
}

/**
 * Slices of at most this many characters are handed to the piece counter: a few milliseconds of
 * work even for text the encoder has never seen (about 2.5 µs a character for random Chinese).
 */
export const SLICE_CHARS = 2048;
/**
 * How long counting may hold the event loop before other requests get a turn. A turn costs about
 * a millisecond (a timer: the only yield that lets the runtimes poll their sockets), so text
 * counted in less time, such as Claude Code's repeated prompt, never pays for one.
 */
export const TURN_MS = 10;

/**
 * Counts the tokens of `texts` with `count`, never handing it more than `sliceChars` at once and
 * giving the event loop a turn whenever counting has held it for `turnMs`, so that one huge
 * request cannot stall the other clients. Slices end at piece boundaries where the text has any
 * (see {@linkcode textSlices}), so the total is what counting each text whole would give.
 */
export async function countTexts(
  texts: readonly string[],
  count: PieceCount,
  options: CountTextsOptions = {},
): Promise<number> {
  const sliceChars = options.sliceChars ?? SLICE_CHARS;
  const turnMs = options.turnMs ?? TURN_MS;
  const nextTurn = options.nextTurn ?? yieldToEventLoop;
  const now = options.now ?? (() => performance.now());
  let total = 0;
  let turnStart = now();
  for (const text of texts) {
    const known = options.memo?.get(text);
    if (known !== undefined) {
      total += known;
      continue;
    }
    let tokens = 0;
    for (const slice of textSlices(text, sliceChars)) {
      if (now() - turnStart >= turnMs) {
        await nextTurn();
        options.signal?.throwIfAborted();
        turnStart = now();
      }
      tokens += count(slice);
    }
    options.memo?.set(text, tokens);
    total += tokens;
  }
  return total;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Strings shorter than this are counted directly; longer ones are memoized. */
const MEMO_MIN_CHARS = 256;
/** Total characters of memoized keys kept before the least recently used entries are dropped. */
const MEMO_MAX_CHARS = 4 * 1024 * 1024;

/**
 * Token counts of long texts, least recently used dropped first past 4 Mi characters of keys.
 * Claude Code resends the same system prompt and tool definitions on every call.
 */
export class TextMemo {
  #memo = new Map<string, number>();
  #chars = 0;

  /** The remembered count of `text`, if any. */
  get(text: string): number | undefined {
    if (text.length < MEMO_MIN_CHARS || text.length > MEMO_MAX_CHARS) return undefined;
    const known = this.#memo.get(text);
    if (known !== undefined) { // move to the back so the least recently used goes first
      this.#memo.delete(text);
      this.#memo.set(text, known);
    }
    return known;
  }

  /** Remembers the count of `text` when it is long enough to be worth it. */
  set(text: string, tokens: number): void {
    if (text.length < MEMO_MIN_CHARS || text.length > MEMO_MAX_CHARS) return;
    if (this.#memo.has(text)) return;
    this.#memo.set(text, tokens);
    this.#chars += text.length;
    for (const key of this.#memo.keys()) {
      if (this.#chars <= MEMO_MAX_CHARS) break;
      this.#memo.delete(key);
      this.#chars -= key.length;
    }
  }
}
