// `claude-proxy logs`: the recent requests from the JSONL log as a table or raw lines, optionally followed.
import { type FileHandle, open } from "node:fs/promises";
import { type LogLine, parseLogEntries, type StartLine } from "../log/log_lines.ts";
import type { RequestLogRecord } from "../log/record.ts";
import { formatLogRows, type LogRow, type LogTableWidths, TYPICAL_WIDTHS } from "./logs_table.ts";

/** A line of the log: a finished request's record, or a start line. */
type LogEntry = LogLine | StartLine;

/** Options for {@linkcode runLogs}. */
export interface LogsCommandOptions {
  path: string;
  /** How many recent requests to show (default 20). */
  n?: number;
  /** Keep printing requests as they start and as they end until `signal` aborts. */
  follow?: boolean;
  /** Print the raw JSON lines instead of a table. */
  json?: boolean;
  /** Only failed requests (status >= 400 or an error type). */
  errors?: boolean;
  /** Only requests that arrived at or after this time (epoch ms). */
  since?: number;
  /** ANSI colors (pass true on a terminal unless NO_COLOR is set). */
  color?: boolean;
  /** Stops follow mode. */
  signal?: AbortSignal;
  /** Receives the output text. */
  write: (text: string) => void;
  /** Receives error messages (default: `write`). */
  writeError?: (text: string) => void;
  /** The time zone for the TIME column (default: the local one). */
  timeZone?: string;
  /** How often follow mode checks the file, in milliseconds (default 250). */
  pollMs?: number;
}

/** Where follow mode has read up to in the log file. */
interface FollowState {
  ino: number;
  /** Bytes read: the end of the last complete line. */
  offset: number;
  /** The last complete line read (found again after compaction replaces the file). */
  lastLine: string | undefined;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Prints the recent requests; with `follow`, keeps printing new ones (surviving compaction) until
 * `signal` aborts. Returns the exit code: 1 when the log cannot be read.
 *
 * @example
 * const code = await runLogs({ path, n: 50, errors: true, write: (t) => out.write(t) });
 */
export async function runLogs(options: LogsCommandOptions): Promise<number> {
  const writeError = options.writeError ?? options.write;
  let snapshot: Snapshot;
  try {
    snapshot = await readSnapshot(options.path);
  } catch (error) {
    writeError(describeReadError(options.path, error) + "\n");
    return 1;
  }
  const n = Math.max(0, Math.floor(options.n ?? 20));
  // A start line shows only while its request has no record: it is in flight.
  const ended = new Set(snapshot.lines.flatMap((e) => "record" in e ? [e.record.id] : []));
  const shown = select(snapshot.lines, options)
    .filter((entry) => "record" in entry || !ended.has(entry.start.id));
  const recent = shown.slice(Math.max(0, shown.length - n));
  const printer = new Printer(options);
  if (recent.length === 0 && !options.follow) {
    const what = options.errors ? "No failed requests" : "No requests";
    writeError(`${what} in the request log "${options.path}"\n`);
    return 0;
  }
  printer.print(recent);
  if (!options.follow) return 0;
  await follow(options, snapshot, printer);
  return 0;
}

/** Formats records as table rows (or raw lines), keeping column widths stable across calls. */
class Printer {
  #widths: LogTableWidths | undefined;
  #headerDone = false;
  #seenNotes = new Set<string>();
  #started = 0;
  constructor(readonly options: LogsCommandOptions) {}

  print(lines: LogEntry[]): void {
    const { options } = this;
    if (options.json) {
      // Start lines are raw lines too, but only while following (listings keep to records).
      const raw = lines.filter((entry) => options.follow || "record" in entry);
      if (raw.length > 0) options.write(raw.map((entry) => entry.line).join("\n") + "\n");
      return;
    }
    if (lines.length === 0 && (this.#headerDone || !options.follow)) return;
    const rows: LogRow[] = lines.map((entry) => "record" in entry ? entry.record : entry.start);
    // The first rows of a follow are the listing; later start rows are requests starting now.
    const startNote = options.follow && this.#started++ > 0 ? "started" : "in flight";
    const table = formatLogRows(rows, {
      color: options.color ?? false,
      header: !this.#headerDone,
      seenNotes: this.#seenNotes,
      startNote,
      ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
      ...(options.follow ? { minWidths: this.#widths ?? TYPICAL_WIDTHS } : {}),
    });
    this.#widths = table.widths;
    this.#headerDone = true;
    if (table.text) options.write(table.text);
  }
}

async function follow(options: LogsCommandOptions, start: Snapshot, printer: Printer) {
  const { signal } = options;
  const state: FollowState = {
    ino: start.ino,
    offset: start.completeBytes,
    lastLine: start.lines.at(-1)?.line,
  };
  while (!signal?.aborted) {
    await delay(options.pollMs ?? 250, signal);
    if (signal?.aborted) break;
    let fresh: LogEntry[];
    try {
      fresh = await readNew(options.path, state);
    } catch {
      continue; // The file is briefly unreadable: try again at the next tick.
    }
    printer.print(select(fresh, options));
  }
}

/** The complete lines added since `state`, re-reading the whole file when it was replaced. */
async function readNew(path: string, state: FollowState): Promise<LogEntry[]> {
  // One handle per poll, so the size, the identity and the bytes all come from the same file.
  const handle = await open(path, "r");
  try {
    const info = await handle.stat();
    const ino = info.ino ?? 0;
    const replaced = (ino !== 0 && state.ino !== 0 && ino !== state.ino) ||
      info.size < state.offset ||
      (info.size > state.offset && !(await lastLineStillAt(handle, state)));
    if (replaced) {
      const snapshot = await snapshotOf(handle, info.size, ino);
      const lines = snapshot.lines;
      const seen = state.lastLine === undefined
        ? -1
        : lines.findLastIndex((entry) => entry.line === state.lastLine);
      state.ino = ino;
      state.offset = snapshot.completeBytes;
      state.lastLine = lines.at(-1)?.line ?? state.lastLine;
      return lines.slice(seen + 1);
    }
    if (info.size === state.offset) return [];
    const bytes = await readAll(handle, info.size - state.offset, state.offset);
    const end = bytes.lastIndexOf(0x0a) + 1;
    const lines = parseLogEntries(decoder.decode(bytes.subarray(0, end)));
    state.offset += end;
    state.lastLine = lines.at(-1)?.line ?? state.lastLine;
    return lines;
  } finally {
    await handle.close();
  }
}

/** Whether the last line read is still where it was (false once compaction rewrote the file). */
async function lastLineStillAt(handle: FileHandle, state: FollowState): Promise<boolean> {
  if (state.lastLine === undefined) return state.offset === 0;
  const expected = encoder.encode(state.lastLine + "\n");
  if (expected.length > state.offset) return false;
  const actual = await readAll(handle, expected.length, state.offset - expected.length);
  return actual.length === expected.length && actual.every((byte, i) => byte === expected[i]);
}

interface Snapshot {
  lines: LogEntry[];
  ino: number;
  /** The byte length of the complete lines (a torn or in-progress last line excluded). */
  completeBytes: number;
}

async function readSnapshot(path: string): Promise<Snapshot> {
  const handle = await open(path, "r");
  try {
    const info = await handle.stat();
    return await snapshotOf(handle, info.size, info.ino ?? 0);
  } finally {
    await handle.close();
  }
}

async function snapshotOf(handle: FileHandle, size: number, ino: number): Promise<Snapshot> {
  const bytes = await readAll(handle, size);
  const end = bytes.lastIndexOf(0x0a) + 1;
  return {
    lines: parseLogEntries(decoder.decode(bytes.subarray(0, end))),
    ino,
    completeBytes: end,
  };
}

/** Reads up to `length` bytes from `position` (fewer if the file is shorter). */
async function readAll(handle: FileHandle, length: number, position = 0): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function select(lines: LogEntry[], options: LogsCommandOptions): LogEntry[] {
  const { since } = options;
  const recent = since === undefined
    ? lines
    : lines.filter((entry) =>
      Date.parse("record" in entry ? entry.record.time : entry.start.time) >= since
    );
  return options.errors
    ? recent.filter((entry) => "record" in entry && isError(entry.record))
    : recent;
}

function isError(record: RequestLogRecord): boolean {
  return record.status >= 400 || record.error_type !== undefined;
}

function describeReadError(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") {
    return `No request log at "${path}": the proxy writes it once it has served a request ` +
      `(set another path with --log-file or [log] file)`;
  }
  return `Cannot read the request log "${path}": ${
    error instanceof Error ? error.message : String(error)
  }`;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
