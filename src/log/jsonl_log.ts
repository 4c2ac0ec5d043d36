// The request log file: one JSON line per finished request, bounded like a ring buffer, shared
// safely by several processes (two `claude-proxy run` sessions use the same default log).
//
// Design (docs/request-log.md tells it for users):
// - `write()` only queues; records queued in one turn are serialised (redacted) in a task of their
//   own, so an answer never waits for its log line. Past `maxPending` lines or 32 MiB queued,
//   records are dropped and counted; `warn` reports each burst of drops twice (start, end).
// - One drain loop writes batches (at most 1 MiB of whole lines) under `<path>.lock`, a lock file
//   every writer takes (file_lock.ts). Holding it, a writer catches up with the file (lines others
//   appended are counted, a file others replaced is reopened, a torn last line is cut off) and
//   then appends with one write() on an O_APPEND handle, or compacts. No writer ever appends to a
//   file being replaced, so no line is lost to a compaction, and none interleaves or tears.
// - The file holds at most `ceil(maxEntries * 1.25)` lines (and `maxBytes` when set); past that a
//   batch compacts: the newest `maxEntries` lines (within 80% of `maxBytes`) go to `<path>.tmp`,
//   fsynced and renamed over `<path>` (atomic: readers see the old or the new file, whole). The 25%
//   slack makes compaction O(1) amortised per line. A batch that fails is dropped and reported.
// - A kill -9 can only tear the last line (no final newline); readers skip it, the next writer cuts
//   it, and a leftover `<path>.tmp` is removed on open. Lines are not fsynced one by one.
// - A request may also get a start line (`{"event":"start",…}`) when it begins. Start lines are no
//   records: the bounds count records only, and compaction keeps the start lines among the records
//   it keeps.
import { concatBytes } from "../util/bytes.ts";
import { plural } from "../util/plural.ts";
import { type FileHandle, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { withFileLock } from "./file_lock.ts";
import { copyRange, isStartLine, type LineScan, scanLines, writeAll } from "./jsonl_file.ts";
import {
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
  /**
   * Called with one line when records start to be dropped (saying why) and one when writing works
   * again (saying how many were dropped): once per burst, however many records it drops.
   */
  warn?: (message: string) => void;
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
const START_DELAY_MS = 50;

/** The default number of entries kept. */
const DEFAULT_MAX_ENTRIES = 10_000;

const MAX_BATCH_BYTES = 1024 * 1024;
/** Batches written under one hold of the lock before the other writers get a turn. */
const BATCHES_PER_LOCK = 8;
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
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

class JsonlLogWriter implements JsonlLog {
  readonly path: string;
  #maxEntries: number;
  #highWater: number;
  #maxBytes: number | undefined;
  #lowBytes: number;
  #secrets: readonly string[];
  #maxPending: number;
  #onError: (error: unknown) => void;
  #warn: (message: string) => void;
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
  /** Records (and start lines) written but not yet serialised, and the timer that serialises them. */
  #records: Array<RequestLogRecord | RequestStartRecord> = [];
  #encodeTimer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #idle: Promise<void> = Promise.resolve();
  #closed = false;
  #stats = { written: 0, dropped: 0, compactions: 0, errors: 0 };
  /** Records dropped since dropping started, while it lasts (see {@linkcode JsonlLogOptions.warn}). */
  #burst: number | undefined;

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
    this.#warn = options.warn ?? (() => {});
  }

  /** Creates the directory, removes a stale temp file, counts lines and cuts a torn tail. */
  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await withFileLock(this.#lockPath(), async () => {
      // Only a compaction writes the temp file, under this lock: one found now was cut short.
      await rm(this.#tmpPath(), { force: true });
      await this.#catchUp();
      if (this.#overBound(0, 0)) await this.#compact([]);
    });
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
    if (this.#closed) {
      this.#stats.dropped += 1;
      return;
    }
    if (this.#pending.length + this.#records.length >= this.#maxPending) {
      return this.#drop(1, `${this.#maxPending} records are waiting for the disk`);
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
      if (!line) continue;
      if (this.#pendingBytes + line.length > MAX_PENDING_BYTES) {
        this.#drop(1, "32 MiB of records are waiting for the disk");
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
    if (this.#burst !== undefined) {
      this.#warn(`request log "${this.path}": ${plural(this.#burst, "record")} not written`);
      this.#burst = undefined;
    }
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
      if (line.length <= this.#lowBytes) return line;
      this.#drop(1, `a record of ${line.length} bytes is larger than the log's size limit`);
    } catch (error) {
      this.#report(error);
      this.#drop(1, error);
    }
    return undefined;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        let failed: Uint8Array[] | undefined;
        try {
          await withFileLock(this.#lockPath(), async () => {
            await this.#catchUp();
            // Batches queued while this one is written go out under the same lock, up to a few.
            for (let n = 0; n < BATCHES_PER_LOCK && this.#pending.length > 0; n++) {
              const batch = this.#takeBatch();
              failed = batch;
              await this.#writeBatch(batch);
              failed = undefined;
            }
          });
        } catch (error) {
          this.#report(error);
          // The batch that failed, or (the lock or the file could not be had) the next one.
          const lost = failed ?? this.#takeBatch();
          this.#drop(lost.length, error);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** Appends a batch, or compacts with it when it would pass the bound. */
  async #writeBatch(batch: Uint8Array[]): Promise<void> {
    const batchBytes = batch.reduce((total, line) => total + line.length, 0);
    const records = countRecords(batch);
    if (this.#overBound(records, batchBytes)) await this.#compact(batch);
    else await this.#append(batch, batchBytes);
    this.#stats.written += records;
    this.#recovered();
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

  /**
   * Under the lock: makes the handle, the line lengths and the size match the file at `path` now.
   * Lines another writer appended are scanned from where this view ended; a file another writer
   * replaced (compacted), removed or shortened is reopened and scanned whole; a torn last line
   * (its writer was killed mid-write: live writers only write under the lock) is cut off.
   */
  async #catchUp(): Promise<void> {
    const onDisk = await stat(this.path).catch((error) => {
      if ((error as { code?: string }).code === "ENOENT") return undefined;
      throw error;
    });
    const held = this.#handle ? await this.#handle.stat() : undefined;
    const same = held !== undefined && onDisk !== undefined && held.ino !== 0 &&
      held.ino === onDisk.ino && held.dev === onDisk.dev;
    if (same && held.size === this.#bytes) return;
    let scan: LineScan;
    if (same && held.size > this.#bytes) {
      scan = await scanLines(this.#handle!, this.#bytes);
      this.#lengths.push(...scan.lengths);
      this.#starts.push(...scan.starts);
    } else {
      await this.#handle?.close();
      this.#handle = undefined;
      this.#handle = await open(this.path, "a+");
      scan = await scanLines(this.#handle);
      this.#lengths = scan.lengths;
      this.#starts = scan.starts;
    }
    if (scan.tail > 0) await this.#handle!.truncate(scan.size - scan.tail);
    this.#bytes = scan.size - scan.tail;
  }

  async #append(batch: Uint8Array[], batchBytes: number): Promise<void> {
    await writeAll(this.#handle!, concatBytes(batch, batchBytes));
    for (const line of batch) {
      this.#lengths.push(line.length);
      this.#starts.push(isStartLine(line));
    }
    this.#bytes += batchBytes;
  }

  /** Rewrites the file as its newest lines plus the kept part of `batch`, atomically. */
  async #compact(batch: Uint8Array[]): Promise<void> {
    const handle = this.#handle!;
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
      await copyRange(handle, tmp, { start: copyStart, end: this.#bytes });
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
    this.#handle = await open(this.path, "a+");
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

  #lockPath(): string {
    return `${this.path}.lock`;
  }

  /** Counts dropped records; the first drop of a burst is reported with its cause. */
  #drop(count: number, cause: unknown): void {
    this.#stats.dropped += count;
    if (this.#burst === undefined) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.#warn(
        `request log "${this.path}": ${reason}; records are dropped until they can be written again`,
      );
      this.#burst = 0;
    }
    this.#burst += count;
  }

  /** A batch was written: a burst of drops, if one was going on, is over and reported. */
  #recovered(): void {
    if (this.#burst === undefined) return;
    this.#warn(
      `request log "${this.path}": writing again; ${plural(this.#burst, "record")} not written`,
    );
    this.#burst = undefined;
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

/** The lines of `batch` that are records (not start lines). */
function countRecords(batch: Uint8Array[]): number {
  return batch.reduce((count, line) => count + (isStartLine(line) ? 0 : 1), 0);
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i]!;
  return total;
}
