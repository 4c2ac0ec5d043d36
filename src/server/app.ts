// The Hono app: routes, the proxy token check, the request lifecycle, Anthropic-shaped 404/405, and the
// one place errors are rendered.
import { Hono } from "hono";
import { NotFoundError, ProxyError, toProxyError } from "../errors.ts";
import { METRICS_CONTENT_TYPE } from "../log/metrics.ts";
import { configFingerprint } from "../config/fingerprint.ts";
import { findRule } from "../routing/route.ts";
import { VERSION } from "../version.ts";
import { checkAuthToken } from "./auth.ts";
import type { AppDeps } from "./deps.ts";
import { gatewayOf } from "./gateway.ts";
import { handleCountTokens } from "./count_tokens.ts";
import { requestGuard } from "./guard.ts";
import { type LifecycleEnv, requestLifecycle } from "./lifecycle.ts";
import { handleMessages } from "./messages.ts";
import { listModels } from "./models.ts";
import { CLIENT_CLOSED_STATUS } from "./request_log.ts";
import type { Dashboard } from "./ui/dashboard.ts";
import { dashboardRoutes } from "./ui/ui_routes.ts";

const ROUTES: Record<string, string[]> = {
  "/": ["GET", "HEAD"],
  "/health": ["GET", "HEAD"],
  "/metrics": ["GET"],
  "/v1/models": ["GET"],
  "/v1/messages": ["POST"],
  "/v1/messages/count_tokens": ["POST"],
};

/** What the app serves besides the API. */
export interface AppExtras {
  /** The dashboard, served at `/ui` (its observer belongs in `deps.observers`). */
  dashboard?: Dashboard;
}

/** Builds the proxy's HTTP app. */
export function createApp(deps: AppDeps, extras: AppExtras = {}): Hono<LifecycleEnv> {
  const app = new Hono<LifecycleEnv>();
  const { config } = deps;
  app.use(requestGuard(deps));

  app.use("/v1/*", async (c, next) => {
    if (config.authToken) checkAuthToken(c.req.raw.headers, config.authToken);
    await next();
  });

  app.on(["GET", "HEAD"], "/", (c) => c.json({ name: "claude-proxy", version: VERSION }));
  const fingerprint = configFingerprint(config);
  app.on(
    ["GET", "HEAD"],
    "/health",
    (c) =>
      c.json({
        status: "ok",
        version: VERSION,
        config: fingerprint,
        providers: gatewayOf(deps).state(),
      }),
  );
  app.get("/metrics", (c) => {
    if (!deps.metrics) return c.text("", 404);
    return c.body(deps.metrics.render(), 200, { "content-type": METRICS_CONTENT_TYPE });
  });
  app.get("/v1/models", (c) => {
    const data = listModels(config, (id) => findRule(config.models, id) !== undefined);
    return c.json({
      data,
      has_more: false,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
    });
  });
  app.post(
    "/v1/messages",
    requestLifecycle(deps),
    (c) => handleMessages(c.req.raw, deps, c.get("log")).catch(asError),
  );
  app.post(
    "/v1/messages/count_tokens",
    (c) => handleCountTokens(c.req.raw, deps).catch(asError),
  );
  if (extras.dashboard) {
    app.route("/ui", dashboardRoutes(extras.dashboard));
    app.get("/ui/", (c) => c.redirect("/ui"));
  }

  app.notFound((c) => {
    const { method, path } = c.req;
    const allowed = ROUTES[path];
    const error = allowed
      ? new ProxyError(405, "invalid_request_error", `Method ${method} is not allowed on ${path}`, {
        headers: { allow: allowed.join(", ") },
      })
      : new NotFoundError(`Not found: ${method} ${path}`);
    return error.getResponse();
  });
  app.onError((err, c) => errorResponse(err, c.req.raw.signal));
  return app;
}

/**
 * The answer for an error thrown anywhere in the app: the error renders itself (a ProxyError's
 * envelope, or an upstream's own bytes), anything else is a 500; nothing when the client has gone.
 */
function errorResponse(err: unknown, signal: AbortSignal): Response {
  if (signal.aborted) return new Response(null, { status: CLIENT_CLOSED_STATUS });
  return toProxyError(err).getResponse();
}

/** Rethrows a thrown value that is not an Error as one, so that `app.onError` sees it. */
function asError(value: unknown): never {
  throw value instanceof Error ? value : toProxyError(value);
}
