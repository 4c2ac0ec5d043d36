// The request log as an aligned table for `claude-proxy logs`: columns, cells, colors and times.
import type { RequestLogRecord, RequestStartRecord } from "../log/record.ts";

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
type Segment = { text: string; style?: Style };
/** One width per column: TIME, MODEL → UPSTREAM, STATUS, MS, TTFB, TOKENS, STOP, NOTE. */
export type LogTableWidths = readonly number[];

/** What a row is drawn from: a record, or a start line whose record has not come (yet). */
export type LogRow = RequestLogRecord | RequestStartRecord;

/** The context of one table: its time zone, and the notes already shown in it. */
interface CellContext {
  timeZone: string | undefined;
  /** Notes (translation changes) already shown in this table: later rows count them instead. */
  seen: Set<string>;
  /** What a start row says: "started" while following, "in flight" in a listing. */
  startNote: string;
}

interface Column {
  title: string;
  right?: boolean;
  cell(record: RequestLogRecord, context: CellContext): Segment[];
}

const ANSI: Record<Style, string> = {
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  cyan: "\x1b[36m",
};
const RESET = "\x1b[0m";
/** The NOTE column's width: the rest of a row is about 90 characters. */
const NOTE_MAX = 60;
/** An error message's share of the NOTE column. */
const ERROR_MAX = 56;

/** Column widths that fit typical rows; follow mode starts from them so later rows rarely shift. */
export const TYPICAL_WIDTHS: LogTableWidths = [14, 36, 6, 6, 6, 12, 10, 0];

const COLUMNS: readonly Column[] = [
  { title: "TIME", cell: (r, c) => [{ text: formatTime(r.time, c.timeZone), style: "dim" }] },
  { title: "MODEL → UPSTREAM", cell: modelCell },
  {
    title: "STATUS",
    right: true,
    cell: (r) =>
      STARTS.has(r)
        ? [{ text: "…", style: "dim" }]
        : [{ text: String(r.status), style: statusStyle(r) }],
  },
  {
    title: "MS",
    right: true,
    cell: (r) => STARTS.has(r) ? [] : [{ text: String(Math.round(r.total_ms)) }],
  },
  { title: "TTFB", right: true, cell: (r) => [{ text: optionalMs(r.ttfb_ms) }] },
  { title: "TOKENS", cell: tokensCell },
  { title: "STOP", cell: stopCell },
  { title: "NOTE", cell: noteCell },
];

/**
 * Formats log records as an aligned table (one row per request), with ANSI colors when asked.
 * Pure apart from the local time zone, which `timeZone` overrides.
 */
export function formatLogTable(
  records: LogRow[],
  options: { color: boolean; timeZone?: string },
): string {
  if (records.length === 0) return "";
  return formatLogRows(records, { ...options, header: true }).text;
}

/** Options for {@linkcode formatLogRows}. */
export interface FormatLogRowsOptions {
  /** ANSI colors. */
  color: boolean;
  /** Print the column titles first. */
  header: boolean;
  /** The time zone for the TIME column (default: the local one). */
  timeZone?: string;
  /** The least width of each column, e.g. the widths of rows printed before. */
  minWidths?: LogTableWidths;
  /** Notes shown by rows printed before (this set is updated): repeated ones are only counted. */
  seenNotes?: Set<string>;
  /** What a start row's NOTE says (default "in flight"). */
  startNote?: string;
}

/** The pseudo-records drawn for start lines. */
const STARTS = new WeakSet<RequestLogRecord>();

/** A start line as a record-shaped row (no status, no duration). */
function startRow(start: RequestStartRecord): RequestLogRecord {
  const { event: _event, ...fields } = start;
  const row: RequestLogRecord = { ...fields, status: 0, total_ms: 0 };
  STARTS.add(row);
  return row;
}

/** Formats log records as table rows; returns the text and the column widths it used. */
export function formatLogRows(
  records: LogRow[],
  options: FormatLogRowsOptions,
): { text: string; widths: LogTableWidths } {
  const context: CellContext = {
    timeZone: options.timeZone,
    seen: options.seenNotes ?? new Set(),
    startNote: options.startNote ?? "in flight",
  };
  const rows = records.map((entry) => {
    const record = "event" in entry ? startRow(entry) : entry;
    return COLUMNS.map((c) => c.cell(record, context));
  });
  if (options.header) {
    rows.unshift(
      COLUMNS.map((c) => [{ text: c.title, ...(options.color ? { style: "bold" } : {}) }]),
    );
  }
  const widths = COLUMNS.map((_, i) =>
    Math.max(options.minWidths?.[i] ?? 0, ...rows.map((row) => width(row[i] ?? [])))
  );
  const lines = rows.map((row) =>
    row.map((cell, i) => {
      const pad = " ".repeat(widths[i]! - width(cell));
      const text = paint(cell, options.color);
      return i === row.length - 1 ? text : COLUMNS[i]!.right ? pad + text : text + pad;
    }).join("  ").replace(/ +$/, "")
  );
  return { text: lines.length > 0 ? lines.join("\n") + "\n" : "", widths };
}

function modelCell(record: RequestLogRecord): Segment[] {
  if (record.model === undefined) return [{ text: `${record.method} ${record.path}` }];
  const upstream = record.upstream_model !== undefined
    ? (record.provider !== undefined ? `${record.provider}:` : "") + record.upstream_model
    : record.provider;
  if (upstream === undefined) return [{ text: record.model }];
  return [{ text: record.model }, { text: " → ", style: "dim" }, { text: upstream, style: "cyan" }];
}

function statusStyle(record: RequestLogRecord): Style {
  if (record.status >= 500) return "red";
  return record.status >= 400 || record.error_type !== undefined ? "yellow" : "green";
}

function tokensCell(record: RequestLogRecord): Segment[] {
  const { input_tokens: input, output_tokens: output, cached_tokens: cached } = record;
  if (input === undefined && output === undefined) return [];
  const text = `${input ?? "-"}→${output ?? "-"}`;
  return cached ? [{ text }, { text: ` (${cached} cached)`, style: "dim" }] : [{ text }];
}

function stopCell(record: RequestLogRecord): Segment[] {
  const reason = record.stop_reason;
  if (reason === undefined || reason === null) return [];
  const style: Style | undefined = reason === "max_tokens"
    ? "yellow"
    : reason === "refusal"
    ? "red"
    : undefined;
  return [{ text: reason, ...(style ? { style } : {}) }];
}

/**
 * The NOTE: the error (short), the retries, and the translation changes; a change already shown
 * in this table is only counted ("+2 as above"), so the same text does not fill every row.
 */
function noteCell(record: RequestLogRecord, context: CellContext): Segment[] {
  if (STARTS.has(record)) return [{ text: context.startNote, style: "cyan" }];
  const notes: Segment[] = [];
  if (record.error_type !== undefined || record.error_message !== undefined) {
    notes.push({ text: errorNote(record), style: "red" });
  }
  for (const decision of record.routing ?? []) notes.push({ text: decision, style: "cyan" });
  if (record.model !== undefined && record.path !== "/v1/messages") {
    notes.push({ text: record.path, style: "dim" });
  }
  if (record.retries) {
    notes.push({
      text: `${record.retries} ${record.retries === 1 ? "retry" : "retries"}`,
      style: "yellow",
    });
  }
  let repeated = 0;
  for (const change of record.changes ?? []) {
    if (context.seen.has(change)) repeated += 1;
    else notes.push({ text: change, style: "dim" });
    context.seen.add(change);
  }
  if (repeated > 0) notes.push({ text: `+${repeated} as above`, style: "dim" });
  const out: Segment[] = [];
  let room = NOTE_MAX;
  for (const [i, note] of notes.entries()) {
    if (i > 0) {
      out.push({ text: "; " });
      room -= 2;
    }
    if (note.text.length > room) {
      out.push({ ...note, text: note.text.slice(0, Math.max(0, room - 1)) + "…" });
      break;
    }
    out.push(note);
    room -= note.text.length;
  }
  return out;
}

/**
 * The error's message (its type when it has none; STATUS already tells the kind), on one line and
 * cut to {@linkcode ERROR_MAX} characters.
 */
function errorNote(record: RequestLogRecord): string {
  const message = (record.error_message ?? "").replace(/\s+/g, " ").trim()
    .replace(/^Upstream returned \d+: /, "");
  const text = message || record.error_type || "";
  return text.length > ERROR_MAX ? text.slice(0, ERROR_MAX - 1) + "…" : text;
}

function optionalMs(ms: number | undefined): string {
  return ms === undefined ? "" : String(Math.round(ms));
}

function width(cell: Segment[]): number {
  return cell.reduce((total, segment) => total + [...segment.text].length, 0);
}

function paint(cell: Segment[], color: boolean): string {
  return cell.map((s) => color && s.style ? ANSI[s.style] + s.text + RESET : s.text).join("");
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** `MM-DD HH:MM:SS` in `timeZone` (default local), or the raw text if it is not a date. */
function formatTime(iso: string, timeZone: string | undefined): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso.slice(0, 19);
  let format = timeFormats.get(timeZone ?? "");
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      ...(timeZone !== undefined ? { timeZone } : {}),
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    timeFormats.set(timeZone ?? "", format);
  }
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}
