// The one line `serve` prints per finished request: time, client model → upstream model, status, tokens, duration.
import type { RequestLogger, RequestLogRecord } from "../log/record.ts";

/** The model column's width: longer routes are cut with "…" so the columns after it line up. */
const ROUTE_WIDTH = 52;

/** Options for {@linkcode formatRequestLine}. */
export interface RequestLineOptions {
  /** The time zone for the time (default: the local one). */
  timeZone?: string;
}

/**
 * One aligned line for a finished request, e.g.
 * `10:42:07  claude-opus-5-5 → openai:gpt-6-sol   200  12.3k→456 tok   2.4 s`; a failed request
 * ends with its error type and message (cut short).
 */
export function formatRequestLine(
  record: RequestLogRecord,
  options: RequestLineOptions = {},
): string {
  const parts = [
    clock(record.time, options.timeZone),
    fit(route(record), ROUTE_WIDTH),
    String(record.status).padStart(3),
    tokens(record).padStart(15),
    duration(record.total_ms).padStart(8),
  ];
  const error = record.error_type !== undefined || record.error_message !== undefined
    ? `  ${
      [record.error_type, shorten(record.error_message ?? "", 80)].filter((s) => s).join(": ")
    }`
    : "";
  return `${parts.join("  ")}${error}`.trimEnd();
}

/**
 * A logger that also prints each finished request as one line to `write` (stderr on `serve`), then
 * hands the record on to `logger`.
 */
export function withRequestLines(
  logger: RequestLogger,
  write: (line: string) => void,
  options: RequestLineOptions = {},
): RequestLogger {
  const out: RequestLogger = {
    write(record) {
      try {
        write(formatRequestLine(record, options) + "\n");
      } catch {
        // A closed stderr must not lose the log line.
      }
      logger.write(record);
    },
    close: () => logger.close(),
  };
  if (logger.started) out.started = (record) => logger.started!(record);
  return out;
}

function route(record: RequestLogRecord): string {
  if (record.model === undefined) return `${record.method} ${record.path}`;
  const upstream = record.upstream_model === undefined
    ? record.provider
    : `${record.provider !== undefined ? `${record.provider}:` : ""}${record.upstream_model}`;
  const path = record.path === "/v1/messages" ? "" : ` (${record.path.replace(/^\/v1\//, "")})`;
  return `${record.model}${upstream !== undefined ? ` → ${upstream}` : ""}${path}`;
}

function tokens(record: RequestLogRecord): string {
  const { input_tokens: input, output_tokens: output } = record;
  if (input === undefined && output === undefined) return "";
  return `${count(input)}→${count(output)} tok`;
}

function count(n: number | undefined): string {
  if (n === undefined) return "-";
  if (n < 1000) return String(n);
  if (n < 100_000) return `${(n / 1000).toFixed(1)}k`;
  return n < 1_000_000 ? `${Math.round(n / 1000)}k` : `${(n / 1_000_000).toFixed(1)}M`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? chars.slice(0, width - 1).join("") + "…" : text.padEnd(width);
}

function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** `HH:MM:SS` in `timeZone` (default local); the raw text when it is no date. */
function clock(iso: string, timeZone: string | undefined): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso.slice(11, 19).padEnd(8);
  let format = clocks.get(timeZone ?? "");
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      ...(timeZone !== undefined ? { timeZone } : {}),
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    clocks.set(timeZone ?? "", format);
  }
  return format.format(date);
}
