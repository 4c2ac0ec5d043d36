// What one Claude Code session has used: requests, errors, tokens, cost; summed from log records.
import type { RequestLogRecord } from "./record.ts";

/** What a session (Claude Code's `x-claude-code-session-id`) has used so far. */
export interface SessionTotals {
  session_id: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  /** Whether some request of the session used tokens without a known price (the cost is then a lower bound). */
  unpriced: boolean;
  /** The last request's client model, provider and upstream model. */
  model?: string;
  provider?: string;
  upstream_model?: string;
  /** ISO times of the first and last request. */
  first: string;
  last: string;
}

/** Whether a record is a failure: an error status, or an error type (a stream that failed after its 200). */
export function isFailure(record: Pick<RequestLogRecord, "status" | "error_type">): boolean {
  return record.status >= 400 || record.error_type !== undefined;
}

/** A session with nothing used yet. */
export function emptySessionTotals(id: string, time: string): SessionTotals {
  return {
    session_id: id,
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: 0,
    unpriced: false,
    first: time,
    last: time,
  };
}

/** Adds one finished request to `totals`; the newest request names the session's route. */
export function addToSession(
  totals: SessionTotals,
  record: Omit<RequestLogRecord, "bodies">,
): void {
  totals.requests += 1;
  if (isFailure(record)) totals.errors += 1;
  totals.input_tokens += record.input_tokens ?? 0;
  totals.output_tokens += record.output_tokens ?? 0;
  totals.cache_read_tokens += record.cached_tokens ?? 0;
  totals.cache_write_tokens += record.cache_write_tokens ?? 0;
  if (record.cost_usd !== undefined) totals.cost_usd += record.cost_usd;
  else if ((record.input_tokens ?? 0) + (record.output_tokens ?? 0) > 0) totals.unpriced = true;
  if (record.time < totals.first) totals.first = record.time;
  if (record.time >= totals.last) {
    totals.last = record.time;
    for (const key of ["model", "provider", "upstream_model"] as const) {
      const value = record[key];
      if (value === undefined) delete totals[key];
      else totals[key] = value;
    }
  }
}

/** `older`'s totals followed by `newer`'s. */
export function mergeSessionTotals(older: SessionTotals, newer: SessionTotals): SessionTotals {
  return {
    ...newer,
    requests: older.requests + newer.requests,
    errors: older.errors + newer.errors,
    input_tokens: older.input_tokens + newer.input_tokens,
    output_tokens: older.output_tokens + newer.output_tokens,
    cache_read_tokens: older.cache_read_tokens + newer.cache_read_tokens,
    cache_write_tokens: older.cache_write_tokens + newer.cache_write_tokens,
    cost_usd: older.cost_usd + newer.cost_usd,
    unpriced: older.unpriced || newer.unpriced,
    first: older.first < newer.first ? older.first : newer.first,
  };
}
