// Cuts text into bounded slices, where possible at points the o200k pre-split also cuts at.

/**
 * Yields slices of `text`, each at most `maxChars` long, that join back into `text`. A slice ends,
 * where it can, before a space that sits between two non-space characters (` word`, ` 42`, ` {`):
 * the o200k pre-split starts a new piece there, so counting the slices apart gives the same total
 * as counting `text` whole. A run with no such space (a long word, a run of `=`, a paragraph of
 * Chinese) is cut at `maxChars`, never inside a surrogate pair; that cut may cost a token or so.
 *
 * @example
 * [...textSlices("one two three", 8)]; // ["one two", " three"]
 */
export function* textSlices(text: string, maxChars: number): Generator<string> {
  if (!(maxChars >= 2)) throw new RangeError(`maxChars must be at least 2, got ${maxChars}`);
  let start = 0;
  while (text.length - start > maxChars) {
    const end = cutBefore(text, start, start + maxChars);
    yield text.slice(start, end);
    start = end;
  }
  if (start < text.length) yield text.slice(start);
}

/**
 * The last piece boundary in `(start, limit]`, or `limit` moved off a surrogate pair. Taking the
 * last one keeps the work linear: a slice that ends early leaves no boundary after it in reach.
 */
function cutBefore(text: string, start: number, limit: number): number {
  for (let i = limit; i > start; i--) {
    if (text.charCodeAt(i) === 0x20 && !isSpace(text[i - 1]!) && !isSpace(text[i + 1] ?? " ")) {
      return i;
    }
  }
  const before = text.charCodeAt(limit - 1);
  return before >= 0xd800 && before <= 0xdbff ? limit - 1 : limit;
}

function isSpace(char: string): boolean {
  return /\s/.test(char);
}

/**
 * Yields slices of `text` of at most `maxBytes` bytes of UTF-8 each (at least one character),
 * never cutting a surrogate pair, that join back into `text`. A BPE encoder works on bytes: 128
 * bytes are 128 ASCII letters but only 42 Chinese characters.
 *
 * @example
 * [...utf8Slices("世界世界", 6)]; // ["世界", "世界"]
 */
export function* utf8Slices(text: string, maxBytes: number): Generator<string> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + width > maxBytes && i > start) {
      yield text.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += width;
    i += pair ? 2 : 1;
  }
  if (start < text.length) yield text.slice(start);
}
