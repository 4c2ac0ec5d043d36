// Token counting by pieces: a BPE tokenizer's own pre-split, then a bounded cache of each piece's count.
import { utf8Slices } from "./text_slices.ts";

/** Counts the tokens of one piece of text. */
export type PieceCount = (piece: string) => number;

/** Options for {@linkcode pieceCounter}. */
export interface PieceCounterOptions {
  /** Distinct pieces kept before the cache starts over. Defaults to 65536. */
  maxPieces?: number;
  /** Longer pieces (runs of base64, long rules of `=`) are counted each time. Defaults to 64. */
  maxPieceChars?: number;
  /**
   * The longest piece handed to `count`, in bytes of UTF-8; longer ones are cut into pieces of
   * this size. A BPE encoder's work grows with the square of a piece's length, and a run without
   * spaces is one piece. Defaults to {@linkcode MAX_ENCODE_BYTES}.
   */
  maxEncodeBytes?: number;
}

/**
 * The longest piece the o200k encoder is given, in bytes of UTF-8 (128 ASCII characters, 42
 * Chinese ones). A cut inside a run costs at most a token or so (the run's tokens on each side of
 * the cut no longer merge): about 0.3% more tokens on a run of random letters, none on a run of
 * one letter or of Chinese (bench/count_tokens_long.ts measures it). No o200k token is longer
 * than 128 bytes, and up to this size encoding costs about the same per byte; a piece of 1024
 * bytes already costs three times as much per byte.
 */
export const MAX_ENCODE_BYTES = 128;

const DEFAULT_MAX_PIECES = 65_536;
const DEFAULT_MAX_PIECE_CHARS = 64;

/**
 * Counts tokens the way a tiktoken-style encoder does, faster and in time linear in the text.
 * Such an encoder first splits text with its pre-tokenizer regex and encodes each piece on its
 * own, so a text's count is the sum of its pieces' counts. This splits with the same regex in one
 * native `match` and asks `count` only for pieces it has not seen; most pieces are common words,
 * spaces and punctuation that every prompt repeats, so a new prompt mostly costs the split and one
 * lookup per piece. A piece longer than `maxEncodeBytes` is counted in slices of that size. The
 * result equals `count(text)` as long as `split` is the encoder's own regex, special tokens are
 * counted as plain text, and no piece is longer than `maxEncodeBytes`.
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
  const maxEncodeBytes = options.maxEncodeBytes ?? MAX_ENCODE_BYTES;
  const surelyShort = Math.floor(maxEncodeBytes / 3);
  // A private global copy: `match` then returns every piece, and no caller's lastIndex is shared.
  const regex = new RegExp(
    split.source,
    split.flags.includes("g") ? split.flags : split.flags + "g",
  );
  let known = new Map<string, number>();
  const countPiece = (piece: string) => {
    let tokens = known.get(piece);
    if (tokens === undefined) {
      tokens = count(piece);
      if (piece.length <= maxPieceChars) {
        if (known.size >= maxPieces) known = new Map();
        known.set(piece, tokens);
      }
    }
    return tokens;
  };
  return (text) => {
    const pieces = text.match(regex);
    if (pieces === null) return 0;
    let total = 0;
    for (const piece of pieces) {
      if (piece.length <= surelyShort) total += countPiece(piece);
      else for (const slice of utf8Slices(piece, maxEncodeBytes)) total += countPiece(slice);
    }
    return total;
  };
}
