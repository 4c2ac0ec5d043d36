// File steps of the JSONL log: counting lines (and telling start lines), copying a byte range, writing.
import type { FileHandle } from "node:fs/promises";

const COPY_CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;
/** How every start line begins: JSON.stringify writes `event` first. */
const START_PREFIX = new TextEncoder().encode('{"event":"start"');

/** Whether the line (its first bytes) is a start line (`{"event":"start",…}`), not a record. */
export function isStartLine(head: ArrayLike<number>): boolean {
  if (head.length < START_PREFIX.length) return false;
  for (let i = 0; i < START_PREFIX.length; i++) if (head[i] !== START_PREFIX[i]) return false;
  return true;
}

/** The lines of a file from `from` on: their lengths, the file's size, and a torn last line's. */
export interface LineScan {
  /** Byte length (newline included) of each complete line, oldest first. */
  lengths: number[];
  /** Whether each of those lines is a start line. */
  starts: boolean[];
  /** The file's size in bytes. */
  size: number;
  /** The length of a last line with no newline (a write cut short), else 0. */
  tail: number;
}

/** Counts the complete lines of a file from byte `from` (a line start) to its end. */
export async function scanLines(handle: FileHandle, from = 0): Promise<LineScan> {
  const lengths: number[] = [];
  const starts: boolean[] = [];
  const buffer = new Uint8Array(COPY_CHUNK);
  let position = from;
  let current = 0;
  // The first bytes of the current line, enough to tell a start line.
  let head: number[] = [];
  const keepHead = (view: Uint8Array, start: number, end: number) => {
    const want = START_PREFIX.length - head.length;
    if (want > 0) head.push(...view.subarray(start, Math.min(end, start + want)));
  };
  while (true) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    const view = buffer.subarray(0, bytesRead);
    let start = 0;
    for (let i = view.indexOf(NEWLINE); i !== -1; i = view.indexOf(NEWLINE, start)) {
      keepHead(view, start, i);
      lengths.push(current + i + 1 - start);
      starts.push(isStartLine(head));
      head = [];
      current = 0;
      start = i + 1;
    }
    keepHead(view, start, bytesRead);
    current += bytesRead - start;
    position += bytesRead;
  }
  return { lengths, starts, size: position, tail: current };
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
