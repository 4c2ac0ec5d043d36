// The request drawer: route, outcome, timing, tokens and cost, notes, ids and the logged bodies.
import { count, duration, esc, money, statusClass } from "./format.js";

/** Fields shown in their own sections; any other field is listed under "More". */
const SHOWN = new Set([
  "seq",
  "has_bodies",
  "time",
  "id",
  "method",
  "path",
  "model",
  "provider",
  "upstream_model",
  "stream",
  "status",
  "stop_reason",
  "error_type",
  "error_message",
  "input_tokens",
  "output_tokens",
  "cached_tokens",
  "cache_write_tokens",
  "ttfb_ms",
  "ttft_ms",
  "total_ms",
  "retries",
  "user_agent",
  "changes",
  "routing",
  "cost_usd",
  "session_id",
  "agent_id",
]);

const BODY_NAMES = {
  client: "Request from the client",
  upstream: "Request sent upstream",
  response: "Answer to the client",
};

/** Renders `record` (and its `bodies`) into the drawer. */
export function renderDetail(record, bodies, options) {
  const running = record.status === 0;
  const title = document.getElementById("detail-title");
  const route = record.upstream_model === undefined
    ? ""
    : ` <span class="muted">→</span> ${esc(record.provider ?? "")}:${esc(record.upstream_model)}`;
  title.innerHTML = `<div class="headline">${
    esc(record.model ?? `${record.method} ${record.path}`)
  }${route}</div><div class="sub">${
    running
      ? '<span class="status run"><span class="spinner"></span>in flight</span>'
      : `<span class="status ${statusClass(record)}">${esc(record.status)}</span>`
  } · ${esc(new Date(record.time).toLocaleString())} · <span class="mono">${
    esc(record.id)
  }</span></div>`;
  const parts = [];
  if (record.error_type !== undefined) {
    parts.push(
      `<h3>Error</h3><div class="errbox"><strong>${esc(record.error_type)}</strong>${
        record.error_message ? `: ${esc(record.error_message)}` : ""
      }</div>`,
    );
  }
  if (!running) parts.push(timing(record));
  parts.push(facts("Tokens and cost", [
    ["Input", num(record.input_tokens)],
    ["Output", num(record.output_tokens)],
    ["Cache read", num(record.cached_tokens)],
    ["Cache write", num(record.cache_write_tokens)],
    [
      "Cost",
      record.cost_usd === undefined
        ? '<span class="muted">no price known for this model</span>'
        : esc(money(record.cost_usd)),
    ],
  ]));
  parts.push(facts("Route", [
    [
      "Asked for",
      record.model === undefined ? "" : `<span class="mono">${esc(record.model)}</span>`,
    ],
    ["Provider", esc(record.provider ?? "")],
    [
      "Upstream model",
      record.upstream_model === undefined
        ? ""
        : `<span class="mono">${esc(record.upstream_model)}</span>`,
    ],
    ["Streamed", record.stream === undefined ? "" : record.stream ? "yes" : "no"],
    ["Stop reason", esc(record.stop_reason ?? "")],
    ["Retries", record.retries ? esc(record.retries) : ""],
  ]));
  const routing = record.routing ?? [];
  if (routing.length > 0) {
    parts.push(
      `<h3>Routing</h3><ul class="notes-list">${
        routing.map((r) => `<li>${esc(r)}</li>`).join("")
      }</ul>`,
    );
  }
  const changes = record.changes ?? [];
  parts.push(
    `<h3>Notes</h3>${
      changes.length === 0
        ? '<p class="muted">Nothing was changed on the way.</p>'
        : `<ul class="notes-list">${changes.map((c) => `<li>${esc(c)}</li>`).join("")}</ul>`
    }`,
  );
  parts.push(facts("Client", [
    ["Session", record.session_id ? `<span class="mono">${esc(record.session_id)}</span>` : ""],
    ["Subagent", record.agent_id ? `<span class="mono">${esc(record.agent_id)}</span>` : ""],
    ["User agent", esc(record.user_agent ?? "")],
    ["Path", `<span class="mono">${esc(record.method)} ${esc(record.path)}</span>`],
  ]));
  const more = Object.entries(record).filter(([key]) => !SHOWN.has(key));
  if (more.length > 0) {
    parts.push(facts(
      "More",
      more.map(([key, value]) => [
        esc(key),
        `<span class="mono">${
          esc(typeof value === "string" ? value : JSON.stringify(value))
        }</span>`,
      ]),
    ));
  }
  parts.push(bodiesSection(record, bodies, options));
  document.getElementById("detail-body").innerHTML = parts.join("");
}

function num(value) {
  return value === undefined
    ? ""
    : `${esc(value.toLocaleString("en-US"))}${
      value >= 1000 ? ` <span class="muted">(${esc(count(value))})</span>` : ""
    }`;
}

function facts(heading, rows) {
  const shown = rows.filter(([, value]) => value !== "");
  if (shown.length === 0) return "";
  return `<h3>${esc(heading)}</h3><dl class="facts">${
    shown.map(([label, value]) => `<dt>${esc(label)}</dt><dd>${value}</dd>`).join("")
  }</dl>`;
}

function timing(record) {
  const total = Math.max(1, record.total_ms);
  const marks = [];
  const segments = [];
  const x = (ms) => Math.min(1000, (ms / total) * 1000);
  let at = 0;
  const add = (until, color, label) => {
    if (until === undefined || until < at) return;
    segments.push(
      `<rect x="${x(at)}" width="${Math.max(1.5, x(until) - x(at))}" height="30" fill="${color}"/>`,
    );
    marks.push(
      `<span class="swatch-text"><svg class="swatch" viewBox="0 0 10 10"><rect width="10" height="10" rx="2" fill="${color}"/></svg> ${
        esc(label)
      }</span>`,
    );
    at = until;
  };
  add(record.ttfb_ms, "#5b8def", `waiting for the provider ${duration(record.ttfb_ms)}`);
  if (record.ttft_ms !== undefined) {
    add(record.ttft_ms, "#e8a33d", `first token at ${duration(record.ttft_ms)}`);
  }
  add(
    record.total_ms,
    "#3fb68b",
    `${record.stream ? "streaming" : "answer"} until ${duration(record.total_ms)}`,
  );
  return `<h3>Timing · ${esc(duration(record.total_ms))}</h3>
<svg class="timeline" viewBox="0 0 1000 30" preserveAspectRatio="none" role="img">${
    segments.join("")
  }</svg>
<div class="timeline-legend">${marks.join("")}</div>`;
}

function bodiesSection(record, bodies, options) {
  if (!options.bodiesOn && !record.has_bodies) {
    return `<h3>Bodies</h3><p class="muted">Bodies are not logged. Turn on <code>[log] bodies = true</code> (or <code>--log-bodies</code>) to see what was sent and answered, with keys redacted.</p>`;
  }
  if (!bodies) {
    return `<h3>Bodies</h3><p class="muted">${
      record.status === 0
        ? "Bodies appear when the request ends."
        : "No bodies were logged for this request."
    }</p>`;
  }
  const items = ["client", "upstream", "response"].filter((name) => bodies[name] !== undefined);
  return `<h3>Bodies</h3>${
    items.map((name, i) => {
      const text = bodies[name];
      return `<details class="body"${i === 0 ? " open" : ""}><summary>${
        esc(BODY_NAMES[name])
      } <span class="muted">${count(text.length)} characters</span></summary><pre>${
        esc(pretty(text))
      }</pre></details>`;
    }).join("")
  }`;
}

/** JSON indented; anything else (an event stream, a cut body) as it is. */
function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
