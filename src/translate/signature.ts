// The proxy's own thinking-block signature: stateless, so a thinking block sent back in history can be
// recognised as ours and its origin known. Pure.

/** The prefix of every signature the proxy makes (format version 1). */
export const SIGNATURE_PREFIX = "cpx1.";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Makes the signature for a thinking block produced by `origin` (a provider name):
 * `cpx1.<base64url(origin)>.<checksum>`, where the checksum is 8 hex digits of FNV-1a.
 *
 * @example
 * ```ts
 * makeSignature("deepseek"); // → "cpx1.ZGVlcHNlZWs.<8 hex digits>"
 * ```
 */
export function makeSignature(origin: string): string {
  if (origin === "") throw new TypeError("Cannot make a signature: origin is empty");
  const body = SIGNATURE_PREFIX + toBase64Url(encoder.encode(origin));
  return `${body}.${checksum(body)}`;
}

/** Reads a signature made by {@linkcode makeSignature}; undefined for any other or damaged value. */
export function parseSignature(signature: string | undefined): { origin: string } | undefined {
  if (typeof signature !== "string" || !signature.startsWith(SIGNATURE_PREFIX)) return undefined;
  const dot = signature.lastIndexOf(".");
  if (dot < SIGNATURE_PREFIX.length) return undefined;
  const body = signature.slice(0, dot);
  if (signature.slice(dot + 1) !== checksum(body)) return undefined;
  const bytes = fromBase64Url(body.slice(SIGNATURE_PREFIX.length));
  if (bytes === undefined || bytes.length === 0) return undefined;
  try {
    return { origin: decoder.decode(bytes) };
  } catch {
    return undefined;
  }
}

function checksum(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}
