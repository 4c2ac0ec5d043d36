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
  /** What the translation changed: fields dropped, images removed, max_tokens capped, effort mapped. */
  changes?: string[];
  /** With body logging on: the client request, the upstream request and the response (capped, redacted). */
  bodies?: { client?: string; upstream?: string; response?: string };
}

/** Where finished requests go. `write` never blocks the request and never throws. */
export interface RequestLogger {
  write(record: RequestLogRecord): void;
  /** Flushes pending lines and releases the file. */
  close(): Promise<void>;
}

/** A logger that drops everything (no log file configured). */
export const NULL_LOGGER: RequestLogger = {
  write() {},
  close: () => Promise.resolve(),
};
