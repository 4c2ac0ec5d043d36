// The request log file: one JSON line per finished request, bounded like a ring buffer.
//
// Design (one writer process per file):
// - `write()` only queues the record; it never awaits and never throws. The records queued in one
//   turn of the event loop are serialised (secrets redacted, no raw newline can survive
//   JSON.stringify) in a task of their own, so a request's answer never waits for its log line.
//   If the queue already holds `maxPending` lines or 32 MiB, the record is dropped and counted
//   (`stats().dropped`) instead of letting memory grow while the disk is stuck.
// - One drain loop empties the queue, so file operations never overlap. It appends whole lines
//   (a batch of at most 1 MiB) with a single write() on a handle opened O_APPEND: lines from this
//   process cannot interleave or tear, and a second process appending to the same file still adds
//   whole lines.
// - The file holds at most `ceil(maxEntries * 1.25)` lines (and at most `maxBytes` bytes when set).
//   When the next batch would pass that, the drain compacts instead of appending: it copies the
//   newest `maxEntries` lines (old lines plus the batch; with `maxBytes`, no more than 80% of it)
//   into `<path>.tmp`, fsyncs it, closes the log handle, renames the copy over `<path>` and reopens.
//   rename() is atomic, so at any moment `<path>` is either the old or the new complete file. The
//   25% slack makes compaction cost O(1) amortised per line. If compaction fails the batch is
//   dropped (and reported) rather than growing the file past its bound; the next batch retries.
// - Crash safety: a kill -9 can only interrupt one write() in progress; Linux may leave part of a
//   multi-page write, so only the last line can be torn (it then lacks its final newline). Every
//   newline-terminated line is valid JSON. Readers skip a torn last line; on open the writer
//   truncates it away and deletes a leftover `<path>.tmp`. Lines are not fsynced one by one, so a
//   power cut (not a process crash) may lose the most recent lines.
// - On open the existing lines are counted, so the bound holds across restarts and config changes.
// - A request may also get a start line (`{"event":"start",…}`) when it begins. Start lines are no
//   records: the bounds above count records only, and compaction keeps the start lines among the
//   records it keeps.
import { concatBytes } from "../util/bytes.ts";
import { type FileHandle, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import {
  asLogRecord,
  asStartRecord,
  type RequestLogger,
  type RequestLogRecord,
  type RequestStartRecord,
  toStartRecord,
} from "./record.ts";
import { redactRecord } from "./redact.ts";

/** Options for {@linkcode openJsonlLog}. */
export interface JsonlLogOptions {
  path: string;
  /** The number of newest entries kept (default 10000); the file never holds more than 1.25×. */
  maxEntries?: number;
  /** An optional size cap in bytes; compaction then keeps the newest lines within 80% of it. */
  maxBytes?: number;
  /** Known secrets (API keys) to redact from every string in every record. */
  secrets?: readonly string[];
  /** Lines waiting for the disk before new ones are dropped (default 10000). */
  maxPending?: number;
  /** Called with each file-system error (the writer itself never throws). */
  onError?: (error: unknown) => void;
}

/** Counters describing a {@linkcode JsonlLog}. */
export interface JsonlLogStats {
  /** Lines in the file now. */
  lines: number;
  /** Bytes in the file now. */
  bytes: number;
  /** Records written since open. */
  written: number;
  /** Records dropped since open (queue full, too large, closed, or a failed write). */
  dropped: number;
  compactions: number;
  errors: number;
}

/** The JSONL request log returned by {@linkcode openJsonlLog}. */
export interface JsonlLog extends RequestLogger {
  readonly path: string;
  /** Queues the request's start line (`{"event":"start",…}`); it counts as no record. */
  started(record: RequestLogRecord): void;
  /** Resolves when every record written so far has reached the file. */
  flush(): Promise<void>;
  stats(): JsonlLogStats;
}

/** How long after a request starts its start line is written (so it can name the route). */
export const START_DELAY_MS = 50;

/** The default number of entries kept. */
export const DEFAULT_MAX_ENTRIES = 10_000;

const MAX_BATCH_BYTES = 1024 * 1024;
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
const COPY_CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/**
 * Opens (creating it and its directory) a bounded JSONL request log.
 *
 * @example
 * const log = await openJsonlLog({ path: "/tmp/requests.jsonl", maxEntries: 1000 });
 * log.write(record);
 * await log.close();
 */
export async function openJsonlLog(options: JsonlLogOptions): Promise<JsonlLog> {
  const log = new JsonlLogWriter(options);
  try {
    await log.open();
  } catch (error) {
    await log.close().catch(() => {});
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot open the request log "${options.path}": ${detail}`, { cause: error });
  }
  return log;
}

/** Reads every record of a JSONL log, skipping lines that do not parse (such as a torn last line). */
export async function readLogRecords(path: string): Promise<RequestLogRecord[]> {
  return parseLogLines(await readFile(path, "utf8")).map((entry) => entry.record);
}

/** One parsed log line with its original text. */
export interface LogLine {
  line: string;
  record: RequestLogRecord;
}

/** One parsed start line with its original text. */
export interface StartLine {
  line: string;
  start: RequestStartRecord;
}

/** Parses JSONL text, keeping the lines that hold a log record (see {@linkcode asLogRecord}). */
export function parseLogLines(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // A torn line.
    }
    const record = asLogRecord(value);
    if (record) out.push({ line, record }); // else a start line, or a line some other program wrote.
  }
  return out;
}

/** Parses JSONL text into records and start lines, in file order (see {@linkcode parseLogLines}). */
export function parseLogEntries(text: string): Array<LogLine | StartLine> {
  const out: Array<LogLine | StartLine> = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // A torn line.
    }
    const record = asLogRecord(value);
    if (record) {
      out.push({ line, record });
      continue;
    }
    const start = asStartRecord(value);
    if (start) out.push({ line, start });
  }
  return out;
}

/** How every start line begins: JSON.stringify writes `event` first. */
const START_PREFIX = encoder.encode('{"event":"start"');

/** Whether the line (its first bytes) is a start line. */
function isStartLine(head: ArrayLike<number>): boolean {
  if (head.length < START_PREFIX.length) return false;
  for (let i = 0; i < START_PREFIX.length; i++) if (head[i] !== START_PREFIX[i]) return false;
  return true;
}

class JsonlLogWriter implements JsonlLog {
  readonly path: string;
  #maxEntries: number;
  #highWater: number;
  #maxBytes: number | undefined;
  #lowBytes: number;
  #secrets: readonly string[];
  #maxPending: number;
  #onError: (error: unknown) => void;
  #handle: FileHandle | undefined;
  /** Byte length (newline included) of each line in the file, oldest first. */
  #lengths: number[] = [];
  /** Whether each line of the file is a start line (not a record). */
  #starts: boolean[] = [];
  #bytes = 0;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Started requests whose start line is not due yet, and the timer that queues their lines. */
  #starting: RequestLogRecord[] = [];
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  /** Records (and start lines) written but not yet serialised, and the timer that will serialise them. */
  #records: Array<RequestLogRecord | RequestStartRecord> = [];
  #encodeTimer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #idle: Promise<void> = Promise.resolve();
  #closed = false;
  #stats = { written: 0, dropped: 0, compactions: 0, errors: 0 };

  constructor(options: JsonlLogOptions) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`Cannot open the request log: max entries "${maxEntries}" is not >= 1`);
    }
    if (options.maxBytes !== undefined && !(options.maxBytes >= 1024)) {
      throw new RangeError(
        `Cannot open the request log: max bytes "${options.maxBytes}" is not >= 1024`,
      );
    }
    this.path = options.path;
    this.#maxEntries = maxEntries;
    this.#highWater = Math.max(maxEntries + 1, Math.ceil(maxEntries * 1.25));
    this.#maxBytes = options.maxBytes;
    this.#lowBytes = Math.floor((options.maxBytes ?? Infinity) * 0.8);
    this.#secrets = options.secrets ?? [];
    this.#maxPending = options.maxPending ?? 10_000;
    this.#onError = options.onError ?? (() => {});
  }

  /** Creates the directory, removes a stale temp file, counts lines and cuts a torn tail. */
  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await rm(this.#tmpPath(), { force: true });
    this.#handle = await open(this.path, "a+");
    const scan = await scanLines(this.#handle);
    if (scan.tail > 0) await this.#handle.truncate(scan.size - scan.tail);
    this.#lengths = scan.lengths;
    this.#starts = scan.starts;
    this.#bytes = scan.size - scan.tail;
    if (this.#overBound(0, 0)) await this.#compact([]);
  }

  write(record: RequestLogRecord): void {
    // A request that ends before its start line is due needs none.
    const waiting = this.#starting.indexOf(record);
    if (waiting >= 0) this.#starting.splice(waiting, 1);
    this.#queue(record);
  }

  /**
   * Queues the request's start line, written {@linkcode START_DELAY_MS} later so that it can name
   * the model and route (the record gains them once the body is read); it counts as no record.
   */
  started(record: RequestLogRecord): void {
    if (this.#closed) return;
    this.#starting.push(record);
    this.#startTimer ??= setTimeout(() => this.#queueStarts(), START_DELAY_MS);
  }

  #queueStarts(): void {
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    for (const record of this.#starting.splice(0)) this.#queue(toStartRecord(record));
  }

  #queue(record: RequestLogRecord | RequestStartRecord): void {
    if (this.#closed || this.#pending.length + this.#records.length >= this.#maxPending) {
      this.#stats.dropped += 1;
      return;
    }
    this.#records.push(record);
    this.#encodeTimer ??= setTimeout(() => this.#encodeRecords(), 0);
  }

  async flush(): Promise<void> {
    this.#queueStarts();
    this.#encodeRecords();
    while (this.#running) await this.#idle;
  }

  /** Serialises the queued records onto the line queue and starts the drain. */
  #encodeRecords(): void {
    clearTimeout(this.#encodeTimer);
    this.#encodeTimer = undefined;
    const records = this.#records;
    this.#records = [];
    for (const record of records) {
      const line = this.#encode(record);
      if (!line || this.#pendingBytes + line.length > MAX_PENDING_BYTES) {
        this.#stats.dropped += 1;
        continue;
      }
      this.#pending.push(line);
      this.#pendingBytes += line.length;
    }
    if (!this.#running && this.#pending.length > 0) {
      this.#running = true;
      this.#idle = this.#drain();
    }
  }

  async close(): Promise<void> {
    this.#queueStarts(); // Start lines not yet due are written, like any record written before.
    this.#closed = true;
    await this.flush();
    const handle = this.#handle;
    this.#handle = undefined;
    if (!handle) return;
    try {
      await handle.sync();
    } catch (error) {
      this.#report(error);
    }
    await handle.close();
  }

  stats(): JsonlLogStats {
    return { lines: this.#lengths.length, bytes: this.#bytes, ...this.#stats };
  }

  /** The record as one redacted JSON line; without bodies if too large; undefined if unusable. */
  #encode(record: RequestLogRecord | RequestStartRecord): Uint8Array | undefined {
    try {
      let line = encoder.encode(JSON.stringify(redactRecord(record, this.#secrets)) + "\n");
      if (line.length > this.#lowBytes && "bodies" in record && record.bodies) {
        const { bodies: _, ...rest } = record;
        line = encoder.encode(JSON.stringify(redactRecord(rest, this.#secrets)) + "\n");
      }
      return line.length > this.#lowBytes ? undefined : line;
    } catch (error) {
      this.#report(error);
      return undefined;
    }
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#takeBatch();
        const batchBytes = batch.reduce((sum, line) => sum + line.length, 0);
        try {
          if (this.#overBound(countRecords(batch), batchBytes)) await this.#compact(batch);
          else await this.#append(batch, batchBytes);
          this.#stats.written += countRecords(batch);
        } catch (error) {
          this.#stats.dropped += batch.length;
          this.#report(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  #takeBatch(): Uint8Array[] {
    let bytes = 0;
    let count = 0;
    while (count < this.#pending.length && (count === 0 || bytes < MAX_BATCH_BYTES)) {
      bytes += this.#pending[count]!.length;
      count += 1;
    }
    this.#pendingBytes -= bytes;
    return this.#pending.splice(0, count);
  }

  #overBound(addRecords: number, addBytes: number): boolean {
    const records = this.#starts.reduce((count, start) => count + (start ? 0 : 1), 0);
    if (records + addRecords > this.#highWater) return true;
    return this.#maxBytes !== undefined && this.#bytes + addBytes > this.#maxBytes;
  }

  async #append(batch: Uint8Array[], batchBytes: number): Promise<void> {
    this.#handle ??= await open(this.path, "a+");
    await writeAll(this.#handle, concatBytes(batch, batchBytes));
    for (const line of batch) {
      this.#lengths.push(line.length);
      this.#starts.push(isStartLine(line));
    }
    this.#bytes += batchBytes;
  }

  /** Rewrites the file as its newest lines plus the kept part of `batch`, atomically. */
  async #compact(batch: Uint8Array[]): Promise<void> {
    this.#handle ??= await open(this.path, "a+");
    const handle = this.#handle;
    if ((await handle.stat()).size !== this.#bytes) {
      // Someone else touched the file: trust only what is on disk now.
      const scan = await scanLines(handle);
      this.#lengths = scan.lengths;
      this.#starts = scan.starts;
      this.#bytes = scan.size - scan.tail;
    }
    const old = this.#lengths;
    const all = [...old, ...batch.map((line) => line.length)];
    const starts = [...this.#starts, ...batch.map(isStartLine)];
    const keepFrom = this.#keepFrom(all, starts);
    const oldFrom = Math.min(keepFrom, old.length);
    const copyStart = sum(old, 0, oldFrom);
    const keptBatch = batch.slice(Math.max(0, keepFrom - old.length));
    const keptBatchBytes = keptBatch.reduce((total, line) => total + line.length, 0);

    const tmp = await open(this.#tmpPath(), "w");
    try {
      await copyRange(handle, tmp, copyStart, this.#bytes);
      await writeAll(tmp, concatBytes(keptBatch, keptBatchBytes));
      await tmp.sync();
    } catch (error) {
      await tmp.close();
      await rm(this.#tmpPath(), { force: true });
      throw error;
    }
    await tmp.close();
    this.#handle = undefined;
    await handle.close();
    await rename(this.#tmpPath(), this.path);
    this.#lengths = all.slice(keepFrom);
    this.#starts = starts.slice(keepFrom);
    this.#bytes = this.#bytes - copyStart + keptBatchBytes;
    this.#stats.compactions += 1;
  }

  /** The index of the oldest line kept: the newest maxEntries records, within 80% of maxBytes. */
  #keepFrom(lengths: number[], starts: boolean[]): number {
    let from = lengths.length;
    for (let records = 0; from > 0 && records < this.#maxEntries;) {
      from -= 1;
      if (!starts[from]) records += 1;
    }
    if (this.#maxBytes === undefined) return from;
    let total = sum(lengths, from, lengths.length);
    while (from < lengths.length && total > this.#lowBytes) total -= lengths[from++]!;
    return from;
  }

  #tmpPath(): string {
    return `${this.path}.tmp`;
  }

  #report(error: unknown): void {
    this.#stats.errors += 1;
    try {
      this.#onError(error);
    } catch {
      // A failing error hook must not break the writer.
    }
  }
}

/**
 * Counts the complete lines of a file and tells start lines from records; `tail` is the length of
 * a last line with no newline.
 */
async function scanLines(
  handle: FileHandle,
): Promise<{ lengths: number[]; starts: boolean[]; size: number; tail: number }> {
  const lengths: number[] = [];
  const starts: boolean[] = [];
  const buffer = new Uint8Array(COPY_CHUNK);
  let position = 0;
  let current = 0;
  // The first bytes of the current line, enough to tell a start line.
  let head: number[] = [];
  const keepHead = (view: Uint8Array, from: number, to: number) => {
    const want = START_PREFIX.length - head.length;
    if (want > 0) head.push(...view.subarray(from, Math.min(to, from + want)));
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

/** The lines of `batch` that are records (not start lines). */
function countRecords(batch: Uint8Array[]): number {
  return batch.reduce((count, line) => count + (isStartLine(line) ? 0 : 1), 0);
}

async function copyRange(from: FileHandle, to: FileHandle, start: number, end: number) {
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
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    if (bytesWritten <= 0) throw new Error("Cannot write the request log: no progress");
    offset += bytesWritten;
  }
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i]!;
  return total;
}
