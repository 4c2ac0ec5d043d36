// Long runs of text without spaces, the worst case for a BPE tokenizer, made the same every time.

/** Common Chinese characters: a run of them is one o200k piece, as long as the paragraph. */
export const CHINESE =
  "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生";

/** `n` characters drawn from `alphabet` by a pseudo-random sequence fixed by `seed`. */
export function randomRun(
  n: number,
  alphabet = "abcdefghijklmnopqrstuvwxyz",
  seed = 12345,
): string {
  const chars = Array.from(alphabet);
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(chars[(x >>> 16) % chars.length]!);
  }
  return out.join("");
}
