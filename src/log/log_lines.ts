// Reading the request log: records and start lines parsed, torn lines and other programs' lines skipped.
import { readFile } from "node:fs/promises";
import {
  asLogRecord,
  asStartRecord,
  type RequestLogRecord,
  type RequestStartRecord,
} from "./record.ts";

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
