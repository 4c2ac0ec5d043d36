// Request metrics kept in memory and rendered in the Prometheus text exposition format (0.0.4).
import type { RequestLogRecord } from "./record.ts";

/** The Content-Type for {@linkcode Metrics.render}'s output. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Upper bounds (seconds) of the request-duration histogram's buckets. */
const DURATION_BUCKETS: readonly number[] = [
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  120,
  300,
];

/** Upper bounds (seconds) of the time-to-first-byte histogram's buckets. */
const TTFB_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Options for {@linkcode Metrics}. */
export interface MetricsOptions {
  /** The clock, in milliseconds (default `Date.now`); uptime counts from construction. */
  now?: () => number;
}

type Labels = Record<string, string>;

class Histogram {
  readonly counts: number[];
  sumMs = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }
  observe(ms: number): void {
    const seconds = ms / 1000;
    this.bounds.forEach((bound, i) => {
      if (seconds <= bound) this.counts[i]! += 1;
    });
    this.sumMs += ms;
    this.count += 1;
  }
}

/**
 * Counters, gauges and histograms for `GET /metrics`. Series are labelled by provider and by the
 * model that served the request (the upstream model, else the model asked for).
 *
 * @example
 * const metrics = new Metrics();
 * metrics.observe(record); // once per finished request, with the record written to the log
 * new Response(metrics.render(), { headers: { "content-type": METRICS_CONTENT_TYPE } });
 */
export class Metrics {
  #now: () => number;
  #started: number;
  #requests = new Map<string, number>();
  #errors = new Map<string, number>();
  #tokens = new Map<string, number>();
  #retries = new Map<string, number>();
  #duration = new Map<string, Histogram>();
  #ttfb = new Map<string, Histogram>();
  #streams = 0;

  constructor(options: MetricsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
  }

  /** Counts one finished request. `record.retries` is not counted here: call {@linkcode retry}. */
  observe(record: RequestLogRecord): void {
    const provider = record.provider ?? "none";
    const model = record.upstream_model ?? record.model ?? "unknown";
    increment(this.#requests, { provider, model, status: String(record.status) }, 1);
    if (record.error_type !== undefined) {
      increment(this.#errors, { provider, type: record.error_type }, 1);
    }
    const tokens = [
      ["input", record.input_tokens],
      ["output", record.output_tokens],
      ["cached", record.cached_tokens],
    ] as const;
    for (const [direction, count] of tokens) {
      if (count !== undefined) increment(this.#tokens, { direction, provider, model }, count);
    }
    histogram(this.#duration, { provider }, DURATION_BUCKETS).observe(record.total_ms);
    if (record.ttfb_ms !== undefined) {
      histogram(this.#ttfb, { provider }, TTFB_BUCKETS).observe(record.ttfb_ms);
    }
  }

  /** Marks a streaming response as started (the in-flight gauge goes up). */
  streamStarted(): void {
    this.#streams += 1;
  }

  /** Marks a streaming response as ended, however it ended. */
  streamEnded(): void {
    this.#streams = Math.max(0, this.#streams - 1);
  }

  /** Counts one retried upstream attempt. */
  retry(provider: string): void {
    increment(this.#retries, { provider }, 1);
  }

  /** The metrics in the Prometheus text exposition format. */
  render(): string {
    const lines: string[] = [];
    counter(lines, "requests_total", "Finished requests.", this.#requests);
    counter(lines, "errors_total", "Finished requests that failed, by error type.", this.#errors);
    counter(lines, "tokens_total", "Tokens used, by direction.", this.#tokens);
    counter(lines, "retries_total", "Upstream attempts retried.", this.#retries);
    histograms(
      lines,
      "request_duration_seconds",
      "Time from request to the end of the response.",
      this.#duration,
    );
    histograms(lines, "ttfb_seconds", "Time from request to the first byte sent.", this.#ttfb);
    header(lines, "streams_in_flight", "gauge", "Streaming responses in progress.");
    lines.push(`claude_proxy_streams_in_flight ${this.#streams}`);
    header(lines, "uptime_seconds", "gauge", "Seconds since the proxy started.");
    const uptime = Math.max(0, this.#now() - this.#started) / 1000;
    lines.push(`claude_proxy_uptime_seconds ${uptime}`);
    return lines.join("\n") + "\n";
  }
}

function increment(map: Map<string, number>, labels: Labels, by: number): void {
  const key = formatLabels(labels);
  map.set(key, (map.get(key) ?? 0) + by);
}

function histogram(
  map: Map<string, Histogram>,
  labels: Labels,
  bounds: readonly number[],
): Histogram {
  const key = formatLabels(labels);
  let found = map.get(key);
  if (!found) map.set(key, found = new Histogram(bounds));
  return found;
}

function header(lines: string[], name: string, type: string, help: string): void {
  lines.push(`# HELP claude_proxy_${name} ${help}`, `# TYPE claude_proxy_${name} ${type}`);
}

function counter(lines: string[], name: string, help: string, map: Map<string, number>): void {
  header(lines, name, "counter", help);
  for (const key of [...map.keys()].sort()) {
    lines.push(`claude_proxy_${name}${key} ${map.get(key)}`);
  }
}

function histograms(
  lines: string[],
  name: string,
  help: string,
  map: Map<string, Histogram>,
): void {
  header(lines, name, "histogram", help);
  for (const key of [...map.keys()].sort()) {
    const h = map.get(key)!;
    const inner = key.slice(1, -1);
    const withLe = (le: string) => `{${inner ? inner + "," : ""}le="${le}"}`;
    h.bounds.forEach((bound, i) => {
      lines.push(`claude_proxy_${name}_bucket${withLe(String(bound))} ${h.counts[i]}`);
    });
    lines.push(`claude_proxy_${name}_bucket${withLe("+Inf")} ${h.count}`);
    lines.push(`claude_proxy_${name}_sum${key} ${h.sumMs / 1000}`);
    lines.push(`claude_proxy_${name}_count${key} ${h.count}`);
  }
}

/** `{a="1",b="2"}` with values escaped as the exposition format requires. */
function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return `{${parts.join(",")}}`;
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}
