// Reading the request log: its lines parsed into records, torn lines and other programs' lines skipped.
import { readFile } from "node:fs/promises";
import { asLogRecord, type RequestLogRecord } from "./record.ts";

/** Reads every record of a JSONL log, skipping lines that do not parse (such as a torn last line). */
export async function readLogRecords(path: string): Promise<RequestLogRecord[]> {
  return parseLogLines(await readFile(path, "utf8")).map((entry) => entry.record);
}

/** One parsed log line with its original text. */
export interface LogLine {
  line: string;
  record: RequestLogRecord;
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
    if (record) out.push({ line, record }); // else a line some other program wrote: skipped.
  }
  return out;
}
