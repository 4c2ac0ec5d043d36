// Totals over log records, per model, provider, session or day: requests, errors, tokens, cost, latency. Pure.
import type { RequestLogRecord } from "./record.ts";
import { isFailure } from "./session_totals.ts";

/** What a summary groups requests by. */
export const SUMMARY_GROUPS = ["model", "provider", "session", "day"] as const;
/** One {@linkcode SUMMARY_GROUPS} value. */
export type SummaryGroup = (typeof SUMMARY_GROUPS)[number];

/** The totals of one group (or of all requests). */
export interface SummaryRow {
  /** The model, provider, session id or day (YYYY-MM-DD); "all" for the total. */
  key: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  /** Requests that used tokens with no price known: the cost leaves them out. */
  unpriced: number;
  /** Median and 95th percentile of the whole answer's time, over requests that did not fail. */
  p50_ms: number | null;
  p95_ms: number | null;
  /** The first and last request's time (ISO). */
  first: string;
  last: string;
}

/** Options for {@linkcode UsageSummary}. */
export interface UsageSummaryOptions {
  /** One row per group; without it, only the total. */
  by?: SummaryGroup | undefined;
  /** Only requests at or after this time (epoch ms). */
  since?: number | undefined;
  /** The time zone days are counted in (default: the local one). */
  timeZone?: string | undefined;
}

interface Group {
  row: SummaryRow;
  latencies: number[];
}

/**
 * Adds up log records one at a time (memory grows with the groups and the latencies only).
 *
 * @example
 * const summary = new UsageSummary({ by: "model", since: Date.now() - 86_400_000 });
 * for await (const record of logRecords(path)) summary.add(record);
 * summary.rows(); // one row per model, costliest first
 */
export class UsageSummary {
  #options: UsageSummaryOptions;
  #groups = new Map<string, Group>();
  #total: Group = { row: emptyRow("all"), latencies: [] };
  #day: Intl.DateTimeFormat;

  constructor(options: UsageSummaryOptions = {}) {
    this.#options = options;
    this.#day = new Intl.DateTimeFormat("en-CA", {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
  }

  /** Counts `record` if it is in the time range. */
  add(record: RequestLogRecord): void {
    const time = Date.parse(record.time);
    if (this.#options.since !== undefined && !(time >= this.#options.since)) return;
    addTo(this.#total, record);
    const by = this.#options.by;
    if (by === undefined) return;
    const key = this.#keyOf(record, by, time);
    let group = this.#groups.get(key);
    if (!group) this.#groups.set(key, group = { row: emptyRow(key), latencies: [] });
    addTo(group, record);
  }

  /** One row per group: days in order, anything else costliest (then busiest) first. */
  rows(): SummaryRow[] {
    const rows = [...this.#groups.values()].map(finish);
    if (this.#options.by === "day") return rows.sort((a, b) => a.key.localeCompare(b.key));
    return rows.sort((a, b) => b.cost_usd - a.cost_usd || b.requests - a.requests);
  }

  /** The totals of every request counted. */
  total(): SummaryRow {
    return finish(this.#total);
  }

  #keyOf(record: RequestLogRecord, by: SummaryGroup, time: number): string {
    switch (by) {
      case "model":
        return record.upstream_model ?? record.model ?? "(none)";
      case "provider":
        return record.provider ?? "(none)";
      case "session":
        return record.session_id ?? "(none)";
      case "day":
        return Number.isNaN(time) ? "(no date)" : this.#day.format(time);
    }
  }
}

/**
 * The time `text` names, relative to `now`: `30m`, `24h`, `7d`, `2w`, `today`, or a date or time
 * (`2026-12-01`, ISO 8601). Undefined when it names none.
 */
export function parseSince(text: string, now: number): number | undefined {
  const value = text.trim().toLowerCase();
  const relative = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/.exec(value);
  if (relative) {
    const unit = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      relative[2] as "m" | "min" | "h" | "d" | "w"
    ];
    return now - Number(relative[1]) * unit;
  }
  if (value === "today") {
    const day = new Date(now);
    day.setHours(0, 0, 0, 0);
    return day.getTime();
  }
  // A bare date is the start of that day in local time (Date.parse would take it as UTC).
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) return new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3])).getTime();
  const parsed = Date.parse(text.trim());
  return Number.isNaN(parsed) ? undefined : parsed;
}

function emptyRow(key: string): SummaryRow {
  return {
    key,
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: 0,
    unpriced: 0,
    p50_ms: null,
    p95_ms: null,
    first: "",
    last: "",
  };
}

function addTo(group: Group, record: RequestLogRecord): void {
  const { row } = group;
  row.requests += 1;
  const failed = isFailure(record);
  if (failed) row.errors += 1;
  else group.latencies.push(record.total_ms);
  row.input_tokens += record.input_tokens ?? 0;
  row.output_tokens += record.output_tokens ?? 0;
  row.cache_read_tokens += record.cached_tokens ?? 0;
  row.cache_write_tokens += record.cache_write_tokens ?? 0;
  if (record.cost_usd !== undefined) row.cost_usd += record.cost_usd;
  else if ((record.input_tokens ?? 0) + (record.output_tokens ?? 0) > 0) row.unpriced += 1;
  if (row.first === "" || record.time < row.first) row.first = record.time;
  if (record.time > row.last) row.last = record.time;
}

function finish(group: Group): SummaryRow {
  const sorted = [...group.latencies].sort((a, b) => a - b);
  return {
    ...group.row,
    cost_usd: Math.round(group.row.cost_usd * 1e10) / 1e10,
    p50_ms: percentile(sorted, 0.5),
    p95_ms: percentile(sorted, 0.95),
  };
}

/** The nearest-rank percentile of sorted values, or null when there are none. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
