// Formatting for the dashboard: numbers, tokens, money, durations, times, and HTML escaping.

/** `text` safe to put in HTML text or a quoted attribute. */
export function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A count: 950, 12.3k, 4.56M. */
export function count(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 10_000) return (n / 1000).toFixed(2).replace(/\.?0+$/, "") + "k";
  if (abs < 100_000) return (n / 1000).toFixed(1).replace(/\.0$/, "") + "k";
  if (abs < 1_000_000) return Math.round(n / 1000) + "k";
  if (abs < 10_000_000) return (n / 1e6).toFixed(2).replace(/\.?0+$/, "") + "M";
  return (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
}

/** US dollars: $0.0042, $0.42, $12.30, $1,234. */
export function money(usd) {
  if (usd === null || usd === undefined || Number.isNaN(usd)) return "–";
  if (usd === 0) return "$0";
  const abs = Math.abs(usd);
  if (abs < 0.01) return "$" + usd.toPrecision(2).replace(/0+$/, "");
  if (abs < 100) return "$" + usd.toFixed(2);
  return "$" + Math.round(usd).toLocaleString("en-US");
}

/** A duration: 830 ms, 2.4 s, 1 m 05 s. */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} m ${String(seconds).padStart(2, "0")} s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const dayTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** A request's time: HH:MM:SS today, else "Mar 4, 14:03". */
export function clock(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? "");
  const today = new Date();
  return date.toDateString() === today.toDateString()
    ? timeFormat.format(date)
    : dayTimeFormat.format(date);
}

/** How long ago: "just now", "5 min ago", "3 h ago", "2 d ago". */
export function ago(iso, now = Date.now()) {
  const ms = now - new Date(iso).getTime();
  if (!(ms >= 0)) return "";
  if (ms < 45_000) return "just now";
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

/** A time-axis label for `t` when ticks are `step` ms apart. */
export function axisTime(t, step) {
  const date = new Date(t);
  if (step >= 86_400_000) {
    return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  }
  const hm = date.toLocaleTimeString(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
  if (step >= 3_600_000 && date.getHours() === 0 && date.getMinutes() === 0) {
    return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  }
  return hm;
}

/** A session id kept short: its first 8 characters. */
export function shortId(id) {
  return id ? String(id).slice(0, 8) : "";
}

/** The CSS class of a status: ok, warn (4xx, or an error in a 200 stream), bad (5xx). */
export function statusClass(entry) {
  if (entry.status >= 500) return "bad";
  if (entry.status >= 400 || entry.error_type !== undefined) return "warn";
  return "ok";
}
