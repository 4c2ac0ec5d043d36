// The dashboard's routes under /ui: the page and its assets (built into the binary) and its data API.
import { Hono } from "hono";
import { NotFoundError } from "../../errors.ts";
import type { Dashboard } from "./dashboard.ts";
import { UI_ASSETS } from "./ui_assets.ts";
import { dashboardAuth, sessionResponse } from "./ui_auth.ts";

/** What the page may load and where it may connect: only its own files; no frames, no forms. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const PAGE_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store",
  "x-accel-buffering": "no",
};

/** How many requests one page of `GET /ui/api/requests` holds at most. */
const MAX_PAGE = 500;
/** Request and session ids the API looks up: what the proxy and Claude Code generate. */
const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * The `/ui` sub-app: `GET /ui` (the page), `GET /ui/<asset>`, and under `/ui/api/` (guarded by
 * {@linkcode dashboardAuth}): `session`, `events` (server-sent events), `snapshot`, `requests`,
 * `requests/:id` and `sessions/:id`.
 *
 * @example
 * app.route("/ui", dashboardRoutes(dashboard));
 */
export function dashboardRoutes(dashboard: Dashboard): Hono {
  const app = new Hono();
  const { config } = dashboard;
  app.get("/", () => asset("index.html"));
  for (const name of Object.keys(UI_ASSETS)) app.get(`/${name}`, () => asset(name));

  app.use("/api/*", dashboardAuth(config));
  app.get("/api/session", (c) => sessionResponse(c, config));
  app.get("/api/events", (c) => {
    return new Response(dashboard.stream(c.req.raw.signal), { headers: SSE_HEADERS });
  });
  app.get("/api/snapshot", () => json(dashboard.snapshot()));
  app.get("/api/requests", (c) => {
    const query = c.req.query();
    const limit = clamp(Number(query.limit ?? 100), 1, MAX_PAGE);
    const before = query.before === undefined ? undefined : Number(query.before);
    const entries = dashboard.recent.entries({
      limit: limit + 1,
      ...(before !== undefined && Number.isFinite(before) ? { before } : {}),
      ...(query.q ? { text: query.q } : {}),
      ...(query.errors === "1" ? { errors: true } : {}),
      ...(query.session ? { session: query.session } : {}),
    });
    return json({
      entries: entries.slice(0, limit).map((entry) => dashboard.redact(entry)),
      more: entries.length > limit,
    });
  });
  app.get("/api/requests/:id", async (c) => {
    const id = checkedId(c.req.param("id"), "request");
    const found = dashboard.recent.get(id);
    if (!found) throw new NotFoundError(`No request "${id}" among the ones the dashboard keeps`);
    const { bodies: _, ...record } = found as typeof found & { bodies?: unknown };
    const bodies = "has_bodies" in found && found.has_bodies
      ? await dashboard.bodies(id)
      : undefined;
    return json({
      record: dashboard.redact(record),
      ...(bodies ? { bodies: dashboard.redact(bodies) } : {}),
    });
  });
  app.get("/api/sessions/:id", (c) => {
    const id = checkedId(c.req.param("id"), "session");
    const totals = dashboard.recent.session(id);
    if (!totals) throw new NotFoundError(`No requests of session "${id}" yet`);
    return json(totals);
  });
  app.onError((error) => {
    if (error instanceof NotFoundError) return error.getResponse();
    throw error;
  });
  return app;
}

function asset(name: string): Response {
  const file = UI_ASSETS[name];
  if (!file) return new NotFoundError(`No dashboard file "${name}"`).getResponse();
  return new Response(file.body, { headers: { ...PAGE_HEADERS, "content-type": file.type } });
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

function checkedId(id: string, what: string): string {
  if (!ID_PATTERN.test(id)) throw new NotFoundError(`No ${what} "${id.slice(0, 128)}"`);
  return id;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : max;
}
