// Time windows, buckets and per-model sums over the chart points (columns sent by the proxy).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The ranges the page offers: how far back, and how wide each bar is. */
export const RANGES = {
  "1h": { span: HOUR, bucket: MINUTE },
  "6h": { span: 6 * HOUR, bucket: 5 * MINUTE },
  "24h": { span: DAY, bucket: 15 * MINUTE },
  "7d": { span: 7 * DAY, bucket: 2 * HOUR },
};
const BUCKET_SIZES = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const MAX_BUCKETS = 96;
/** Colors for the models, in order of first sight; the rest share the last. */
const PALETTE = [
  "#5b8def",
  "#e8a33d",
  "#3fb68b",
  "#a871e8",
  "#e56b9f",
  "#2fb3c4",
  "#93b83a",
  "#e47a3c",
];
const OTHER_COLOR = "#98a2b3";
const TOP_MODELS = PALETTE.length - 1;

const colors = new Map();

/** The color of `model`, the same for the life of the page. */
export function modelColor(model) {
  let color = colors.get(model);
  if (!color) {
    color = colors.size < PALETTE.length ? PALETTE[colors.size] : OTHER_COLOR;
    colors.set(model, color);
  }
  return color;
}

/** The time window for `range` ending now: its start, its bucket width and count. */
export function timeWindow(range, points, now) {
  const offset = new Date(now).getTimezoneOffset() * MINUTE;
  let span;
  let bucket;
  if (RANGES[range]) {
    ({ span, bucket } = RANGES[range]);
  } else {
    const first = points.t.length > 0 ? Math.min(points.t[0], now) : now - HOUR;
    span = Math.max(HOUR, now - first);
    bucket = BUCKET_SIZES.find((size) => span / size <= MAX_BUCKETS) ?? 7 * DAY;
  }
  // Bars end at the next whole bucket of local time.
  const end = Math.ceil((now - offset) / bucket) * bucket + offset;
  const n = Math.max(1, Math.ceil(span / bucket));
  return { start: end - n * bucket, end, bucketMs: bucket, n };
}

/** The `p`-th percentile (0..1) of sorted `values`, or null. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index];
}

/**
 * Sums the points inside `win` per bucket and per model slot (the top models by requests, then
 * "other"); `hidden` models are left out of the charts but not of the totals.
 */
export function aggregate(points, win, hidden) {
  const perModel = new Map();
  const totals = {
    requests: 0,
    errors: 0,
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    cost: 0,
    priced: 0,
    latencies: [],
    ttfts: [],
  };
  const inWindow = [];
  for (let k = 0; k < points.t.length; k++) {
    const t = points.t[k];
    if (t < win.start || t >= win.end) continue;
    inWindow.push(k);
    const model = points.models[points.m[k]];
    perModel.set(model, (perModel.get(model) ?? 0) + 1);
    totals.requests += 1;
    totals.errors += points.error[k];
    totals.input += points.input[k];
    totals.output += points.output[k];
    totals.cacheRead += points.cache_read[k];
    totals.cacheWrite += points.cache_write[k];
    if (points.cost[k] !== null) {
      totals.cost += points.cost[k];
      totals.priced += 1;
    }
    if (!points.error[k]) totals.latencies.push(points.total_ms[k]);
    if (points.ttft_ms[k] !== null) totals.ttfts.push(points.ttft_ms[k]);
  }
  totals.latencies.sort((a, b) => a - b);
  totals.ttfts.sort((a, b) => a - b);
  const ranked = [...perModel.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  const top = ranked.length > TOP_MODELS + 1 ? ranked.slice(0, TOP_MODELS) : ranked;
  const slots = top.map((name) => ({
    name,
    color: modelColor(name),
    requests: perModel.get(name),
  }));
  if (top.length < ranked.length) {
    const rest = ranked.slice(top.length);
    slots.push({
      name: `other (${rest.length})`,
      color: OTHER_COLOR,
      requests: rest.reduce((sum, name) => sum + perModel.get(name), 0),
      other: true,
    });
  }
  const slotOf = new Map(top.map((name, i) => [name, i]));
  const otherSlot = slots.findIndex((slot) => slot.other);
  const grid = () => slots.map(() => new Array(win.n).fill(0));
  const buckets = {
    requests: grid(),
    errors: new Array(win.n).fill(0),
    tokens: grid(),
    input: grid(),
    output: grid(),
    cache: grid(),
    cost: grid(),
    latency: slots.map(() => Array.from({ length: win.n }, () => [])),
    all: Array.from({ length: win.n }, () => []),
    /** Each answered request: its time, total time and its model's color. */
    scatter: [],
  };
  for (const k of inWindow) {
    const i = Math.floor((points.t[k] - win.start) / win.bucketMs);
    const model = points.models[points.m[k]];
    const slot = slotOf.get(model) ?? otherSlot;
    if (hidden.has(slots[slot].name)) continue;
    const cache = points.cache_read[k] + points.cache_write[k];
    buckets.requests[slot][i] += 1;
    buckets.errors[i] += points.error[k];
    buckets.input[slot][i] += points.input[k];
    buckets.output[slot][i] += points.output[k];
    buckets.cache[slot][i] += cache;
    buckets.tokens[slot][i] += points.input[k] + points.output[k] + cache;
    buckets.cost[slot][i] += points.cost[k] ?? 0;
    if (!points.error[k]) {
      buckets.latency[slot][i].push(points.total_ms[k]);
      buckets.all[i].push(points.total_ms[k]);
      buckets.scatter.push({ t: points.t[k], v: points.total_ms[k], color: slots[slot].color });
    }
  }
  return { slots, totals, buckets };
}

/** The bucket starts and ends of `win`. */
export function bucketTimes(win) {
  return Array.from({ length: win.n }, (_, i) => ({
    start: win.start + i * win.bucketMs,
    end: win.start + (i + 1) * win.bucketMs,
  }));
}
