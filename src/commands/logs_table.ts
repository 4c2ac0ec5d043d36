// The request log as an aligned table for `claude-proxy logs`: columns, cells, colors and times.
import type { RequestLogRecord } from "../log/record.ts";

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
type Segment = { text: string; style?: Style };
/** One width per column: TIME, MODEL → UPSTREAM, STATUS, MS, TTFB, TOKENS, STOP, NOTE. */
export type LogTableWidths = readonly number[];

interface Column {
  title: string;
  right?: boolean;
  cell(record: RequestLogRecord, timeZone: string | undefined): Segment[];
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
const NOTE_MAX = 100;

/** Column widths that fit typical rows; follow mode starts from them so later rows rarely shift. */
export const TYPICAL_WIDTHS: LogTableWidths = [14, 36, 6, 6, 6, 12, 10, 0];

const COLUMNS: readonly Column[] = [
  { title: "TIME", cell: (r, zone) => [{ text: formatTime(r.time, zone), style: "dim" }] },
  { title: "MODEL → UPSTREAM", cell: modelCell },
  {
    title: "STATUS",
    right: true,
    cell: (r) => [{ text: String(r.status), style: statusStyle(r) }],
  },
  { title: "MS", right: true, cell: (r) => [{ text: String(Math.round(r.total_ms)) }] },
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
  records: RequestLogRecord[],
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
}

/** Formats log records as table rows; returns the text and the column widths it used. */
export function formatLogRows(
  records: RequestLogRecord[],
  options: FormatLogRowsOptions,
): { text: string; widths: LogTableWidths } {
  const rows = records.map((record) => COLUMNS.map((c) => c.cell(record, options.timeZone)));
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

function noteCell(record: RequestLogRecord): Segment[] {
  const notes: Segment[] = [];
  const error = [record.error_type, record.error_message].filter((s) => s !== undefined);
  if (error.length > 0) notes.push({ text: error.join(": ").replace(/\s+/g, " "), style: "red" });
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
  for (const change of record.changes ?? []) notes.push({ text: change, style: "dim" });
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
