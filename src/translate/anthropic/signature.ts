// The proxy's thinking-block signatures: stateless marks that record which provider a thinking block came
// from, so a block sent back in history can be recognised and its origin known. Pure.
import { fromBase64Url, toBase64Url } from "../../util/bytes.ts";
import { fnv1a } from "../../util/hash.ts";

/** The prefix of every signature the proxy makes or wraps (format version 1). */
export const SIGNATURE_PREFIX = "cpx1.";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** What a proxy signature says: the provider that made the block and, when wrapped, its own signature. */
export interface SignatureInfo {
  origin: string;
  /** The provider's own signature (or redacted data), for a wrapped signature; absent for a made one. */
  original?: string;
}

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
  const body = signatureBody(origin);
  return `${body}.${fnv1a(body)}`;
}

/**
 * Wraps a provider's own signature (or redacted-thinking data) with its origin:
 * `cpx1.<base64url(origin)>.<checksum>.<original>`, the checksum covering origin and original.
 *
 * @example
 * ```ts
 * const wrapped = wrapSignature("anthropic", "EqQBCkYIBxgC");
 * parseSignature(wrapped); // → { origin: "anthropic", original: "EqQBCkYIBxgC" }
 * ```
 */
export function wrapSignature(origin: string, original: string): string {
  const body = signatureBody(origin);
  return `${body}.${fnv1a(`${body}.${original}`)}.${original}`;
}

/** Reads a signature made or wrapped by the proxy; undefined for any other or damaged value. */
export function parseSignature(signature: string | undefined): SignatureInfo | undefined {
  if (typeof signature !== "string" || !signature.startsWith(SIGNATURE_PREFIX)) return undefined;
  const rest = signature.slice(SIGNATURE_PREFIX.length);
  const originEnd = rest.indexOf(".");
  if (originEnd < 1) return undefined;
  const body = SIGNATURE_PREFIX + rest.slice(0, originEnd);
  const tail = rest.slice(originEnd + 1);
  const sumEnd = tail.indexOf(".");
  const sum = sumEnd === -1 ? tail : tail.slice(0, sumEnd);
  const original = sumEnd === -1 ? undefined : tail.slice(sumEnd + 1);
  if (sum !== fnv1a(original === undefined ? body : `${body}.${original}`)) return undefined;
  const bytes = fromBase64Url(rest.slice(0, originEnd));
  if (bytes === undefined || bytes.length === 0) return undefined;
  let origin: string;
  try {
    origin = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  return original === undefined ? { origin } : { origin, original };
}

/** The provider's own signature inside a signature wrapped for `origin`; undefined otherwise. */
export function unwrapSignature(signature: string | undefined, origin: string): string | undefined {
  const info = parseSignature(signature);
  return info?.origin === origin ? info.original : undefined;
}

function signatureBody(origin: string): string {
  if (origin === "") throw new TypeError("Cannot make a signature: origin is empty");
  return SIGNATURE_PREFIX + toBase64Url(encoder.encode(origin));
}

/** Marks a wrapped signature's payload as the thinking text of a block sent with display "omitted". */
const OMITTED_THINKING_MARK = "cpxt.";

/**
 * The signature for a thinking block sent empty (`thinking.display: "omitted"`): `signature`
 * (one made by {@linkcode makeSignature}) with the thinking text carried inside it, so the text can
 * go back upstream when the block returns in history, as Anthropic's encrypted signatures do.
 * Any other signature is returned as it is.
 */
export function omittedThinkingSignature(signature: string, thinking: string): string {
  const info = parseSignature(signature);
  if (info === undefined || info.original !== undefined) return signature;
  return wrapSignature(info.origin, OMITTED_THINKING_MARK + toBase64Url(encoder.encode(thinking)));
}

/** The thinking text carried by a signature from {@linkcode omittedThinkingSignature}, if any. */
export function omittedThinking(signature: string | undefined): string | undefined {
  const original = parseSignature(signature)?.original;
  if (original === undefined || !original.startsWith(OMITTED_THINKING_MARK)) return undefined;
  const bytes = fromBase64Url(original.slice(OMITTED_THINKING_MARK.length));
  if (bytes === undefined) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
