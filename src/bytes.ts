// Byte-array helpers shared by the request reader, the passthrough tee and the request log.

/**
 * The parts as one array: the part itself when there is only one, else one copy of all of them.
 *
 * @example
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 */
export function concatBytes<T extends ArrayBufferLike>(
  parts: readonly Uint8Array<T>[],
  total: number = parts.reduce((size, part) => size + part.length, 0),
): Uint8Array<T> | Uint8Array<ArrayBuffer> {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
