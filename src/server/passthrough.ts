// Forwards a Messages request unchanged (but for the model) to a provider that speaks the Anthropic API.
import type { Context } from "hono";
import type { RequestLogRecord } from "../log/record.ts";
import type { Route } from "../routing.ts";
import type { MessagesRequest } from "../translate/anthropic_types.ts";
import { fromUpstreamError } from "../translate/errors.ts";
import { readErrorBody, sendUpstream } from "../upstream/client.ts";
import { upstreamHeaders, upstreamUrl } from "../upstream/target.ts";
import type { AppDeps } from "./deps.ts";

/** What {@linkcode proxyPassthrough} needs about the request. */
export interface PassthroughContext {
  body: MessagesRequest;
  text: string;
  route: Route;
  record: RequestLogRecord;
  finish: (status: number, extra?: Partial<RequestLogRecord>) => void;
  /** The path after the base URL, default "/v1/messages". */
  path?: string;
}

/** Forwards the request to an Anthropic-format provider and pipes the answer back as it arrives. */
export async function proxyPassthrough(
  c: Context,
  deps: AppDeps,
  ctx: PassthroughContext,
): Promise<Response> {
  const { body, route, finish } = ctx;
  const headers = upstreamHeaders(route.provider, c.req.raw.headers);
  headers["anthropic-version"] = c.req.header("anthropic-version") ?? "2023-06-01";
  const beta = c.req.header("anthropic-beta");
  if (beta) headers["anthropic-beta"] = beta;
  const payload = body.model === route.model
    ? ctx.text
    : JSON.stringify({ ...body, model: route.model });
  const { response, attempts, body: responseBody } = await sendUpstream({
    url: upstreamUrl(route.provider, ctx.path ?? "/v1/messages"),
    headers,
    body: payload,
  }, {
    signal: c.req.raw.signal,
    timeouts: {
      connectMs: deps.config.upstream.connectTimeoutMs,
      firstByteMs: route.provider.timeoutMs ?? deps.config.upstream.firstByteTimeoutMs,
      idleMs: deps.config.upstream.idleTimeoutMs,
    },
    retry: { attempts: Math.max(1, deps.config.upstream.retries) },
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  ctx.record.retries = attempts - 1;
  if (!response.ok) {
    const mapped = fromUpstreamError(response.status, await readErrorBody(response));
    finish(mapped.status, {
      error_type: mapped.body.error.type,
      error_message: mapped.body.error.message,
    });
    return Response.json(mapped.body, { status: mapped.status });
  }
  const out = new Headers();
  out.set("content-type", response.headers.get("content-type") ?? "application/json");
  const requestId = response.headers.get("request-id");
  if (requestId) out.set("request-id", requestId);
  if (!responseBody) {
    finish(response.status);
    return new Response(null, { status: response.status, headers: out });
  }
  let finished = false;
  const done = (extra: Partial<RequestLogRecord> = {}) => {
    if (finished) return;
    finished = true;
    finish(response.status, extra);
  };
  const piped = responseBody.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush: () => done(),
    }),
  );
  const reader = piped.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        done({ error_type: "api_error", error_message: (err as Error).message });
        controller.error(err);
      }
    },
    cancel(reason) {
      done({ error_type: "client_closed", error_message: "Client closed the connection" });
      return reader.cancel(reason);
    },
  });
  return new Response(stream, { status: response.status, headers: out });
}
