// Hand-written SVG charts: stacked bars and lines over time buckets, with axes and a hover cursor.
import { axisTime, esc } from "./format.js";

const MARGIN = { left: 52, right: 10, top: 10, bottom: 22 };
const SVG_NS = "http://www.w3.org/2000/svg";

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^n) at or above `value`. */
function nice(value) {
  if (!(value > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  const f = value / exp;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * exp;
}

/** Four gridline steps from 0 to a nice top at or above `max`. */
function scale(max) {
  const step = nice(max / 4);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { top, ticks };
}

/** Durations that make round ticks on a log scale, in ms (10 ms to 1 hour). */
const DURATION_STEPS = [
  10,
  20,
  50,
  100,
  200,
  500,
  1e3,
  2e3,
  5e3,
  1e4,
  2e4,
  3e4,
  6e4,
  12e4,
  3e5,
  6e5,
  18e5,
  36e5,
];
/** The ones kept when the range is wide. */
const WIDE_STEPS = new Set([10, 100, 1e3, 1e4, 6e4, 6e5, 36e5]);

/** Ticks of a log scale of durations covering min..max (round steps only when it is wide). */
function logScale(min, max) {
  const lo = Number.isFinite(min) ? Math.max(10, min) : 100;
  const hi = Math.max(lo * 4, Number.isFinite(max) ? max : 0);
  const span = (steps) => {
    const bottom = steps.filter((v) => v <= lo).at(-1) ?? steps[0];
    const top = steps.find((v) => v >= hi) ?? steps.at(-1);
    return { bottom, top, ticks: steps.filter((v) => v >= bottom && v <= top) };
  };
  const fine = span(DURATION_STEPS);
  return fine.ticks.length <= 6 ? fine : span(DURATION_STEPS.filter((v) => WIDE_STEPS.has(v)));
}

/**
 * Draws into `plot` (a sized element) and remembers what is drawn for the hover handler.
 * `chart`: { buckets: [{start, end}], bucketMs, kind: "bars" | "lines" | "scatter", series:
 * [{name, color, values, dashed?}] (stacked bars, or lines through the bucket centres), format(value,
 * axis), tooltip(index) → HTML, empty? }; a scatter also has `points` [{t, v, color}] drawn as dots
 * between `start` and `end` on a log scale, with its series as lines over them.
 */
export function drawChart(plot, chart) {
  const width = Math.max(120, plot.clientWidth);
  const height = Math.max(80, plot.clientHeight);
  const inner = {
    w: width - MARGIN.left - MARGIN.right,
    h: height - MARGIN.top - MARGIN.bottom,
  };
  const n = chart.buckets.length;
  const band = inner.w / Math.max(1, n);
  let y;
  let ticks;
  if (chart.kind === "scatter") {
    const values = chart.points.map((p) => p.v);
    const range = logScale(Math.min(...values, Infinity), Math.max(...values, 0));
    const span = Math.log(range.top) - Math.log(range.bottom);
    ticks = range.ticks;
    y = (v) =>
      MARGIN.top + inner.h -
      ((Math.log(Math.max(range.bottom, v)) - Math.log(range.bottom)) / span) * inner.h;
  } else {
    const max = chart.kind === "bars" ? stackedMax(chart.series, n) : lineMax(chart.series);
    const linear = scale(max);
    ticks = linear.ticks;
    y = (v) => MARGIN.top + inner.h - (v / linear.top) * inner.h;
  }
  const parts = [];
  for (const [k, tick] of ticks.entries()) {
    const ty = y(tick).toFixed(1);
    parts.push(
      `<line class="${k === 0 ? "baseline" : "gridline"}" x1="${MARGIN.left}" x2="${
        width - MARGIN.right
      }" y1="${ty}" y2="${ty}"/>`,
      `<text class="axis" x="${MARGIN.left - 6}" y="${ty}" dy="0.32em" text-anchor="end">${
        esc(chart.format(tick, true))
      }</text>`,
    );
  }
  parts.push(...xLabels(chart, band, height));
  if (chart.kind === "bars") parts.push(...bars(chart, band, y));
  else if (chart.kind === "scatter") parts.push(...dots(chart, inner, y), ...lines(chart, band, y));
  else parts.push(...lines(chart, band, y));
  if (chart.empty) {
    parts.push(
      `<text class="nodata" x="${MARGIN.left + inner.w / 2}" y="${
        MARGIN.top + inner.h / 2
      }" text-anchor="middle">${esc(chart.empty)}</text>`,
    );
  }
  parts.push(
    `<line class="cursor" x1="0" x2="0" y1="${MARGIN.top}" y2="${
      MARGIN.top + inner.h
    }" visibility="hidden"/>`,
  );
  plot.innerHTML = `<svg xmlns="${SVG_NS}" viewBox="0 0 ${width} ${height}" role="img">${
    parts.join("")
  }</svg>`;
  plot._chart = { ...chart, band, width };
  if (!plot._hover) {
    plot._hover = true;
    plot.addEventListener("mousemove", (event) => hover(plot, event));
    plot.addEventListener("mouseleave", () => unhover(plot));
  }
}

function stackedMax(series, n) {
  let max = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const s of series) sum += s.values[i] ?? 0;
    if (sum > max) max = sum;
  }
  return max;
}

function lineMax(series) {
  let max = 0;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  return max;
}

function xLabels(chart, band, height) {
  const n = chart.buckets.length;
  if (n === 0) return [];
  const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor((band * n) / 90))));
  const out = [];
  for (let i = 0; i < n; i += every) {
    const x = MARGIN.left + band * i + band / 2;
    out.push(
      `<text class="axis" x="${x.toFixed(1)}" y="${height - 6}" text-anchor="middle">${
        esc(axisTime(chart.buckets[i].start, chart.bucketMs * every))
      }</text>`,
    );
  }
  return out;
}

function bars(chart, band, y) {
  const out = [];
  const gap = band > 6 ? Math.min(4, band * 0.22) : band > 2 ? 1 : 0;
  const w = Math.max(0.8, band - gap);
  chart.buckets.forEach((_, i) => {
    let base = 0;
    const x = (MARGIN.left + band * i + gap / 2).toFixed(1);
    for (const s of chart.series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const y0 = y(base);
      const y1 = y(base + v);
      base += v;
      out.push(
        `<rect x="${x}" y="${y1.toFixed(1)}" width="${w.toFixed(1)}" height="${
          Math.max(0.8, y0 - y1).toFixed(1)
        }" fill="${s.color}" rx="${w > 5 ? 1.5 : 0}"/>`,
      );
    }
  });
  return out;
}

/** At most this many dots are drawn; more are thinned evenly (the newest kept). */
const MAX_DOTS = 3000;

function dots(chart, inner, y) {
  const { start, end } = chart;
  const step = Math.max(1, Math.ceil(chart.points.length / MAX_DOTS));
  const out = [];
  for (let k = chart.points.length - 1; k >= 0; k -= step) {
    const p = chart.points[k];
    const x = MARGIN.left + ((p.t - start) / (end - start)) * inner.w;
    out.push(
      `<circle cx="${x.toFixed(1)}" cy="${
        y(p.v).toFixed(1)
      }" r="2.4" fill="${p.color}" fill-opacity="0.55"/>`,
    );
  }
  return out;
}

function lines(chart, band, y) {
  const out = [];
  for (const s of chart.series) {
    let d = "";
    let pen = false;
    let dots = "";
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      const x = (MARGIN.left + band * i + band / 2).toFixed(1);
      const yy = y(v).toFixed(1);
      d += `${pen ? "L" : "M"}${x} ${yy}`;
      // A lone point between gaps would be invisible as a path: mark it.
      const next = s.values[i + 1];
      if (!pen && (next === null || next === undefined)) {
        dots += `<circle cx="${x}" cy="${yy}" r="2.2" ${
          s.cls ? `class="${s.cls}"` : `fill="${s.color}"`
        }/>`;
      }
      pen = true;
    });
    if (d) {
      const paint = s.cls ? `class="${s.cls}"` : `stroke="${s.color}"`;
      out.push(
        `<path d="${d}" fill="none" ${paint} stroke-width="${
          s.dashed ? 1.3 : 1.8
        }" stroke-linejoin="round" stroke-linecap="round"${
          s.dashed ? ' stroke-dasharray="4 3"' : ""
        }/>`,
      );
    }
    out.push(dots);
  }
  return out;
}

function hover(plot, event) {
  const chart = plot._chart;
  const tooltip = document.getElementById("tooltip");
  if (!chart || chart.buckets.length === 0 || !tooltip) return;
  const rect = plot.getBoundingClientRect();
  const scaleX = chart.width / rect.width;
  const x = (event.clientX - rect.left) * scaleX - MARGIN.left;
  const i = Math.floor(x / chart.band);
  if (i < 0 || i >= chart.buckets.length) return unhover(plot);
  const cursor = plot.querySelector(".cursor");
  const cx = MARGIN.left + chart.band * i + chart.band / 2;
  cursor?.setAttribute("x1", String(cx));
  cursor?.setAttribute("x2", String(cx));
  cursor?.setAttribute("visibility", "visible");
  tooltip.innerHTML = chart.tooltip(i);
  tooltip.hidden = false;
  const box = tooltip.getBoundingClientRect();
  const left = event.clientX + 14 + box.width > innerWidth
    ? event.clientX - 14 - box.width
    : event.clientX + 14;
  tooltip.style.left = `${Math.max(4, left)}px`;
  tooltip.style.top = `${
    Math.max(4, Math.min(innerHeight - box.height - 4, event.clientY - 10))
  }px`;
}

function unhover(plot) {
  plot.querySelector(".cursor")?.setAttribute("visibility", "hidden");
  const tooltip = document.getElementById("tooltip");
  if (tooltip) tooltip.hidden = true;
}
