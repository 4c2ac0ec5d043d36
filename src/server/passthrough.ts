// Forwards Messages requests to providers that speak the Anthropic API: per-provider cleaning, auth and
// betas on the way up; the answer piped back as it arrives while a tee reads it for the log.
import { concatBytes } from "../util/bytes.ts";
import type { Context } from "hono";
import type { Config } from "../config/schema.ts";
import { toAnthropicError } from "../errors.ts";
import type { RequestLogRecord } from "../log/record.ts";
import { capBody, DEFAULT_BODY_CAP, redactSecrets } from "../log/redact.ts";
import { findPreset } from "../providers/presets.ts";
import { resolveRoute, type Route } from "../routing/route.ts";
import {
  cleanAnthropicRequest,
  type CleanOptions,
  filterBetas,
  leadingModel,
  markMessageSignatures,
  passesUnchanged,
  swapLeadingModel,
  upstreamRequestBody,
} from "../passthrough/anthropic_clean.ts";
import {
  AnthropicStreamTee,
  type AnthropicStreamTeeOptions,
  spliceModel,
  type StreamSummary,
} from "../passthrough/anthropic_stream_tee.ts";
import type { MessagesRequestFields } from "../wire/anthropic_types.ts";
import { anthropicEnvelope, fromUpstreamError } from "../translate/anthropic/errors.ts";
import { encodeSseEvent } from "../translate/anthropic/sse.ts";
import type { ChunkSource } from "../translate/openai/stream_pipeline.ts";
import { readErrorBody, sendUpstream, type UpstreamResult } from "../upstream/client.ts";
import { clientKey, upstreamHeaders, upstreamUrl } from "../upstream/target.ts";
import { type AppDeps, configSecrets, upstreamOptions } from "./deps.ts";

/** The request body as the passthrough has it: parsed and validated, or unparsed and ready to send. */
export type PassthroughBody =
  | { body: MessagesRequestFields; direct?: undefined }
  | { body?: undefined; direct: DirectPassthrough };

/** The client's body as received (forwarded as is when nothing needs changing) and as text (for the log). */
interface ClientBytes {
  text: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** What {@linkcode proxyPassthrough} needs about the request. */
export type PassthroughContext = PassthroughBody & ClientBytes & {
  route: Route;
  record: RequestLogRecord;
  finish: (status: number, extra?: Partial<RequestLogRecord>) => void;
};

/** A request that goes to an Anthropic-format provider as its client sent it, unparsed. */
export interface DirectPassthrough {
  /** The model the client asked for. */
  model: string;
  route: Route;
  /** The client's bytes, with the upstream model swapped in when the route maps it. */
  upstream: Uint8Array<ArrayBuffer>;
}

/**
 * The request, unparsed, when it can go to an Anthropic-format provider exactly as the client sent
 * it (the model aside): the model leads the body, the route goes to such a provider, and its
 * cleaning would change nothing (see `passesUnchanged`). Parsing a 76 KB body costs more than the
 * rest of the proxy's work on it; the provider validates the body itself, and its errors come back
 * unchanged. Undefined when the body must be parsed, validated and cleaned.
 */
export function directPassthrough(
  config: Config,
  text: string,
  bytes: Uint8Array<ArrayBuffer>,
): DirectPassthrough | undefined {
  const model = leadingModel(text);
  if (model === undefined) return undefined;
  const route = resolveRoute(config, model);
  if (route.provider.format !== "anthropic") return undefined;
  if (!passesUnchanged(text, cleanOptions(route, config))) return undefined;
  const upstream = swapLeadingModel(bytes, model, route.model);
  return upstream === undefined ? undefined : { model, route, upstream };
}

/** The `anthropic-version` sent when the client names none. */
export const DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

/** Upstream response headers that describe the upstream connection, not the answer. */
const HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "content-encoding",
  "content-length",
  "date",
  "keep-alive",
  "proxy-connection",
  "server",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const encoder = new TextEncoder();

/**
 * Forwards `POST /v1/messages` to an Anthropic-format provider and returns its answer: streams byte for
 * byte (thinking signatures aside, see {@linkcode marksSignatures}), errors in the Anthropic envelope
 * unchanged, other errors wrapped in it.
 */
export async function proxyPassthrough(
  c: Context,
  deps: AppDeps,
  ctx: PassthroughContext,
): Promise<Response> {
  const { route, record, finish } = ctx;
  const clientModel = ctx.direct ? ctx.direct.model : ctx.body.model;
  const upstream = prepareUpstream(c.req.raw, deps, ctx, "/v1/messages");
  if (upstream.changes.length > 0) record.changes = upstream.changes;
  const secrets = [...configSecrets(deps.config), clientKey(c.req.raw.headers) ?? ""];
  const log = deps.config.log.bodies ? bodyLog(record, secrets) : undefined;
  log?.("client", ctx.text);
  log?.("upstream", bodyText(upstream.body, ctx));
  const result = await send(c, deps, route, upstream);
  record.retries = result.attempts - 1;
  record.ttfb_ms = Math.round(deps.now() - Date.parse(record.time));
  const { response, body } = result;
  if (!response.ok) return await errorAnswer(response, { finish, secrets, log });
  const rewrite: Rewrite = {
    ...(marksSignatures(deps.config) ? { markOrigin: route.provider.name } : {}),
    ...(route.model !== clientModel ? { model: clientModel } : {}),
  };
  const contentType = response.headers.get("content-type") ?? "";
  // Unparsed, the request's `stream` flag is known from the answer.
  if (ctx.direct) record.stream = contentType.includes("text/event-stream");
  if (body && contentType.includes("text/event-stream")) {
    return streamAnswer(response, result.chunks(), { deps, finish, rewrite, log, secrets });
  }
  const text = await result.text();
  const { out, fields } = readMessage(text, rewrite);
  log?.("response", out);
  finish(response.status, fields);
  return new Response(out, { status: response.status, headers: answerHeaders(response) });
}

/**
 * Forwards `POST /v1/messages/count_tokens` to an Anthropic-format provider; undefined when the
 * provider has no such endpoint (404, 405, 501), so the caller counts locally.
 */
export async function forwardCountTokens(
  c: Context,
  deps: AppDeps,
  ctx: { body: MessagesRequestFields; route: Route } & ClientBytes,
): Promise<Response | undefined> {
  const upstream = prepareUpstream(c.req.raw, deps, ctx, "/v1/messages/count_tokens");
  const result = await send(c, deps, ctx.route, upstream);
  const { response, body } = result;
  if ([404, 405, 501].includes(response.status)) {
    await body?.cancel().catch(() => {});
    return undefined;
  }
  if (!response.ok) {
    const secrets = [...configSecrets(deps.config), clientKey(c.req.raw.headers) ?? ""];
    return await errorAnswer(response, { finish: () => {}, secrets });
  }
  const text = await result.text();
  return new Response(text, { status: response.status, headers: answerHeaders(response) });
}

/**
 * What changes in an answer: signatures get their origin when several providers are configured, and a
 * mapped model is reported under the name the client asked for (Claude Code drops thinking blocks
 * from history when the answer names another model).
 */
type Rewrite = AnthropicStreamTeeOptions;

/**
 * Whether thinking signatures leaving the proxy are wrapped with their origin. With one provider no
 * route can change, so nothing is marked and every byte passes as the provider sent it.
 */
export function marksSignatures(config: Config): boolean {
  return Object.keys(config.providers).length > 1;
}

interface PreparedUpstream {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array<ArrayBuffer>;
  changes: string[];
}

/** Cleans the body for the provider and builds the URL and headers (key, version, allowed betas). */
function prepareUpstream(
  request: Request,
  deps: AppDeps,
  ctx: PassthroughBody & ClientBytes & { route: Route },
  path: string,
): PreparedUpstream {
  const { provider } = ctx.route;
  const preset = findPreset(provider.preset);
  const { body, changes } = upstreamBody(ctx, deps.config);
  const headers = upstreamHeaders(provider, request.headers);
  headers["anthropic-version"] = request.headers.get("anthropic-version") ??
    DEFAULT_ANTHROPIC_VERSION;
  const beta = request.headers.get("anthropic-beta");
  if (beta) {
    const kept = filterBetas(beta, provider.rejectedBetas ?? preset?.rejectedBetas ?? []);
    if (kept) headers["anthropic-beta"] = kept;
    const removed = beta.split(",").map((b) => b.trim()).filter((b) =>
      b && !kept?.split(",").includes(b)
    );
    if (removed.length > 0) changes.push(`removed anthropic-beta ${removed.join(", ")}`);
  }
  return {
    url: upstreamUrl(provider, path),
    headers,
    body,
    changes,
  };
}

/** The body to send and what cleaning changed in it (nothing, for a direct passthrough). */
function upstreamBody(
  ctx: PassthroughBody & ClientBytes & { route: Route },
  config: Config,
): { body: string | Uint8Array<ArrayBuffer>; changes: string[] } {
  if (ctx.direct) return { body: ctx.direct.upstream, changes: [] };
  const clean = cleanAnthropicRequest(ctx.body, cleanOptions(ctx.route, config));
  return { body: upstreamRequestBody(ctx, ctx.body, clean), changes: [...clean.changes] };
}

/** How the route's provider and model options clean a body. */
function cleanOptions(route: Route, config: Config): CleanOptions {
  const { provider, options } = route;
  const preset = findPreset(provider.preset);
  return {
    provider: provider.name,
    model: route.model,
    dropFields: [...(provider.dropFields ?? preset?.dropFields ?? []), ...config.drop],
    unsupported: provider.unsupported ?? preset?.unsupported ?? [],
    modelRefusesImages: options.images === false,
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };
}

function send(
  c: Context,
  deps: AppDeps,
  route: Route,
  upstream: PreparedUpstream,
): Promise<UpstreamResult> {
  const { url, headers, body } = upstream;
  return sendUpstream(
    { url, headers, body },
    upstreamOptions(deps, route.provider, c.req.raw.signal),
  );
}

/** The text of a body sent upstream, for the log. */
function bodyText(body: string | Uint8Array, client: { text: string; bytes: Uint8Array }): string {
  if (typeof body === "string") return body;
  return body === client.bytes ? client.text : new TextDecoder().decode(body);
}

/** Writes a capped, redacted body into the log record (with `--log-bodies`). */
type BodyLog = (name: keyof NonNullable<RequestLogRecord["bodies"]>, text: string) => void;

function bodyLog(record: RequestLogRecord, secrets: readonly string[]): BodyLog {
  const bodies: NonNullable<RequestLogRecord["bodies"]> = (record.bodies = {});
  return (name, text) => {
    bodies[name] = capBody(redactSecrets(text, secrets));
  };
}

interface ErrorOptions {
  finish: PassthroughContext["finish"];
  /** Keys that must not reach the log or a wrapped message. */
  secrets: readonly string[];
  log?: BodyLog | undefined;
}

/** An upstream error: its own bytes when already an Anthropic envelope, else wrapped in one. */
async function errorAnswer(response: Response, options: ErrorOptions): Promise<Response> {
  const { finish, secrets } = options;
  const text = await readErrorBody(response);
  options.log?.("response", text);
  const headers = answerHeaders(response);
  const envelope = anthropicEnvelope(text);
  if (envelope) {
    finish(response.status, {
      error_type: envelope.error.type,
      error_message: redactSecrets(envelope.error.message, secrets),
    });
    return new Response(text, { status: response.status, headers });
  }
  const mapped = fromUpstreamError(response.status, text);
  mapped.body.error.message = redactSecrets(mapped.body.error.message, secrets);
  finish(mapped.status, {
    error_type: mapped.body.error.type,
    error_message: mapped.body.error.message,
  });
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(mapped.body), { status: mapped.status, headers });
}

/** The upstream's answer headers (request-id, rate limits, retry hints), minus connection ones. */
function answerHeaders(response: Response): Headers {
  const headers = new Headers();
  for (const [name, value] of response.headers) {
    if (!HOP_HEADERS.has(name)) headers.set(name, value);
  }
  return headers;
}

/** Log fields from a non-streaming answer, and the answer rewritten as {@linkcode Rewrite} says. */
function readMessage(
  text: string,
  rewrite: Rewrite,
): { out: string; fields: Partial<RequestLogRecord> } {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
    if (typeof json !== "object" || json === null) return { out: text, fields: {} };
  } catch {
    return { out: text, fields: {} };
  }
  const usage = (json.usage ?? {}) as Record<string, unknown>;
  const count = (key: string) => (typeof usage[key] === "number" ? usage[key] as number : 0);
  const fields = usageFields({
    stopReason: typeof json.stop_reason === "string" ? json.stop_reason : null,
    usage: {
      input_tokens: count("input_tokens"),
      output_tokens: count("output_tokens"),
      cache_read_input_tokens: count("cache_read_input_tokens"),
    },
    complete: true,
  });
  const marked = rewrite.markOrigin === undefined
    ? json
    : markMessageSignatures(json, rewrite.markOrigin);
  const rename = rewrite.model !== undefined && typeof json.model === "string" &&
    json.model !== rewrite.model;
  if (marked === json && !rename) return { out: text, fields };
  if (marked === json) {
    // Only the model differs: swap it in the upstream's text rather than re-serialise the answer.
    const spliced = spliceModel(text, json.model as string, rewrite.model!);
    if (spliced !== undefined) return { out: spliced, fields };
  }
  const out = rename ? { ...marked, model: rewrite.model } : marked;
  return { out: JSON.stringify(out), fields };
}

interface StreamOptions {
  deps: AppDeps;
  finish: PassthroughContext["finish"];
  rewrite: Rewrite;
  log?: BodyLog | undefined;
  /** Redacted from an upstream event quoted in an error. */
  secrets: string[];
}

/**
 * Pipes the upstream SSE body to the client through the tee, the only stage between the upstream
 * reads and the response; ends with an error event on failure.
 */
function streamAnswer(
  response: Response,
  source: ChunkSource,
  options: StreamOptions,
): Response {
  const { deps, finish, rewrite, log, secrets } = options;
  const tee = new AnthropicStreamTee(rewrite);
  const decoder = new TextDecoder();
  let seen = "";
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array) => {
    if (log && seen.length < DEFAULT_BODY_CAP) seen += decoder.decode(bytes, { stream: true });
    controller.enqueue(bytes);
  };
  let finished = false;
  const done = (extra: Partial<RequestLogRecord> = {}) => {
    if (finished) return;
    finished = true;
    log?.("response", seen);
    deps.metrics?.streamEnded();
    finish(response.status, { ...usageFields(tee.summary), ...extra });
  };
  // An event that is not JSON: an error event instead of it and the rest, and the upstream let go.
  const failUnparsable = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const message = redactSecrets(tee.summary.error?.message ?? "", secrets);
    const error = { type: "api_error" as const, message };
    emit(controller, encoder.encode(encodeSseEvent({ type: "error", error })));
    controller.close();
    source.cancel().catch(() => {});
    done({ error_type: error.type, error_message: message });
  };
  deps.metrics?.streamStarted();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { done: end, value } = await source.read();
          if (finished) return;
          const out = end || !value ? tee.flush() : tee.push(value);
          if (out.length > 0) emit(controller, concatBytes(out));
          if (tee.summary.unparsable) return failUnparsable(controller);
          if (end || !value) {
            controller.close();
            return done();
          }
          if (out.length > 0) return;
        }
      } catch (error) {
        if (finished) return;
        tee.discard();
        const { body: envelope } = toAnthropicError(error);
        emit(controller, encoder.encode(encodeSseEvent(envelope)));
        controller.close();
        done({ error_type: envelope.error.type, error_message: envelope.error.message });
      }
    },
    cancel(reason) {
      done({ error_type: "client_closed", error_message: "Client closed the connection" });
      return source.cancel(reason);
    },
  }); // The default high-water mark reads one chunk ahead while the previous one is written.
  return new Response(stream, { status: response.status, headers: answerHeaders(response) });
}

/** The log fields for what the answer said. */
function usageFields(summary: StreamSummary): Partial<RequestLogRecord> {
  const { usage, error } = summary;
  return {
    stop_reason: summary.stopReason,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    ...(usage.cache_read_input_tokens ? { cached_tokens: usage.cache_read_input_tokens } : {}),
    ...(error ? { error_type: error.type, error_message: error.message } : {}),
    ...(!error && !summary.complete
      ? { error_type: "api_error", error_message: "Upstream stream ended before message_stop" }
      : {}),
  };
}
