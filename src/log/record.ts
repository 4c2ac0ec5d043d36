// The request log's record: one per finished request, and the writer interface the server uses.

/** One finished request, as written to the JSONL log. Field names are the log's wire format. */
export interface RequestLogRecord {
  /** ISO 8601 time the request arrived. */
  time: string;
  id: string;
  method: string;
  path: string;
  /** The model the client asked for. */
  model?: string;
  provider?: string;
  upstream_model?: string;
  stream?: boolean;
  status: number;
  stop_reason?: string | null;
  error_type?: string;
  error_message?: string;
  input_tokens?: number;
  output_tokens?: number;
  cached_tokens?: number;
  /** Milliseconds until the first byte went to the client. */
  ttfb_ms?: number;
  /** Milliseconds until the response ended. */
  total_ms: number;
  retries?: number;
  user_agent?: string;
  /**
   * How the request was routed beyond its `[models]` route: the `[router]` rule that moved it and
   * why (`long_context: 131k > 100k`), fallbacks, skipped circuits, keys rested or set aside.
   */
  routing?: string[];
  /** What the translation changed: fields dropped, images removed, max_tokens capped, effort mapped. */
  changes?: string[];
  /** With body logging on: the client request, the upstream request and the response (capped, redacted). */
  bodies?: { client?: string; upstream?: string; response?: string };
  /** Input tokens written to the provider's prompt cache (`cache_creation_input_tokens`). */
  cache_write_tokens?: number;
  /** Milliseconds until the first token (the first content delta) went to the client; streams only. */
  ttft_ms?: number;
  /** What the request cost in US dollars, from the route's prices; absent when no price is known. */
  cost_usd?: number;
  /** Claude Code's session (`x-claude-code-session-id`). */
  session_id?: string;
  /** Claude Code's subagent (`x-claude-code-agent-id`); absent for the main conversation. */
  agent_id?: string;
}

type FieldKind = "string" | "number" | "boolean" | "string?null" | "string[]" | "bodies";

/** The type of each field of a record; the first six are required. */
const FIELDS: Readonly<Record<keyof RequestLogRecord, FieldKind>> = {
  time: "string",
  id: "string",
  method: "string",
  path: "string",
  status: "number",
  total_ms: "number",
  model: "string",
  provider: "string",
  upstream_model: "string",
  stream: "boolean",
  stop_reason: "string?null",
  error_type: "string",
  error_message: "string",
  input_tokens: "number",
  output_tokens: "number",
  cached_tokens: "number",
  ttfb_ms: "number",
  retries: "number",
  user_agent: "string",
  routing: "string[]",
  changes: "string[]",
  bodies: "bodies",
  cache_write_tokens: "number",
  ttft_ms: "number",
  cost_usd: "number",
  session_id: "string",
  agent_id: "string",
};
const REQUIRED = ["time", "id", "method", "path", "status", "total_ms"] as const;

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string?null":
      return value === null || typeof value === "string";
    case "string[]":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
    case "bodies":
      return typeof value === "object" && value !== null && !Array.isArray(value) &&
        Object.values(value).every((body) => typeof body === "string");
  }
}

/**
 * `value` as a log record when it is one: an object with the required fields, and every field the
 * log knows of the type claude-proxy writes (unknown fields are left alone). Anything else (a line
 * written by hand, or by another program) is undefined.
 */
export function asLogRecord(value: unknown): RequestLogRecord | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (REQUIRED.some((field) => !Object.hasOwn(record, field))) return undefined;
  for (const [field, kind] of Object.entries(FIELDS)) {
    if (Object.hasOwn(record, field) && !hasKind(record[field], kind)) return undefined;
  }
  return record as unknown as RequestLogRecord;
}

/**
 * A request that has started, as written to the JSONL log before its record: the record's
 * identifying fields, and `"event": "start"`. A start line is no record: tables and compaction
 * count only records, and a start whose record never came shows as in flight.
 */
export interface RequestStartRecord {
  event: "start";
  time: string;
  id: string;
  method: string;
  path: string;
  model?: string;
  provider?: string;
  upstream_model?: string;
  stream?: boolean;
}

/** The fields of a record that a start line keeps. */
const START_FIELDS = [
  "time",
  "id",
  "method",
  "path",
  "model",
  "provider",
  "upstream_model",
  "stream",
] as const;

/** The start line for a request whose record so far is `record`. */
export function toStartRecord(record: RequestLogRecord): RequestStartRecord {
  const out: Record<string, unknown> = { event: "start" };
  for (const field of START_FIELDS) {
    if (record[field] !== undefined) out[field] = record[field];
  }
  return out as unknown as RequestStartRecord;
}

/** `value` as a start line when it is one (see {@linkcode RequestStartRecord}). */
export function asStartRecord(value: unknown): RequestStartRecord | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const start = value as Record<string, unknown>;
  if (start.event !== "start") return undefined;
  for (const field of START_FIELDS) {
    const kind = FIELDS[field];
    if (Object.hasOwn(start, field) && !hasKind(start[field], kind)) return undefined;
  }
  const required = ["time", "id", "method", "path"];
  return required.every((field) => typeof start[field] === "string")
    ? start as unknown as RequestStartRecord
    : undefined;
}

/** Where finished requests go. `write` never blocks the request and never throws. */
export interface RequestLogger {
  /**
   * Called as a request starts, with its record (time, id, method, path; the rest comes later).
   * Like `write`, it never blocks and never throws.
   */
  started?(record: RequestLogRecord): void;
  write(record: RequestLogRecord): void;
  /** Flushes pending lines and releases the file. */
  close(): Promise<void>;
}

/** A logger that drops everything (no log file configured). */
export const NULL_LOGGER: RequestLogger = {
  write() {},
  close: () => Promise.resolve(),
};
