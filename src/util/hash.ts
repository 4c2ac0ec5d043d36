// A small, stable, non-cryptographic hash for names and checksums.

/**
 * 8 hex digits of the 32-bit FNV-1a hash of the string's UTF-16 code units.
 *
 * @example
 * fnv1a(""); // "811c9dc5"
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
