// Token counting by pieces: a BPE tokenizer's own pre-split, then a bounded cache of each piece's count.

/** Counts the tokens of one piece of text. */
export type PieceCount = (piece: string) => number;

/** Options for {@linkcode pieceCounter}. */
export interface PieceCounterOptions {
  /** Distinct pieces kept before the cache starts over. Defaults to 65536. */
  maxPieces?: number;
  /** Longer pieces (runs of base64, long rules of `=`) are counted each time. Defaults to 64. */
  maxPieceChars?: number;
}

const DEFAULT_MAX_PIECES = 65_536;
const DEFAULT_MAX_PIECE_CHARS = 64;

/**
 * Counts tokens the way a tiktoken-style encoder does, faster. Such an encoder first splits text
 * with its pre-tokenizer regex and encodes each piece on its own, so a text's count is the sum
 * of its pieces' counts. This splits with the same regex in one native `match` and asks `count`
 * only for pieces it has not seen; most pieces are common words, spaces and punctuation that
 * every prompt repeats, so a new prompt mostly costs the split and one lookup per piece. The
 * result equals `count(text)` as long as `split` is the encoder's own regex and special tokens
 * are counted as plain text.
 *
 * @example
 * import { countTokens } from "gpt-tokenizer";
 * import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
 * const plain = { disallowedSpecial: new Set<string>() };
 * const count = pieceCounter((piece) => countTokens(piece, plain), O200K_TOKEN_SPLIT_REGEX);
 * count("Hello, world"); // 3
 */
export function pieceCounter(
  count: PieceCount,
  split: RegExp,
  options: PieceCounterOptions = {},
): PieceCount {
  const maxPieces = options.maxPieces ?? DEFAULT_MAX_PIECES;
  const maxPieceChars = options.maxPieceChars ?? DEFAULT_MAX_PIECE_CHARS;
  // A private global copy: `match` then returns every piece, and no caller's lastIndex is shared.
  const regex = new RegExp(
    split.source,
    split.flags.includes("g") ? split.flags : split.flags + "g",
  );
  let known = new Map<string, number>();
  return (text) => {
    const pieces = text.match(regex);
    if (pieces === null) return 0;
    let total = 0;
    for (const piece of pieces) {
      let tokens = known.get(piece);
      if (tokens === undefined) {
        tokens = count(piece);
        if (piece.length <= maxPieceChars) {
          if (known.size >= maxPieces) known = new Map();
          known.set(piece, tokens);
        }
      }
      total += tokens;
    }
    return total;
  };
}
