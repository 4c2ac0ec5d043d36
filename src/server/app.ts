// The Hono app: routes, the proxy token check, Anthropic-shaped 404/405 and error rendering.
import { Hono } from "hono";
import { errorBody, toAnthropicError } from "../errors.ts";
import { METRICS_CONTENT_TYPE } from "../log/metrics.ts";
import { configFingerprint } from "../config/fingerprint.ts";
import { findRule } from "../routing/route.ts";
import { VERSION } from "../version.ts";
import { checkAuthToken } from "./auth.ts";
import type { AppDeps } from "./deps.ts";
import { requestGuard } from "./guard.ts";
import { handleCountTokens, handleMessages } from "./messages.ts";
import { listModels } from "./models.ts";

const ROUTES: Record<string, string[]> = {
  "/": ["GET", "HEAD"],
  "/health": ["GET", "HEAD"],
  "/metrics": ["GET"],
  "/v1/models": ["GET"],
  "/v1/messages": ["POST"],
  "/v1/messages/count_tokens": ["POST"],
};

/** Builds the proxy's HTTP app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
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
    (c) => c.json({ status: "ok", version: VERSION, config: fingerprint }),
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
  app.post("/v1/messages", (c) => handleMessages(c, deps));
  app.post("/v1/messages/count_tokens", (c) => handleCountTokens(c, deps));

  app.notFound((c) => {
    const allowed = ROUTES[c.req.path];
    if (allowed) {
      return c.json(
        errorBody(
          "invalid_request_error",
          `Method ${c.req.method} is not allowed on ${c.req.path}`,
        ),
        405,
        { allow: allowed.join(", ") },
      );
    }
    return c.json(errorBody("not_found_error", `Not found: ${c.req.method} ${c.req.path}`), 404);
  });
  app.onError((err) => {
    const { status, body } = toAnthropicError(err);
    return Response.json(body, { status });
  });
  return app;
}
