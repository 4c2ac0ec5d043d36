// File steps of the JSONL log: counting lines, copying a byte range, writing a buffer whole.
import type { FileHandle } from "node:fs/promises";

const COPY_CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;

/** The lines of a file from `from` on: their lengths, the file's size, and a torn last line's. */
export interface LineScan {
  /** Byte length (newline included) of each complete line, oldest first. */
  lengths: number[];
  /** The file's size in bytes. */
  size: number;
  /** The length of a last line with no newline (a write cut short), else 0. */
  tail: number;
}

/** Counts the complete lines of a file from byte `from` (a line start) to its end. */
export async function scanLines(handle: FileHandle, from = 0): Promise<LineScan> {
  const lengths: number[] = [];
  const buffer = new Uint8Array(COPY_CHUNK);
  let position = from;
  let current = 0;
  while (true) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    const view = buffer.subarray(0, bytesRead);
    let start = 0;
    for (let i = view.indexOf(NEWLINE); i !== -1; i = view.indexOf(NEWLINE, start)) {
      lengths.push(current + i + 1 - start);
      current = 0;
      start = i + 1;
    }
    current += bytesRead - start;
    position += bytesRead;
  }
  return { lengths, size: position, tail: current };
}

/** Copies bytes `start` to `end` of one file to the end of another. */
export async function copyRange(
  from: FileHandle,
  to: FileHandle,
  range: { start: number; end: number },
): Promise<void> {
  const { start, end } = range;
  const buffer = new Uint8Array(Math.min(COPY_CHUNK, Math.max(1, end - start)));
  for (let position = start; position < end;) {
    const want = Math.min(buffer.length, end - position);
    const { bytesRead } = await from.read(buffer, 0, want, position);
    if (bytesRead === 0) throw new Error(`Cannot compact the request log: file ended early`);
    await writeAll(to, buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/** Writes all of `bytes` (normally in one write() call) at the handle's position or end. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    if (bytesWritten <= 0) throw new Error("Cannot write the request log: no progress");
    offset += bytesWritten;
  }
}
