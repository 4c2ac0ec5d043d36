// Byte-array helpers shared by the request reader, the passthrough tee, the request log, and base64 for ids, signatures and search extracts. Pure.

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

/** `bytes` as standard base64 (`+`, `/`, `=` padding). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `bytes` as unpadded base64url (`-`, `_`), for ids and signatures. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The bytes of standard base64 `text`; undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** The bytes of base64url `text` (padded or not); undefined when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  return fromBase64(text.replaceAll("-", "+").replaceAll("_", "/"));
}
