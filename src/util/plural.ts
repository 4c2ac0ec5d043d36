// Counted nouns for notes and messages ("1 result", "2 results"). Pure.

/** `count noun(s)`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
