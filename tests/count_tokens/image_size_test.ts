// Tests for reading image dimensions from base64 headers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { imageSize } from "../../src/count_tokens/image_size.ts";

const FIXTURES = new URL("../fixtures/images/", import.meta.url);

function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function concat(...parts: Array<Uint8Array | number[]>): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function le32(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];
}

const REAL_FILES: Array<[string, number, number]> = [
  ["rgb_37x23.png", 37, 23],
  ["white_1000x1000.png", 1000, 1000],
  ["gif_41x17.gif", 41, 17],
  ["baseline_53x29.jpg", 53, 29],
  ["progressive_31x47.jpg", 31, 47],
  ["lossy_45x27.webp", 45, 27],
  ["lossless_33x19.webp", 33, 19],
  ["alpha_29x61.webp", 29, 61],
];

for (const [name, width, height] of REAL_FILES) {
  Deno.test(`imageSize reads ${width}x${height} from the encoder-made ${name}`, () => {
    assert.deepEqual(imageSize(toBase64(fixtureBytes(name))), { width, height });
  });
}

Deno.test("imageSize finds a JPEG frame size behind 120 KB of APP segments", () => {
  const jpeg = fixtureBytes("baseline_53x29.jpg");
  const app = (marker: number) => concat([0xff, marker, 0xea, 0x62], new Uint8Array(60_000));
  const padded = concat(jpeg.subarray(0, 2), app(0xe1), app(0xe2), jpeg.subarray(2));
  assert.ok(padded.length > 120_000);
  assert.deepEqual(imageSize(toBase64(padded)), { width: 53, height: 29 });
});

Deno.test("imageSize skips fill bytes between JPEG segments", () => {
  const jpeg = fixtureBytes("baseline_53x29.jpg");
  const filled = concat(jpeg.subarray(0, 2), [0xff, 0xff, 0xff], jpeg.subarray(2));
  assert.deepEqual(imageSize(toBase64(filled)), { width: 53, height: 29 });
});

Deno.test("imageSize returns undefined for a JPEG cut before its frame header", () => {
  const jpeg = fixtureBytes("baseline_53x29.jpg");
  const cut = concat(jpeg.subarray(0, 2), [0xff, 0xe1, 0xea, 0x62], new Uint8Array(100));
  assert.equal(imageSize(toBase64(cut)), undefined);
});

Deno.test("imageSize decodes the 14-bit VP8L fields at their maximum", () => {
  const bits = (16384 - 1) | ((3 - 1) << 14);
  const webp = concat(ascii("RIFF"), le32(100), ascii("WEBPVP8L"), le32(80), [0x2f], le32(bits));
  assert.deepEqual(imageSize(toBase64(webp)), { width: 16384, height: 3 });
});

Deno.test("imageSize decodes the 24-bit VP8X canvas fields", () => {
  const size = [...le32(20000 - 1).slice(0, 3), ...le32(300 - 1).slice(0, 3)];
  const webp = concat(ascii("RIFF"), le32(100), ascii("WEBPVP8X"), le32(10), [0, 0, 0, 0], size);
  assert.deepEqual(imageSize(toBase64(webp)), { width: 20000, height: 300 });
});

Deno.test("imageSize accepts a data URL and base64 wrapped at 76 characters", () => {
  const base64 = toBase64(fixtureBytes("baseline_53x29.jpg"));
  const wrapped = base64.replace(/.{76}/g, "$&\r\n");
  assert.notEqual(wrapped, base64);
  assert.deepEqual(imageSize(wrapped), { width: 53, height: 29 });
  assert.deepEqual(imageSize(`data:image/jpeg;base64,${base64}`), { width: 53, height: 29 });
});

Deno.test("imageSize returns undefined for unknown, truncated or invalid data", () => {
  const png = fixtureBytes("rgb_37x23.png");
  assert.equal(imageSize(""), undefined);
  assert.equal(imageSize("not base64 at all!"), undefined);
  assert.equal(imageSize(btoa("just some plain text, not an image")), undefined);
  assert.equal(imageSize(toBase64(png.subarray(0, 20))), undefined);
  const zeroWidth = png.slice(0, 24);
  zeroWidth.fill(0, 16, 20);
  assert.equal(imageSize(toBase64(zeroWidth)), undefined);
});
