// The lists of the page: request rows (finished and in flight), sessions and the config's routes.
import { ago, clock, count, duration, esc, money, shortId, statusClass } from "./format.js";

function modelCell(entry) {
  if (entry.model === undefined) {
    return `<div class="mono">${esc(entry.method ?? "")} ${esc(entry.path ?? "")}</div>`;
  }
  if (entry.upstream_model === undefined) return `<div>${esc(entry.model)}</div>`;
  return `<div>${esc(entry.upstream_model)}</div><div class="line2">${esc(entry.model)}${
    entry.provider ? ` · ${esc(entry.provider)}` : ""
  }</div>`;
}

function tokensCell(entry) {
  if (entry.input_tokens === undefined && entry.output_tokens === undefined) return "";
  const read = entry.cached_tokens ?? 0;
  const written = entry.cache_write_tokens ?? 0;
  const cache = [
    read > 0 ? `${count(read)} cache read` : "",
    written > 0 ? `${count(written)} written` : "",
  ].filter(Boolean).join(" · ");
  return `<div>${count(entry.input_tokens ?? 0)} → ${count(entry.output_tokens ?? 0)}</div>${
    cache ? `<div class="line2">${cache}</div>` : ""
  }`;
}

function notesCell(entry) {
  const notes = [];
  if (entry.error_type !== undefined) {
    notes.push(
      `<span class="err">${esc(entry.error_type)}${
        entry.error_message ? `: ${esc(entry.error_message)}` : ""
      }</span>`,
    );
  }
  if (entry.agent_id !== undefined) notes.push(`<span class="tag">subagent</span>`);
  if (entry.routing?.length) notes.push(esc(entry.routing.at(-1)));
  if (entry.retries) notes.push(`${entry.retries} ${entry.retries === 1 ? "retry" : "retries"}`);
  if (entry.stop_reason === "max_tokens") notes.push("hit max_tokens");
  const changes = entry.changes ?? [];
  if (changes.length > 0) {
    notes.push(esc(changes[0]) + (changes.length > 1 ? ` (+${changes.length - 1} more)` : ""));
  }
  return notes.join(" · ");
}

/** One finished request as a table row. */
export function requestRow(entry, fresh = false) {
  const cls = statusClass(entry);
  return `<tr data-id="${esc(entry.id)}"${fresh ? ' class="fresh"' : ""}>
<td class="muted">${esc(clock(entry.time))}</td>
<td class="model" title="${esc(entry.model ?? "")}">${modelCell(entry)}</td>
<td class="num"><span class="status ${cls}">${esc(entry.status)}</span></td>
<td class="num">${tokensCell(entry)}</td>
<td class="num">${
    entry.cost_usd === undefined ? '<span class="muted">–</span>' : esc(money(entry.cost_usd))
  }</td>
<td class="num">${entry.ttft_ms === undefined ? "" : esc(duration(entry.ttft_ms))}</td>
<td class="num">${esc(duration(entry.total_ms))}</td>
<td class="notes"><div>${notesCell(entry)}</div></td>
</tr>`;
}

/** One request in flight as a table row; its elapsed time is kept current by {@linkcode tickInflight}. */
export function inflightRow(record) {
  const started = new Date(record.time).getTime();
  return `<tr data-id="${esc(record.id)}" data-inflight="1">
<td class="muted">${esc(clock(record.time))}</td>
<td class="model">${modelCell(record)}</td>
<td class="num"><span class="status run"><span class="spinner"></span>…</span></td>
<td class="num"></td><td class="num"></td><td class="num"></td>
<td class="num elapsed" data-started="${started}">${esc(duration(Date.now() - started))}</td>
<td class="notes"><div>${record.stream ? "streaming" : "waiting for the answer"}</div></td>
</tr>`;
}

/** Updates the elapsed time of the rows in flight. */
export function tickInflight(root, now) {
  for (const cell of root.querySelectorAll("td.elapsed")) {
    cell.textContent = duration(now - Number(cell.dataset.started));
  }
}

/** The sessions list: most recently active first. */
export function sessionsList(sessions, now) {
  if (sessions.length === 0) {
    return `<p class="empty small">Claude Code's sessions appear here, with what each cost.</p>`;
  }
  const items = sessions.map((s) => {
    const tokens = s.input_tokens + s.output_tokens + s.cache_read_tokens + s.cache_write_tokens;
    const cost = s.cost_usd > 0 || !s.unpriced ? money(s.cost_usd) : "–";
    return `<li class="clickable" data-session="${
      esc(s.session_id)
    }" title="Show this session's requests${
      s.unpriced ? " (some of its requests have no price)" : ""
    }">
<span class="primary"><span class="mono">${esc(shortId(s.session_id))}</span> · ${
      esc(s.upstream_model ?? s.model ?? "")
    }</span>
<span class="right">${esc(cost)}</span>
<span class="secondary">${count(s.requests)} request${s.requests === 1 ? "" : "s"} · ${
      count(tokens)
    } tokens${s.errors ? ` · <span class="error-text">${count(s.errors)} failed</span>` : ""}</span>
<span class="secondary right">${esc(ago(s.last, now))}</span>
</li>`;
  });
  return `<ul class="list">${items.join("")}</ul>`;
}

const KEY_TEXT = {
  set: "key set",
  missing: "key missing",
  client: "client's key",
  none: "no key needed",
};

/** The config's routes and providers (never a key). */
export function routesList(config) {
  const routes = config.routes.map((r) =>
    `<li><span class="primary mono">${esc(r.pattern)}</span><span class="right muted">${
      esc(r.format)
    }</span><span class="secondary">→ ${esc(r.provider)}:${esc(r.model)}</span><span></span></li>`
  );
  routes.push(
    `<li><span class="primary muted">any other model</span><span></span><span class="secondary">→ ${
      esc(config.fallback.provider)
    } (same name)</span><span></span></li>`,
  );
  const providers = config.providers.map((p) =>
    `<li><span class="primary">${esc(p.name)}${
      p.default ? ' <span class="tag">default</span>' : ""
    }</span><span class="right"><span class="tag${p.key === "missing" ? " bad" : ""}">${
      esc(KEY_TEXT[p.key] ?? p.key)
    }${
      p.key === "missing" && p.key_env ? `: ${esc(p.key_env)}` : ""
    }</span></span><span class="secondary mono">${
      esc(p.base_url)
    }</span><span class="secondary right">${esc(p.format)}</span></li>`
  );
  return `<ul class="list">${
    routes.join("")
  }</ul><div class="panel-head"><h2>Providers</h2></div><ul class="list">${
    providers.join("")
  }</ul>`;
}
