// The dashboard page: signs in when the proxy has a token, follows the proxy's events, draws the page.
import { renderDetail } from "./detail.js";
import { esc, shortId } from "./format.js";
import { inflightRow, requestRow, routesList, sessionsList, tickInflight } from "./lists.js";
import { renderOverview } from "./overview.js";
import { RANGES } from "./stats.js";

const PAGE = 100;
const MAX_ROWS = 1000;
const $ = (id) => document.getElementById(id);

const state = {
  range: savedRange(),
  hidden: new Set(),
  points: emptyPoints(),
  modelIndex: new Map(),
  inflight: new Map(),
  /** The finished requests listed (newest first), as filtered. */
  entries: [],
  more: false,
  filter: { q: "", errors: false, session: "" },
  sessions: new Map(),
  bodies: false,
  /** The request open in the drawer. */
  open: undefined,
  source: undefined,
};

function savedRange() {
  const saved = localStorage.getItem("claude-proxy.range");
  return saved === "all" || Object.hasOwn(RANGES, saved ?? "") ? saved : "24h";
}

function emptyPoints() {
  return {
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
}

// ---- Drawing, at most once a frame ----

const dirty = new Set();
let frame = 0;

function redraw(...parts) {
  for (const part of parts) dirty.add(part);
  frame ||= requestAnimationFrame(() => {
    frame = 0;
    const now = Date.now();
    if (dirty.has("overview")) renderOverview(state, now);
    if (dirty.has("inflight")) drawInflight();
    if (dirty.has("rows")) drawRows();
    if (dirty.has("sessions")) drawSessions(now);
    dirty.clear();
  });
}

function drawInflight() {
  const rows = [...state.inflight.values()]
    .filter((record) => matches(record))
    .sort((a, b) => (a.time < b.time ? 1 : -1));
  $("inflight-rows").innerHTML = rows.map(inflightRow).join("");
  const n = state.inflight.size;
  const badge = $("inflight-count");
  badge.hidden = n === 0;
  badge.textContent = `${n} in flight`;
  document.title = n > 0 ? `(${n}) claude-proxy` : "claude-proxy";
  drawEmpty();
}

function drawRows() {
  $("rows").innerHTML = state.entries.map((entry) => requestRow(entry)).join("");
  $("older").hidden = !state.more;
  drawEmpty();
}

function drawEmpty() {
  const empty = state.entries.length === 0 && $("inflight-rows").children.length === 0;
  const filtered = state.filter.q || state.filter.errors || state.filter.session;
  $("empty").hidden = !empty;
  $("empty").textContent = filtered
    ? "No requests match."
    : "No requests yet. Point Claude Code at this proxy and they appear here as they happen.";
}

function drawSessions(now) {
  const sessions = [...state.sessions.values()]
    .sort((a, b) => (a.last < b.last ? 1 : -1))
    .slice(0, 12);
  $("sessions").innerHTML = sessionsList(sessions, now);
}

// ---- State changes ----

function applySnapshot(snapshot) {
  $("version").textContent = `v${snapshot.version}`;
  state.bodies = snapshot.bodies;
  state.points = snapshot.points;
  state.modelIndex = new Map(snapshot.points.models.map((name, i) => [name, i]));
  state.inflight = new Map(snapshot.inflight.map((record) => [record.id, record]));
  state.sessions = new Map(snapshot.sessions.map((s) => [s.session_id, s]));
  $("routes").innerHTML = routesList(snapshot.config);
  $("config-source").textContent = snapshot.config.source;
  if (isFiltered()) {
    void loadRequests(false);
  } else {
    state.entries = snapshot.recent;
    state.more = snapshot.recent.length < countKept(snapshot);
    redraw("rows");
  }
  redraw("overview", "inflight", "sessions");
}

function countKept(snapshot) {
  return snapshot.points.t.length;
}

function addFinished(entries) {
  const fresh = [];
  for (const entry of entries) {
    state.inflight.delete(entry.id);
    // Gone from "in flight" in the same frame as it shows among the finished.
    $("inflight-rows").querySelector(`tr[data-id="${CSS.escape(entry.id)}"]`)?.remove();
    addPoint(entry);
    if (entry.session_id !== undefined) addToSession(entry);
    if (matches(entry)) fresh.push(entry);
    if (state.open === entry.id) void openDetail(entry.id);
  }
  if (fresh.length > 0) {
    fresh.reverse();
    state.entries = fresh.concat(state.entries);
    $("rows").insertAdjacentHTML("afterbegin", fresh.map((e) => requestRow(e, true)).join(""));
    if (state.entries.length > MAX_ROWS) {
      state.entries.length = MAX_ROWS;
      state.more = true;
      const rows = $("rows");
      while (rows.children.length > MAX_ROWS) rows.lastElementChild.remove();
      $("older").hidden = false;
    }
  }
  redraw("overview", "inflight", "sessions");
}

function addPoint(entry) {
  const p = state.points;
  const time = Date.parse(entry.time);
  if (Number.isNaN(time)) return;
  const model = entry.upstream_model ?? entry.model ?? "(no model)";
  let index = state.modelIndex.get(model);
  if (index === undefined) {
    index = p.models.length;
    p.models.push(model);
    state.modelIndex.set(model, index);
  }
  p.t.push(time);
  p.m.push(index);
  p.sess.push(-1);
  p.status.push(entry.status);
  p.error.push(entry.status >= 400 || entry.error_type !== undefined ? 1 : 0);
  p.input.push(entry.input_tokens ?? 0);
  p.output.push(entry.output_tokens ?? 0);
  p.cache_read.push(entry.cached_tokens ?? 0);
  p.cache_write.push(entry.cache_write_tokens ?? 0);
  p.cost.push(entry.cost_usd ?? null);
  p.total_ms.push(entry.total_ms);
  p.ttft_ms.push(entry.ttft_ms ?? null);
}

function addToSession(entry) {
  const id = entry.session_id;
  const s = state.sessions.get(id) ?? {
    session_id: id,
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: 0,
    unpriced: false,
    first: entry.time,
    last: entry.time,
  };
  s.requests += 1;
  if (entry.status >= 400 || entry.error_type !== undefined) s.errors += 1;
  s.input_tokens += entry.input_tokens ?? 0;
  s.output_tokens += entry.output_tokens ?? 0;
  s.cache_read_tokens += entry.cached_tokens ?? 0;
  s.cache_write_tokens += entry.cache_write_tokens ?? 0;
  if (entry.cost_usd !== undefined) s.cost_usd += entry.cost_usd;
  else if ((entry.input_tokens ?? 0) + (entry.output_tokens ?? 0) > 0) s.unpriced = true;
  if (entry.time >= s.last) {
    s.last = entry.time;
    s.model = entry.model;
    s.upstream_model = entry.upstream_model;
  }
  state.sessions.set(id, s);
}

function isFiltered() {
  return Boolean(state.filter.q || state.filter.errors || state.filter.session);
}

/** Whether an entry passes the filter (the same test the proxy applies). */
function matches(entry) {
  const { q, errors, session } = state.filter;
  if (errors && !(entry.status >= 400 || entry.error_type !== undefined)) return false;
  if (session && entry.session_id !== session) return false;
  if (!q) return true;
  const text = q.trim().toLowerCase();
  return [entry.model, entry.upstream_model, entry.provider, entry.session_id, entry.id]
    .some((value) => value !== undefined && String(value).toLowerCase().includes(text));
}

// ---- Talking to the proxy ----

async function api(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  if (response.status === 401) {
    showLogin();
    throw new Error("The proxy asks for its token");
  }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return await response.json();
}

async function loadRequests(older) {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (state.filter.q) params.set("q", state.filter.q);
  if (state.filter.errors) params.set("errors", "1");
  if (state.filter.session) params.set("session", state.filter.session);
  const last = state.entries.at(-1);
  if (older && last) params.set("before", String(last.seq));
  const page = await api(`/ui/api/requests?${params}`);
  state.entries = older ? state.entries.concat(page.entries) : page.entries;
  state.more = page.more;
  redraw("rows", "inflight");
}

function connect() {
  state.source?.close();
  setConnection("connecting");
  const source = new EventSource("/ui/api/events");
  state.source = source;
  source.addEventListener("snapshot", (event) => {
    setConnection("live");
    applySnapshot(JSON.parse(event.data));
  });
  source.addEventListener("started", (event) => {
    for (const record of JSON.parse(event.data)) state.inflight.set(record.id, record);
    redraw("inflight", "overview");
  });
  source.addEventListener("finished", (event) => addFinished(JSON.parse(event.data)));
  source.addEventListener("error", () => {
    if (source.readyState !== EventSource.CLOSED) return setConnection("connecting");
    // Closed for good: a refusal (the token) or the proxy has gone; find out which.
    setConnection("down");
    fetch("/ui/api/session", { credentials: "same-origin" }).then((response) => {
      if (response.status === 401) showLogin();
      else setTimeout(connect, 3000);
    }, () => setTimeout(connect, 3000));
  });
}

function setConnection(value) {
  const conn = $("conn");
  conn.dataset.state = value;
  conn.querySelector(".label").textContent = value === "live"
    ? "live"
    : value === "down"
    ? "proxy unreachable, retrying"
    : "connecting…";
}

async function signIn(token) {
  const response = await fetch("/ui/api/session", {
    headers: { "x-api-key": token },
    credentials: "same-origin",
  });
  if (response.status === 401) return false;
  if (!response.ok) throw new Error(`Sign-in failed: ${response.status}`);
  return true;
}

function showLogin() {
  state.source?.close();
  setConnection("down");
  $("conn").querySelector(".label").textContent = "token needed";
  $("login").hidden = false;
  $("login-token").focus();
}

// ---- The request drawer ----

async function openDetail(id) {
  state.open = id;
  $("detail").hidden = false;
  $("scrim").hidden = false;
  try {
    const { record, bodies } = await api(`/ui/api/requests/${encodeURIComponent(id)}`);
    if (state.open !== id) return;
    renderDetail(record, bodies, { bodiesOn: state.bodies });
  } catch (error) {
    if (state.open !== id) return;
    $("detail-title").textContent = id;
    $("detail-body").textContent = String(error.message ?? error);
  }
}

function closeDetail() {
  state.open = undefined;
  $("detail").hidden = true;
  $("scrim").hidden = true;
}

// ---- Wiring ----

function setRange(range) {
  state.range = range;
  localStorage.setItem("claude-proxy.range", range);
  for (const button of $("ranges").querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.range === range));
  }
  redraw("overview");
}

function setSessionFilter(session) {
  state.filter.session = session;
  const chip = $("session-filter");
  chip.hidden = !session;
  chip.innerHTML = session
    ? `session <span class="mono">${
      esc(shortId(session))
    }</span> <button type="button" aria-label="Show all sessions">×</button>`
    : "";
  void loadRequests(false);
  redraw("inflight");
}

function wire() {
  $("ranges").addEventListener("click", (event) => {
    const range = event.target.closest("button")?.dataset.range;
    if (range) setRange(range);
  });
  $("legend").addEventListener("click", (event) => {
    const model = event.target.closest("button")?.dataset.model;
    if (model === undefined) return;
    if (state.hidden.has(model)) state.hidden.delete(model);
    else state.hidden.add(model);
    redraw("overview");
  });
  const rowClick = (event) => {
    const id = event.target.closest("tr")?.dataset.id;
    if (id) void openDetail(id);
  };
  $("rows").addEventListener("click", rowClick);
  $("inflight-rows").addEventListener("click", rowClick);
  $("older").addEventListener("click", () => void loadRequests(true));
  let typing = 0;
  $("filter").addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.filter.q = event.target.value;
      void loadRequests(false);
      redraw("inflight");
    }, 200);
  });
  $("errors-only").addEventListener("change", (event) => {
    state.filter.errors = event.target.checked;
    void loadRequests(false);
    redraw("inflight");
  });
  $("sessions").addEventListener("click", (event) => {
    const session = event.target.closest("li")?.dataset.session;
    if (session) setSessionFilter(session);
  });
  $("session-filter").addEventListener("click", (event) => {
    if (event.target.closest("button")) setSessionFilter("");
  });
  $("detail-close").addEventListener("click", closeDetail);
  $("scrim").addEventListener("click", closeDetail);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeDetail();
  });
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = $("login-token").value.trim();
    if (!token) return;
    if (await signIn(token)) {
      $("login-token").value = "";
      $("login").hidden = true;
      $("login-error").textContent = "";
      connect();
    } else {
      $("login-error").textContent = "That is not the proxy's token.";
    }
  });
  let resizing = 0;
  addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => redraw("overview"), 120);
  });
  setInterval(() => tickInflight($("inflight-rows"), Date.now()), 1000);
  // The time axis moves on, and "5 min ago" grows older.
  setInterval(() => redraw("overview", "sessions"), 30_000);
}

async function start() {
  wire();
  setRange(state.range);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("token");
  if (token) {
    // The token never stays in the address bar, the history or a bookmark.
    history.replaceState(null, "", location.pathname + location.search);
    if (!(await signIn(token))) {
      showLogin();
      $("login-error").textContent = "The token in the link is not the proxy's token.";
      return;
    }
  }
  connect();
}

void start();
