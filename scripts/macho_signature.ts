// Checks a 64-bit Mach-O executable's embedded code signature, and signs one ad hoc as a linker does.
//
// Apple silicon refuses to start a binary whose signature does not match its bytes, and newer macOS
// kills such a binary on Intel too. `bun build --compile` appends the program to a copy of Bun and
// must sign the result again; for some targets it leaves the runtime's old signature, which no longer
// covers the file. The release build checks every macOS binary here and, when its signature is
// wrong, writes a fresh ad hoc one in the format Go's and Apple's linkers use (one SHA-256
// CodeDirectory, flags adhoc | linker-signed, no requirements, no entitlements), so the binaries can
// still be built on one Linux runner. The macOS jobs then check them with `codesign --verify`.
import { createHash } from "node:crypto";

const MH_MAGIC_64 = 0xfeedfacf;
const MH_EXECUTE = 2;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSSLOT_CODEDIRECTORY = 0;
const CS_ADHOC = 0x2;
const CS_LINKER_SIGNED = 0x20000;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CD_HASH_SHA256 = 2;
const CD_VERSION = 0x20400;
/** SuperBlob header with one index entry. */
const SUPER_BLOB_SIZE = 12 + 8;
/** A version 0x20400 CodeDirectory header, up to the exec segment fields. */
const CODE_DIRECTORY_SIZE = 88;
const PAGE_SHIFT = 12;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const HASH_SIZE = 32;

interface Segment {
  /** Offset of the load command. */
  at: number;
  fileoff: number;
  filesize: number;
}

interface MachO {
  view: DataView;
  filetype: number;
  text?: Segment;
  linkedit?: Segment;
  /** Offset of the LC_CODE_SIGNATURE command, and the signature's place in the file. */
  signature?: { at: number; dataoff: number; datasize: number };
}

function parse(bytes: Uint8Array): MachO {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 32 || view.getUint32(0, true) !== MH_MAGIC_64) {
    throw new Error("Not a 64-bit little-endian Mach-O file");
  }
  const macho: MachO = { view, filetype: view.getUint32(12, true) };
  const ncmds = view.getUint32(16, true);
  let at = 32;
  for (let i = 0; i < ncmds; i++) {
    if (at + 8 > bytes.length) throw new Error("Mach-O load commands run past the end of the file");
    const cmd = view.getUint32(at, true);
    const size = view.getUint32(at + 4, true);
    if (cmd === LC_SEGMENT_64) {
      const name = new TextDecoder().decode(bytes.subarray(at + 8, at + 24)).replace(/\0.*$/s, "");
      const segment = {
        at,
        fileoff: Number(view.getBigUint64(at + 40, true)),
        filesize: Number(view.getBigUint64(at + 48, true)),
      };
      if (name === "__TEXT") macho.text = segment;
      if (name === "__LINKEDIT") macho.linkedit = segment;
    } else if (cmd === LC_CODE_SIGNATURE) {
      macho.signature = {
        at,
        dataoff: view.getUint32(at + 8, true),
        datasize: view.getUint32(at + 12, true),
      };
    }
    if (size < 8) throw new Error("Mach-O load command with a size below 8");
    at += size;
  }
  return macho;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash("sha256").update(bytes).digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * What is wrong with the embedded code signature of a 64-bit Mach-O file: [] when its CodeDirectory
 * covers the whole file up to the signature and every page and special-slot hash matches.
 */
export function machOSignatureProblems(bytes: Uint8Array): string[] {
  const macho = parse(bytes);
  const { view, signature } = macho;
  if (!signature) return ["it has no code signature"];
  const { dataoff, datasize } = signature;
  if (dataoff + datasize > bytes.length) return ["its signature runs past the end of the file"];
  const problems: string[] = [];
  if (dataoff + datasize !== bytes.length) {
    problems.push(`${bytes.length - dataoff - datasize} bytes follow the signature`);
  }
  const linkedit = macho.linkedit;
  if (!linkedit || linkedit.fileoff + linkedit.filesize !== bytes.length) {
    problems.push("__LINKEDIT does not end where the file ends");
  }
  if (view.getUint32(dataoff) !== CSMAGIC_EMBEDDED_SIGNATURE) {
    return [...problems, "the signature is not an embedded signature blob"];
  }
  const count = view.getUint32(dataoff + 8);
  const blobs = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    blobs.set(view.getUint32(dataoff + 12 + i * 8), dataoff + view.getUint32(dataoff + 16 + i * 8));
  }
  const cd = blobs.get(CSSLOT_CODEDIRECTORY);
  if (cd === undefined || view.getUint32(cd) !== CSMAGIC_CODEDIRECTORY) {
    return [...problems, "the signature has no CodeDirectory"];
  }
  const hashOffset = view.getUint32(cd + 16);
  const nSpecialSlots = view.getUint32(cd + 24);
  const nCodeSlots = view.getUint32(cd + 28);
  const codeLimit = view.getUint32(cd + 32);
  const hashSize = view.getUint8(cd + 36);
  const hashType = view.getUint8(cd + 37);
  const pageSize = 2 ** view.getUint8(cd + 39);
  if (hashType !== CD_HASH_SHA256 || hashSize !== HASH_SIZE) {
    return [...problems, `the CodeDirectory uses hash type ${hashType}, not SHA-256`];
  }
  if (codeLimit !== dataoff) {
    problems.push(`the signature covers ${codeLimit} bytes but the code runs to ${dataoff}`);
  }
  if (nCodeSlots !== Math.ceil(codeLimit / pageSize)) {
    problems.push(`${nCodeSlots} page hashes for ${codeLimit} bytes of ${pageSize}-byte pages`);
  }
  const slot = (n: number) =>
    bytes.subarray(cd + hashOffset + n * hashSize, cd + hashOffset + (n + 1) * hashSize);
  let wrong = 0;
  for (let page = 0; page < nCodeSlots; page++) {
    const start = page * pageSize;
    const hash = sha256(bytes.subarray(start, Math.min(start + pageSize, codeLimit)));
    if (!sameBytes(hash, slot(page))) wrong++;
  }
  if (wrong > 0) problems.push(`${wrong} of ${nCodeSlots} page hashes do not match`);
  for (let special = 1; special <= nSpecialSlots; special++) {
    const blob = blobs.get(special);
    const expected = blob === undefined
      ? new Uint8Array(hashSize)
      : sha256(bytes.subarray(blob, blob + view.getUint32(blob + 4)));
    if (!sameBytes(expected, slot(-special))) {
      problems.push(`special slot ${special} does not match`);
    }
  }
  return problems;
}

/** The size of the ad hoc signature {@linkcode adHocSign} writes for `codeLimit` bytes of code. */
export function adHocSignatureSize(codeLimit: number, identifier: string): number {
  const id = new TextEncoder().encode(identifier).length + 1;
  return SUPER_BLOB_SIZE + CODE_DIRECTORY_SIZE + id + Math.ceil(codeLimit / PAGE_SIZE) * HASH_SIZE;
}

/**
 * A copy of a signed 64-bit Mach-O executable with its signature replaced by an ad hoc,
 * linker-style one named `identifier`: the code is everything before the old signature, and
 * `__LINKEDIT` and LC_CODE_SIGNATURE are resized to the new one.
 */
export function adHocSign(bytes: Uint8Array, identifier: string): Uint8Array<ArrayBuffer> {
  const macho = parse(bytes);
  const { signature, linkedit, text } = macho;
  if (!signature) throw new Error("Mach-O file without LC_CODE_SIGNATURE: nothing to replace");
  if (!linkedit || !text) throw new Error("Mach-O file without __TEXT or __LINKEDIT");
  if (linkedit.fileoff + linkedit.filesize !== bytes.length) {
    throw new Error("__LINKEDIT does not end where the file ends");
  }
  const codeLimit = signature.dataoff;
  const size = adHocSignatureSize(codeLimit, identifier);
  const out = new Uint8Array(codeLimit + size);
  out.set(bytes.subarray(0, codeLimit));
  const view = new DataView(out.buffer);
  view.setUint32(signature.at + 12, size, true);
  const filesize = codeLimit + size - linkedit.fileoff;
  view.setBigUint64(linkedit.at + 48, BigInt(filesize), true);
  const vmsize = Number(view.getBigUint64(linkedit.at + 32, true));
  const rounded = Math.ceil(filesize / 0x4000) * 0x4000;
  if (vmsize < rounded) view.setBigUint64(linkedit.at + 32, BigInt(rounded), true);

  const id = new TextEncoder().encode(identifier);
  const slots = Math.ceil(codeLimit / PAGE_SIZE);
  const hashOffset = CODE_DIRECTORY_SIZE + id.length + 1;
  const at = codeLimit;
  view.setUint32(at, CSMAGIC_EMBEDDED_SIGNATURE);
  view.setUint32(at + 4, size);
  view.setUint32(at + 8, 1);
  view.setUint32(at + 12, CSSLOT_CODEDIRECTORY);
  view.setUint32(at + 16, SUPER_BLOB_SIZE);
  const cd = at + SUPER_BLOB_SIZE;
  view.setUint32(cd, CSMAGIC_CODEDIRECTORY);
  view.setUint32(cd + 4, size - SUPER_BLOB_SIZE);
  view.setUint32(cd + 8, CD_VERSION);
  view.setUint32(cd + 12, CS_ADHOC | CS_LINKER_SIGNED);
  view.setUint32(cd + 16, hashOffset);
  view.setUint32(cd + 20, CODE_DIRECTORY_SIZE);
  view.setUint32(cd + 24, 0);
  view.setUint32(cd + 28, slots);
  view.setUint32(cd + 32, codeLimit);
  view.setUint8(cd + 36, HASH_SIZE);
  view.setUint8(cd + 37, CD_HASH_SHA256);
  view.setUint8(cd + 39, PAGE_SHIFT);
  view.setBigUint64(cd + 64, BigInt(text.fileoff));
  view.setBigUint64(cd + 72, BigInt(text.filesize));
  view.setBigUint64(cd + 80, BigInt(macho.filetype === MH_EXECUTE ? CS_EXECSEG_MAIN_BINARY : 0));
  out.set(id, cd + CODE_DIRECTORY_SIZE);
  for (let page = 0; page < slots; page++) {
    const start = page * PAGE_SIZE;
    out.set(
      sha256(out.subarray(start, Math.min(start + PAGE_SIZE, codeLimit))),
      cd + hashOffset + page * HASH_SIZE,
    );
  }
  return out;
}
