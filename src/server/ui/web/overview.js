// The top of the page: totals for the range, the four charts, and the model legend.
import { drawChart } from "./charts.js";
import { count, duration, esc, money } from "./format.js";
import { aggregate, bucketTimes, percentile, timeWindow } from "./stats.js";

const RANGE_NAMES = {
  "1h": "last hour",
  "6h": "last 6 hours",
  "24h": "last 24 hours",
  "7d": "last 7 days",
  all: "everything kept",
};

/** Draws the totals, charts and legend for `state` (points, range, hidden models, in flight). */
export function renderOverview(state, now) {
  const win = timeWindow(state.range, state.points, now);
  const agg = aggregate(state.points, win, state.hidden);
  renderKpis(agg.totals, state);
  const times = bucketTimes(win);
  const base = { buckets: times, bucketMs: win.bucketMs };
  const visible = agg.slots.map((slot, i) => ({ slot, i })).filter(({ slot }) =>
    !state.hidden.has(slot.name)
  );
  const stack = (grid) =>
    visible.map(({ slot, i }) => ({ name: slot.name, color: slot.color, values: grid[i] }));
  const when = (i) => timeRange(times[i], win.bucketMs);
  const noRequests = agg.totals.requests === 0 ? "No requests in this range" : undefined;

  chart("chart-requests", `${count(agg.totals.requests)} in the ${RANGE_NAMES[state.range]}`, {
    ...base,
    kind: "bars",
    series: stack(agg.buckets.requests),
    format: (v) => count(v),
    empty: noRequests,
    tooltip: (i) =>
      tooltip(when(i), rows(visible, agg.buckets.requests, i, count), {
        label: "Total",
        value: count(sum(agg.buckets.requests, i)),
        extra: agg.buckets.errors[i] > 0
          ? `<div class="row"><span class="name error-text">errors</span><span>${
            count(agg.buckets.errors[i])
          }</span></div>`
          : "",
      }),
  });
  chart(
    "chart-tokens",
    `${count(agg.totals.input)} in · ${count(agg.totals.output)} out · ${
      count(agg.totals.cacheRead + agg.totals.cacheWrite)
    } cache`,
    {
      ...base,
      kind: "bars",
      series: stack(agg.buckets.tokens),
      format: (v) => count(v),
      empty: noRequests,
      tooltip: (i) =>
        tooltip(when(i), rows(visible, agg.buckets.tokens, i, count), {
          label: "in / out / cache",
          value: `${count(sum(agg.buckets.input, i))} / ${count(sum(agg.buckets.output, i))} / ${
            count(sum(agg.buckets.cache, i))
          }`,
        }),
    },
  );
  const unpriced = agg.totals.requests - agg.totals.priced;
  chart(
    "chart-cost",
    agg.totals.priced > 0
      ? `${money(agg.totals.cost)}${unpriced > 0 ? ` · ${count(unpriced)} without a price` : ""}`
      : "",
    {
      ...base,
      kind: "bars",
      series: stack(agg.buckets.cost),
      format: (v, axis) => (axis && v > 0 && v < 0.01 ? `$${v.toPrecision(1)}` : money(v)),
      empty: noRequests ??
        (agg.totals.priced === 0
          ? "No prices known for these models: set [model_options] price"
          : undefined),
      tooltip: (i) =>
        tooltip(when(i), rows(visible, agg.buckets.cost, i, money), {
          label: "Total",
          value: money(sum(agg.buckets.cost, i)),
        }),
    },
  );
  const medians = visible.map(({ slot, i }) => ({
    name: slot.name,
    color: slot.color,
    values: agg.buckets.latency[i].map((list) => median(list)),
  }));
  const sorted = agg.buckets.all.map((list) => [...list].sort((a, b) => a - b));
  const p50 = sorted.map((list) => percentile(list, 0.5));
  const p95 = sorted.map((list) => percentile(list, 0.95));
  chart(
    "chart-latency",
    agg.totals.latencies.length > 0
      ? `p50 ${duration(percentile(agg.totals.latencies, 0.5))} · p95 ${
        duration(percentile(agg.totals.latencies, 0.95))
      }`
      : "",
    {
      ...base,
      kind: "scatter",
      start: win.start,
      end: win.end,
      points: agg.buckets.scatter,
      series: [
        { name: "p50", cls: "line-p50", values: p50 },
        { name: "p95", cls: "line-p95", values: p95, dashed: true },
      ],
      format: (v) => axisDuration(v),
      empty: noRequests,
      tooltip: (i) =>
        tooltip(
          when(i),
          medians.filter((s) => s.values[i] !== null).map((s) =>
            row(s.color, `${s.name} (median)`, duration(s.values[i]))
          ).join(""),
          {
            label: "p50 · p95, all models",
            value: p50[i] === null ? "–" : `${duration(p50[i])} · ${duration(p95[i])}`,
          },
        ),
    },
  );
  renderLegend(agg.slots, state);
}

/** A round duration for an axis: 100 ms, 2 s, 1 min. */
function axisDuration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  return `${ms / 3_600_000} h`;
}

function chart(id, sub, spec) {
  const figure = document.getElementById(id);
  figure.querySelector(".sub").textContent = sub;
  drawChart(figure.querySelector(".plot"), spec);
}

function renderKpis(totals, state) {
  const errorRate = totals.requests > 0 ? (totals.errors / totals.requests) * 100 : 0;
  const unpriced = totals.requests - totals.priced;
  const cards = [
    {
      label: "Requests",
      value: count(totals.requests),
      detail: `${count(state.inflight.size)} in flight now`,
    },
    {
      label: "Errors",
      value: count(totals.errors),
      detail: totals.requests > 0
        ? `${errorRate.toFixed(errorRate < 10 ? 1 : 0)}% of requests`
        : "",
      bad: totals.errors > 0,
    },
    {
      label: "Tokens",
      value: count(totals.input + totals.output + totals.cacheRead + totals.cacheWrite),
      detail: `${count(totals.input)} in · ${count(totals.output)} out · ${
        count(totals.cacheRead)
      } cache read`,
    },
    {
      label: "Cost",
      value: totals.priced > 0 ? money(totals.cost) : "–",
      detail: totals.requests === 0
        ? ""
        : unpriced > 0
        ? `${count(unpriced)} request${unpriced === 1 ? "" : "s"} without a price`
        : "every request priced",
    },
    {
      label: "Latency p50 · p95",
      value: duration(percentile(totals.latencies, 0.5)),
      detail: `p95 ${duration(percentile(totals.latencies, 0.95))}`,
    },
    {
      label: "First token p50",
      value: duration(percentile(totals.ttfts, 0.5)),
      detail: totals.ttfts.length > 0
        ? `p95 ${duration(percentile(totals.ttfts, 0.95))}`
        : "streams only",
    },
  ];
  document.getElementById("kpis").innerHTML = cards.map((card) =>
    `<div class="panel kpi${card.bad ? " bad" : ""}"><div class="label">${
      esc(card.label)
    }</div><div class="value">${esc(card.value)}</div><div class="detail">${
      esc(card.detail)
    }</div></div>`
  ).join("");
}

function renderLegend(slots, state) {
  const legend = document.getElementById("legend");
  legend.innerHTML = slots.map((slot) =>
    `<button type="button" data-model="${esc(slot.name)}" aria-pressed="${!state.hidden.has(
      slot.name,
    )}">${swatch(slot.color)}<span>${esc(slot.name)}</span><span class="muted">${
      count(slot.requests)
    }</span></button>`
  ).join("");
}

/** A small colored square. */
export function swatch(color) {
  return `<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2.5" fill="${
    esc(color)
  }"/></svg>`;
}

function rows(visible, grid, i, format) {
  return visible
    .filter(({ i: slot }) => grid[slot][i] > 0)
    .map(({ slot, i: index }) => row(slot.color, slot.name, format(grid[index][i])))
    .join("");
}

function row(color, name, value) {
  return `<div class="row">${swatch(color)}<span class="name">${esc(name)}</span><span>${
    esc(value)
  }</span></div>`;
}

function tooltip(when, body, total) {
  return `<div class="when">${esc(when)}</div>${body}${
    total.extra ?? ""
  }<div class="row total"><span class="name">${esc(total.label)}</span><span>${
    esc(total.value)
  }</span></div>`;
}

function sum(grid, i) {
  let total = 0;
  for (const values of grid) total += values[i];
  return total;
}

function median(list) {
  if (list.length === 0) return null;
  const sorted = [...list].sort((a, b) => a - b);
  return percentile(sorted, 0.5);
}

function timeRange(bucket, bucketMs) {
  const options = bucketMs >= 86_400_000
    ? { month: "short", day: "numeric" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false };
  const start = new Date(bucket.start).toLocaleString(undefined, options);
  if (bucketMs >= 86_400_000) return start;
  const end = new Date(bucket.end).toLocaleTimeString(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
  return `${start} – ${end}`;
}
