// scripts/macho_signature.ts: checking a Mach-O code signature, and signing one ad hoc when it is stale.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  adHocSign,
  adHocSignatureSize,
  machOSignatureProblems,
} from "../../scripts/macho_signature.ts";
import { ensureMacSignature } from "../../scripts/compile.ts";
import { withTempDir } from "../helpers/paths.ts";

const TEXT_SIZE = 3 * 4096 + 100;

/**
 * A small 64-bit Mach-O executable: __TEXT, __LINKEDIT and LC_CODE_SIGNATURE, `code` bytes of code
 * and `signature` as the signature blob at the end.
 */
function machO(code: number, signature: Uint8Array): Uint8Array<ArrayBuffer> {
  const commands = 72 + 72 + 16;
  const bytes = new Uint8Array(code + signature.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xfeedfacf, true);
  view.setUint32(4, 0x100000c, true);
  view.setUint32(12, 2, true);
  view.setUint32(16, 3, true);
  view.setUint32(20, commands, true);
  const segment = (at: number, name: string, fileoff: number, filesize: number) => {
    view.setUint32(at, 0x19, true);
    view.setUint32(at + 4, 72, true);
    bytes.set(new TextEncoder().encode(name), at + 8);
    view.setBigUint64(at + 32, BigInt(Math.ceil(filesize / 0x4000) * 0x4000), true);
    view.setBigUint64(at + 40, BigInt(fileoff), true);
    view.setBigUint64(at + 48, BigInt(filesize), true);
  };
  const text = TEXT_SIZE;
  segment(32, "__TEXT", 0, text);
  segment(104, "__LINKEDIT", text, bytes.length - text);
  view.setUint32(176, 0x1d, true);
  view.setUint32(180, 16, true);
  view.setUint32(184, code, true);
  view.setUint32(188, signature.length, true);
  for (let i = 32 + commands; i < code; i++) bytes[i] = (i * 7) % 251;
  bytes.set(signature, code);
  return bytes;
}

function signed(code = TEXT_SIZE + 64): Uint8Array<ArrayBuffer> {
  return adHocSign(machO(code, new Uint8Array(32)), "claude-proxy");
}

Deno.test("an ad hoc signature covers every page up to itself and checks clean", () => {
  const file = signed();
  assert.deepEqual(machOSignatureProblems(file), []);
  assert.equal(file.length, TEXT_SIZE + 64 + adHocSignatureSize(TEXT_SIZE + 64, "claude-proxy"));
  assert.ok(new TextDecoder().decode(file).includes("claude-proxy\0"));
});

Deno.test("a byte changed after signing is a page hash that does not match", () => {
  const file = signed();
  file[5000]! ^= 1;
  assert.deepEqual(machOSignatureProblems(file), ["1 of 4 page hashes do not match"]);
});

Deno.test("a program appended after signing leaves the signature covering too little, and signing again mends it", () => {
  // As `bun build --compile` leaves darwin-x64: the runtime's signature, the program added before it.
  const old = signed();
  const codeLimit = old.length - adHocSignatureSize(TEXT_SIZE + 64, "claude-proxy");
  const grown = machO(codeLimit + 8192, old.subarray(codeLimit));
  grown.set(old.subarray(0, 32 + 160), 0);
  new DataView(grown.buffer).setUint32(184, codeLimit + 8192, true);
  new DataView(grown.buffer).setBigUint64(104 + 48, BigInt(grown.length - TEXT_SIZE), true);
  const problems = machOSignatureProblems(grown);
  assert.ok(
    problems.includes(
      `the signature covers ${codeLimit} bytes but the code runs to ${codeLimit + 8192}`,
    ),
    problems.join("; "),
  );
  assert.ok(problems.some((p) => /page hashes do not match/.test(p)), problems.join("; "));
  assert.deepEqual(machOSignatureProblems(adHocSign(grown, "claude-proxy")), []);
});

Deno.test("bytes left after the signature and a __LINKEDIT that stops short are named", () => {
  const file = signed();
  const longer = new Uint8Array(file.length + 16);
  longer.set(file);
  assert.deepEqual(machOSignatureProblems(longer), [
    "16 bytes follow the signature",
    "__LINKEDIT does not end where the file ends",
  ]);
  assert.throws(() => adHocSign(longer, "x"), /__LINKEDIT does not end where the file ends/);
});

Deno.test("a special slot is checked against the blob it names", () => {
  // A SuperBlob holding a CodeDirectory with two special slots and an empty requirements blob.
  const file = signed();
  const at = file.length - adHocSignatureSize(TEXT_SIZE + 64, "claude-proxy");
  const requirements = new Uint8Array([0xfa, 0xde, 0x0c, 0x01, 0, 0, 0, 12, 0, 0, 0, 0]);
  const cd = file.subarray(at + 20);
  const cdView = new DataView(cd.buffer, cd.byteOffset);
  const hashOffset = cdView.getUint32(16);
  const idLength = hashOffset - 88;
  // Two special slots fit in the identifier's place when it is moved out: rebuild the directory.
  const slots = cd.subarray(hashOffset);
  const directory = new Uint8Array(88 + idLength + 64 + slots.length);
  directory.set(cd.subarray(0, 88));
  directory.set(cd.subarray(88, hashOffset), 88);
  const view = new DataView(directory.buffer);
  view.setUint32(4, directory.length);
  view.setUint32(16, hashOffset + 64);
  view.setUint32(24, 2);
  directory.set(createHash("sha256").update(requirements).digest(), hashOffset);
  directory.set(slots, hashOffset + 64);
  const blob = new Uint8Array(28 + directory.length + requirements.length);
  const blobView = new DataView(blob.buffer);
  blobView.setUint32(0, 0xfade0cc0);
  blobView.setUint32(4, blob.length);
  blobView.setUint32(8, 2);
  blobView.setUint32(12, 0);
  blobView.setUint32(16, 28);
  blobView.setUint32(20, 2);
  blobView.setUint32(24, 28 + directory.length);
  blob.set(directory, 28);
  blob.set(requirements, 28 + directory.length);
  const withSlots = machO(at, blob);
  withSlots.set(file.subarray(0, at));
  new DataView(withSlots.buffer).setUint32(188, blob.length, true);
  new DataView(withSlots.buffer).setBigUint64(104 + 48, BigInt(withSlots.length - TEXT_SIZE), true);
  // The header changed (the signature's size), so the first page no longer matches; slot 2 does.
  assert.deepEqual(machOSignatureProblems(withSlots), ["1 of 4 page hashes do not match"]);
  withSlots[withSlots.length - 1] = 1;
  assert.deepEqual(machOSignatureProblems(withSlots), [
    "1 of 4 page hashes do not match",
    "special slot 2 does not match",
  ]);
});

Deno.test("a file that is not a signed 64-bit Mach-O is refused with the reason", () => {
  assert.throws(
    () => machOSignatureProblems(new Uint8Array(64)),
    /Not a 64-bit little-endian Mach-O/,
  );
  const unsigned = machO(TEXT_SIZE, new Uint8Array(0));
  new DataView(unsigned.buffer).setUint32(16, 2, true);
  assert.deepEqual(machOSignatureProblems(unsigned), ["it has no code signature"]);
  assert.throws(() => adHocSign(unsigned, "x"), /without LC_CODE_SIGNATURE/);
});

Deno.test("ensureMacSignature leaves a good signature alone and signs a stale one again", async () => {
  await withTempDir("claude-proxy-macho-", async (dir) => {
    const good = signed();
    await Deno.writeFile(`${dir}/good`, good);
    assert.deepEqual(await ensureMacSignature(`${dir}/good`), []);
    assert.deepEqual(await Deno.readFile(`${dir}/good`), good);

    const stale = signed();
    stale[5000]! ^= 1;
    await Deno.writeFile(`${dir}/stale`, stale);
    assert.deepEqual(await ensureMacSignature(`${dir}/stale`), ["1 of 4 page hashes do not match"]);
    assert.deepEqual(machOSignatureProblems(await Deno.readFile(`${dir}/stale`)), []);
  });
});
