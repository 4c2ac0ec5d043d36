// Request metrics kept in memory and rendered in the Prometheus text exposition format (0.0.4).
import type { Config } from "../config/schema.ts";
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
  /**
   * The model names kept as labels: the ones the config routes to (see {@linkcode modelLabels}).
   * Any other name (one a client sent that no rule maps) is counted as {@linkcode OTHER_LABEL}.
   * Without it, names are kept until a label has {@linkcode MAX_LABEL_VALUES} values.
   */
  models?: Iterable<string>;
}

/** The label value that stands for every name not kept. */
export const OTHER_LABEL = "other";
/**
 * The most values one label takes; later new values are counted as {@linkcode OTHER_LABEL}. A
 * bound on whatever a client or a provider can put in a label (model names, error types).
 */
export const MAX_LABEL_VALUES = 100;

/**
 * The model names the config itself routes to: each `[models]` rule's target and each exact
 * `[model_options]` name. These are the `model` labels of {@linkcode Metrics}.
 */
export function modelLabels(config: Pick<Config, "models" | "modelOptions">): Set<string> {
  const names = new Set(config.models.map((rule) => rule.model));
  for (const name of Object.keys(config.modelOptions)) {
    if (!/[*?]/.test(name)) names.add(name);
  }
  return names;
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
 * model that served the request (the upstream model, else the model asked for). Label sets are
 * bounded: a model name the config does not route to is `other`, and no label takes more than
 * {@linkcode MAX_LABEL_VALUES} values, so no client can grow the output.
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
  #models: ReadonlySet<string> | undefined;
  #seen = new Map<string, Set<string>>();

  constructor(options: MetricsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    if (options.models !== undefined) this.#models = new Set(options.models);
  }

  /** Counts one finished request. `record.retries` is not counted here: call {@linkcode retry}. */
  observe(record: RequestLogRecord): void {
    const provider = this.#bounded("provider", record.provider ?? "none");
    const model = this.#model(record.upstream_model ?? record.model);
    const status = this.#bounded("status", String(record.status));
    increment(this.#requests, { provider, model, status }, 1);
    if (record.error_type !== undefined) {
      increment(this.#errors, { provider, type: this.#bounded("type", record.error_type) }, 1);
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
    increment(this.#retries, { provider: this.#bounded("provider", provider) }, 1);
  }

  #model(name: string | undefined): string {
    if (name === undefined) return "unknown";
    if (this.#models === undefined) return this.#bounded("model", name);
    return this.#models.has(name) ? name : OTHER_LABEL;
  }

  /** `value`, or {@linkcode OTHER_LABEL} once `label` has had its share of distinct values. */
  #bounded(label: string, value: string): string {
    let seen = this.#seen.get(label);
    if (!seen) this.#seen.set(label, seen = new Set());
    if (seen.has(value)) return value;
    if (seen.size >= MAX_LABEL_VALUES) return OTHER_LABEL;
    seen.add(value);
    return value;
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
