// Reads image dimensions from the header of base64 PNG, JPEG, GIF and WebP data without decoding it all.
import { fromBase64 } from "../util/bytes.ts";

/** Pixel dimensions of an image. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Header bytes decoded up front; every format but JPEG keeps its size in the first 30 bytes. */
const HEAD_BYTES = 32;
/** Base64 characters (64 KiB of data) checked for line breaks that would shift byte offsets. */
const WHITESPACE_PROBE_CHARS = Math.ceil(64 * 1024 / 3) * 4;
/** JPEG segments walked before giving up (a real file has a few dozen before its SOF). */
const MAX_JPEG_SEGMENTS = 1024;

/**
 * Returns the width and height stored in the header of base64 image data, or `undefined` when the
 * format is unknown or the header is malformed. Decodes only a bounded prefix, plus a few bytes at
 * each JPEG segment header when the size marker lies further in (after large EXIF or ICC segments).
 *
 * @example
 * imageSize(pngBase64); // { width: 1000, height: 1000 }
 */
export function imageSize(base64: string): ImageSize | undefined {
  const reader = byteReader(base64);
  const head = reader(0, HEAD_BYTES);
  if (head === undefined || head.length < 10) return undefined;
  if (isPng(head)) return pngSize(head);
  if (head[0] === 0xff && head[1] === 0xd8) return jpegSize(reader);
  if (ascii(head, 0, 3) === "GIF") return gifSize(head);
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") return webpSize(head);
  return undefined;
}

/** Returns the decoded bytes [offset, offset + length), fewer at the end, or undefined if invalid. */
type ByteReader = (offset: number, length: number) => Uint8Array | undefined;

function byteReader(input: string): ByteReader {
  let base64 = stripDataUrl(input);
  // Base64 with line breaks would shift every offset; strip whitespace (rare) once.
  if (/\s/.test(base64.slice(0, WHITESPACE_PROBE_CHARS))) base64 = base64.replace(/\s+/g, "");
  return (offset, length) => {
    const start = Math.floor(offset / 3) * 4;
    const end = Math.ceil((offset + length) / 3) * 4;
    if (start >= base64.length) return new Uint8Array(0);
    const bytes = fromBase64(base64.slice(start, end));
    if (bytes === undefined) return undefined;
    const skip = offset % 3;
    return bytes.subarray(skip, skip + length);
  };
}

function stripDataUrl(data: string): string {
  if (!data.startsWith("data:")) return data;
  const comma = data.indexOf(",");
  return comma === -1 ? data : data.slice(comma + 1);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function be16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

function be32(bytes: Uint8Array, offset: number): number {
  return be16(bytes, offset) * 0x10000 + be16(bytes, offset + 2);
}

function le16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8);
}

function le24(bytes: Uint8Array, offset: number): number {
  return le16(bytes, offset) | ((bytes[offset + 2] ?? 0) << 16);
}

function sized(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(head: Uint8Array): boolean {
  return PNG_SIGNATURE.every((byte, i) => head[i] === byte);
}

// Signature (8), IHDR length (4), "IHDR" (4), width (4, big-endian), height (4).
function pngSize(head: Uint8Array): ImageSize | undefined {
  if (head.length < 24 || ascii(head, 12, 4) !== "IHDR") return undefined;
  return sized(be32(head, 16), be32(head, 20));
}

// "GIF87a" or "GIF89a", then the logical screen width and height (little-endian 16 bits).
function gifSize(head: Uint8Array): ImageSize | undefined {
  return sized(le16(head, 6), le16(head, 8));
}

// "RIFF" size "WEBP", then the first chunk: lossy "VP8 ", lossless "VP8L" or extended "VP8X".
function webpSize(head: Uint8Array): ImageSize | undefined {
  switch (ascii(head, 12, 4)) {
    case "VP8 ": // frame tag (3), start code 9d 01 2a, then 14-bit width and height
      if (head.length < 30 || head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a) {
        return undefined;
      }
      return sized(le16(head, 26) & 0x3fff, le16(head, 28) & 0x3fff);
    case "VP8L": { // signature 0x2f, then width-1 and height-1 packed as two 14-bit fields
      if (head.length < 25 || head[20] !== 0x2f) return undefined;
      const bits = le16(head, 21) + le16(head, 23) * 0x10000;
      return sized((bits & 0x3fff) + 1, (Math.floor(bits / 0x4000) & 0x3fff) + 1);
    }
    case "VP8X": // flags (4), then canvas width-1 and height-1 (24 bits each)
      if (head.length < 30) return undefined;
      return sized(le24(head, 24) + 1, le24(head, 27) + 1);
    default:
      return undefined;
  }
}

/** SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 &&
    marker !== 0xcc;
}

// Walks the segment headers from after SOI, reading only the few bytes of each header.
function jpegSize(read: ByteReader): ImageSize | undefined {
  let offset = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    const header = read(offset, 9);
    if (header === undefined || header.length < 4 || header[0] !== 0xff) return undefined;
    const marker = header[1] ?? 0;
    if (marker === 0xff) { // fill byte before a marker
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { // standalone markers
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or start of scan
    if (isStartOfFrame(marker)) {
      return header.length < 9 ? undefined : sized(be16(header, 7), be16(header, 5));
    }
    const length = be16(header, 2);
    if (length < 2) return undefined;
    offset += 2 + length;
  }
  return undefined;
}
