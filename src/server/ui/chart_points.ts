// The finished requests as columns of numbers, for the dashboard's charts: small to send, quick to bin.
import { isFailure } from "../../log/session_totals.ts";
import type { RequestEntry } from "./recent_requests.ts";

/**
 * One column per measure, one row per request, oldest first. Models and sessions are numbered
 * (`m`, `sess` index `models`, `sessions`; -1 for none); a measure the request lacks is null.
 */
export interface ChartPoints {
  models: string[];
  sessions: string[];
  /** Arrival time, epoch milliseconds. */
  t: number[];
  m: number[];
  sess: number[];
  status: number[];
  /** 1 when the request failed. */
  error: number[];
  input: number[];
  output: number[];
  cache_read: number[];
  cache_write: number[];
  cost: Array<number | null>;
  total_ms: number[];
  ttft_ms: Array<number | null>;
}

/** The name a request is charted under: the model it went to, else the one asked for. */
function chartModel(entry: Pick<RequestEntry, "upstream_model" | "model">): string {
  return entry.upstream_model ?? entry.model ?? "(no model)";
}

/** The entries (oldest first) as {@linkcode ChartPoints}. */
export function chartPoints(entries: Iterable<RequestEntry>): ChartPoints {
  const points: ChartPoints = {
    models: [],
    sessions: [],
    t: [],
    m: [],
    sess: [],
    status: [],
    error: [],
    input: [],
    output: [],
    cache_read: [],
    cache_write: [],
    cost: [],
    total_ms: [],
    ttft_ms: [],
  };
  const models = new Map<string, number>();
  const sessions = new Map<string, number>();
  for (const entry of entries) {
    const time = Date.parse(entry.time);
    if (Number.isNaN(time)) continue;
    points.t.push(time);
    points.m.push(indexOf(models, points.models, chartModel(entry)));
    points.sess.push(
      entry.session_id === undefined ? -1 : indexOf(sessions, points.sessions, entry.session_id),
    );
    points.status.push(entry.status);
    points.error.push(isFailure(entry) ? 1 : 0);
    points.input.push(entry.input_tokens ?? 0);
    points.output.push(entry.output_tokens ?? 0);
    points.cache_read.push(entry.cached_tokens ?? 0);
    points.cache_write.push(entry.cache_write_tokens ?? 0);
    points.cost.push(entry.cost_usd ?? null);
    points.total_ms.push(entry.total_ms);
    points.ttft_ms.push(entry.ttft_ms ?? null);
  }
  return points;
}

function indexOf(map: Map<string, number>, list: string[], name: string): number {
  let index = map.get(name);
  if (index === undefined) {
    index = list.length;
    map.set(name, index);
    list.push(name);
  }
  return index;
}
