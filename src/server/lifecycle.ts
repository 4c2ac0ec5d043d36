// The life of a request, as one Hono middleware: open the log record, run the route, write the record.
import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "./deps.ts";
import { RequestLog } from "./request_log.ts";

/** What the lifecycle puts on the Hono context: `c.get("log")` is the request's log record. */
export interface LifecycleEnv {
  Variables: { log: RequestLog };
}

/**
 * Opens the request's {@linkcode RequestLog} (timing starts here) and tells the logger and the
 * observers; runs the route, whose handler adds the route, changes, retries and usage, or throws
 * (`app.onError` renders the error and the record takes its type and message); then writes the
 * record, at once or, for a streamed answer, when the stream ends.
 *
 * @example
 * ```ts
 * app.post("/v1/messages", requestLifecycle(deps), (c) => handleMessages(c.req.raw, deps, c.get("log")));
 * ```
 */
export function requestLifecycle(deps: AppDeps): MiddlewareHandler<LifecycleEnv> {
  return async (c, next) => {
    const log = new RequestLog(deps, c.req.raw);
    c.set("log", log);
    deps.logger.started?.(log.record);
    for (const observer of deps.observers ?? []) observer.started?.(log.record);
    await next();
    log.responded(c.res.status, c.error, c.req.raw.signal.aborted);
  };
}
