// Builds a handler's context without Hono: deps over a stub fetch, the request's log, body and route.
import type { Config } from "../../../src/config/schema.ts";
import type { RequestLogRecord } from "../../../src/log/record.ts";
import { resolveRoute } from "../../../src/routing/route.ts";
import type { AppDeps } from "../../../src/server/deps.ts";
import type { HandlerContext } from "../../../src/server/handler.ts";
import { RequestLog } from "../../../src/server/request_log.ts";

/** What the stub upstream saw, and the records written. */
export interface HandlerRun {
  request: Request;
  ctx: HandlerContext;
  sent: { url: string; body: string }[];
  written: RequestLogRecord[];
}

/** A request for `body`, its context on `config`, and a fetch that answers with `answer`. */
export function handlerRun(
  config: Config,
  body: Record<string, unknown>,
  answer: (url: string) => Response,
): HandlerRun {
  const sent: HandlerRun["sent"] = [];
  const written: RequestLogRecord[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body;
    sent.push({
      url,
      body: typeof body === "string" ? body : new TextDecoder().decode(body as Uint8Array),
    });
    return await Promise.resolve(answer(url));
  };
  let ids = 0;
  const deps: AppDeps = {
    config,
    logger: { write: (record) => written.push(record), close: () => Promise.resolve() },
    fetch: fetch as typeof globalThis.fetch,
    now: () => 0,
    newId: (prefix) => `${prefix}${++ids}`,
  };
  const text = JSON.stringify(body);
  const request = new Request("http://proxy/v1/messages", { method: "POST", body: text });
  const model = String(body.model);
  const ctx: HandlerContext = {
    deps,
    log: new RequestLog(deps, request),
    message: { bytes: new TextEncoder().encode(text), text, model },
    route: resolveRoute(config, model),
  };
  return { request, ctx, sent, written };
}
