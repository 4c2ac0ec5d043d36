// Streams the records of a JSONL request log without holding the file in memory, whole or from its tail.
import { open } from "node:fs/promises";
import { concatBytes } from "../util/bytes.ts";
import { asLogRecord, type RequestLogRecord } from "./record.ts";

/** Options for {@linkcode logRecords}. */
export interface LogRecordsOptions {
  /** Read only the last this many bytes (the first, partial line is skipped). */
  tailBytes?: number;
  /**
   * Parse only the lines that hold this text (e.g. `"session_id":"…"`); the others are skipped
   * without being parsed.
   */
  containing?: string;
}

const CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * The records of the log at `path`, oldest first, read a chunk at a time. Lines that are not
 * records (start lines, a torn last line, lines some other program wrote) are skipped.
 *
 * @example
 * for await (const record of logRecords(path, { tailBytes: 1 << 20 })) total += record.total_ms;
 */
export async function* logRecords(
  path: string,
  options: LogRecordsOptions = {},
): AsyncGenerator<RequestLogRecord> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    let position = options.tailBytes === undefined ? 0 : Math.max(0, size - options.tailBytes);
    let skipFirst = position > 0;
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(CHUNK);
    let held: Uint8Array[] = [];
    while (position < size) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(CHUNK, size - position),
        position,
      );
      if (bytesRead === 0) break;
      position += bytesRead;
      const view = buffer.subarray(0, bytesRead);
      let start = 0;
      for (let end = view.indexOf(NEWLINE); end !== -1; end = view.indexOf(NEWLINE, start)) {
        const part = view.subarray(start, end);
        start = end + 1;
        const line = held.length > 0 ? concatBytes([...held, part]) : part;
        held = [];
        if (skipFirst) {
          skipFirst = false;
          continue;
        }
        const record = parseLine(decoder.decode(line), options.containing);
        if (record) yield record;
      }
      // The rest of the chunk begins a line that ends in a later chunk (or is torn).
      if (start < view.length) held.push(view.slice(start));
    }
  } finally {
    await handle.close();
  }
}

function parseLine(text: string, containing: string | undefined): RequestLogRecord | undefined {
  if (containing !== undefined && !text.includes(containing)) return undefined;
  try {
    return asLogRecord(JSON.parse(text));
  } catch {
    return undefined; // A torn or foreign line.
  }
}
