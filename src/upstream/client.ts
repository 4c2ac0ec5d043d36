// Sends a request to the upstream provider: retries before the first byte, timeouts, client abort.
import { ProxyError, UpstreamError } from "../errors.ts";
import { FETCH_RESENDS_ON_RESET } from "../runtime.ts";
import type { ChunkSource } from "../wire/chunk_source.ts";
import { SYSTEM_TIMERS, type Timers } from "../util/timers.ts";
import { chunkStream, idleTimeoutError, timedChunkReader } from "./idle_timeout.ts";
import {
  abortableSleep,
  DEFAULT_RETRY_POLICY,
  retryDelayMs,
  type RetryPolicy,
  shouldRetryStatus,
} from "./retry.ts";

/**
 * Timeouts for one upstream call. `fetch` does not expose the connect phase, so connecting counts
 * against the first-byte wait: each try is aborted when no response headers arrived within
 * `firstByteMs` (refused connections and DNS failures fail fast on their own). A value that is not
 * a positive number of ms below 2^31 disables a timer.
 */
export interface UpstreamTimeouts {
  /** Until the response headers, connecting included. */
  firstByteMs: number;
  /** Longest silence between two body chunks; not a total deadline. */
  idleMs: number;
  /**
   * The whole wait for response headers, every try and the waits between them included; never
   * shorter than one `firstByteMs`. Off (0) by default.
   */
  deadlineMs: number;
}

/** Two minutes to answer (reasoning models are slow), two minutes of silence. */
const DEFAULT_UPSTREAM_TIMEOUTS: Readonly<UpstreamTimeouts> = Object.freeze({
  firstByteMs: 120_000,
  idleMs: 120_000,
  deadlineMs: 0,
});

/** What {@linkcode sendUpstream} reports before each retry. */
export interface RetryInfo {
  /** The try that failed, 1 for the first. */
  attempt: number;
  status?: number;
  error?: string;
  delayMs: number;
}

/** Options for {@linkcode sendUpstream}. */
export interface SendUpstreamOptions {
  /** The client's request signal: aborting it aborts the upstream call at once, with no retry. */
  signal?: AbortSignal;
  timeouts?: Partial<UpstreamTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** Replaces the global `fetch`; it must honour `init.signal`. */
  fetch?: typeof fetch;
  /** Replaces the wait between tries; it should reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock and timers of the timeouts and the waits between tries (default: the runtime's). */
  timers?: Timers;
  onRetry?: (info: RetryInfo) => void;
}

/** One request to the upstream, ready to send; `method` defaults to POST. */
export interface UpstreamRequest {
  url: string;
  method?: string;
  headers: Record<string, string>;
  /** The body: text, or bytes sent as they are. */
  body: string | Uint8Array<ArrayBuffer>;
}

/** The upstream's answer. */
export interface UpstreamResult {
  /** Status and headers of the upstream response; its body is `body` (so the idle timeout applies). */
  response: Response;
  /** How many tries it took. */
  attempts: number;
  /** The response body wrapped with the idle timeout, or null when there is none. */
  body: ReadableStream<Uint8Array> | null;
  /**
   * The same body as a {@linkcode ChunkSource}: the same idle timeout and errors, without a
   * stream stage in between (an empty source when there is no body). Taking it locks `body`, so
   * read one or the other; it throws a TypeError when `body` is already being read. It does not
   * use `this`.
   */
  chunks(): ChunkSource;
  /**
   * The whole body as UTF-8 text, read in one go (an answer that is not streamed arrives at once
   * after its headers, and a chunk-by-chunk read costs about 50 µs more per request under Deno).
   * The idle timeout bounds the whole read: past it the upstream call is aborted and the read
   * rejects with the same 504 as {@linkcode chunks}. Read one of `body`, `chunks()` or `text()`.
   */
  text(): Promise<string>;
}

type TryOutcome =
  | { response: Response; abort: (reason: unknown) => void }
  | { failure: UpstreamError };

/**
 * Sends `request`, retrying network errors, first-byte timeouts and retryable statuses (see
 * `RETRY_STATUSES`) with backoff until the first response is handed over. These are the only tries:
 * the body goes as a stream read once, so the runtime's fetch never sends it again by itself (see
 * {@linkcode sentBody}). A non-retryable status, or
 * a retryable one on the last try, resolves with that response for the caller to map. A network
 * error or timeout on the last try throws an `UpstreamError` (502 or 504) that names only the host.
 * Aborting `options.signal` aborts the call, the wait and the body, and rejects with its reason.
 *
 * @example
 * const { response, body } = await sendUpstream(
 *   { url, headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(payload) },
 *   { signal: c.req.raw.signal },
 * );
 */
export async function sendUpstream(
  request: UpstreamRequest,
  options: SendUpstreamOptions = {},
): Promise<UpstreamResult> {
  const { signal } = options;
  const timeouts = { ...DEFAULT_UPSTREAM_TIMEOUTS, ...options.timeouts };
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const attempts = Math.max(1, Math.floor(policy.attempts));
  const timers = options.timers ?? SYSTEM_TIMERS;
  const sleep = options.sleep ??
    ((ms: number, signal?: AbortSignal) => abortableSleep(ms, signal, timers));
  const host = upstreamHost(request.url);
  let attempt = 1;
  const deadline = answerDeadline(timeouts, { tries: () => attempt, timers });
  // Until the answer begins, the deadline aborts a try or a wait like the client's signal does.
  const waiting = deadline && signal
    ? AbortSignal.any([signal, deadline.signal])
    : deadline?.signal ?? signal;
  try {
    for (;; attempt++) {
      waiting?.throwIfAborted();
      const outcome = await tryOnce(request, {
        ...options,
        ...(waiting ? { signal: waiting } : {}),
        host,
        timeouts,
      });
      // A retry that could not start before the deadline is not made: the last answer stands.
      const last = (delayMs: number) =>
        attempt >= attempts || delayMs >= (deadline?.left() ?? Infinity);
      let info: RetryInfo;
      if ("failure" in outcome) {
        // A first try that could not reach the provider is usually a reused connection it had
        // closed: the next try, on a new one, goes at once (as the runtimes' own retry did).
        const unreachable = outcome.failure.status === 502 && attempt === 1;
        const delayMs = unreachable ? 0 : retryDelayMs(attempt, policy);
        if (last(delayMs)) throw outcome.failure;
        info = { attempt, error: outcome.failure.message, delayMs };
      } else {
        const { response, abort } = outcome;
        const delayMs = shouldRetry(response)
          ? retryDelayMs(attempt, policy, {
            retryAfter: response.headers.get("retry-after"),
            retryAfterMs: response.headers.get("retry-after-ms"),
          })
          : Infinity;
        if (last(delayMs)) {
          return wrapResult(response, attempt, { idleMs: timeouts.idleMs, signal, abort, timers });
        }
        await response.body?.cancel().catch(() => {});
        info = { attempt, status: response.status, delayMs };
      }
      options.onRetry?.(info);
      await sleep(info.delayMs, waiting);
    }
  } finally {
    deadline?.clear();
  }
}

/**
 * The timer of `timeouts.deadlineMs`, or undefined when it is off; its signal aborts with a 504 that names the setting and how many tries were made.
 */
function answerDeadline(
  timeouts: UpstreamTimeouts,
  options: { tries: () => number; timers: Timers },
) {
  const { tries, timers } = options;
  const ms = timeouts.deadlineMs;
  if (!(ms > 0 && ms < 2 ** 31)) return undefined;
  const controller = new AbortController();
  const ends = timers.now() + ms;
  const timer = timers.setTimeout(() => controller.abort(deadlineError(ms, tries())), ms);
  return {
    signal: controller.signal,
    left: () => ends - timers.now(),
    clear: () => timers.clearTimeout(timer),
  };
}

/** The 504 when no answer began before the deadline. */
export function deadlineError(deadlineMs: number, tries: number): UpstreamError {
  return new UpstreamError(
    504,
    "timeout_error",
    `Upstream did not start answering within ${seconds(deadlineMs)} s (${tries} ${
      tries === 1 ? "try" : "tries"
    }, deadline): raise [upstream] deadline_ms (the whole wait) or first_byte_timeout_ms ` +
      "(each try) to wait longer",
  );
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(3));
}

function shouldRetry(response: Response): boolean {
  const hint = response.headers.get("x-should-retry");
  if (hint === "true") return true;
  if (hint === "false") return false;
  return shouldRetryStatus(response.status);
}

interface TryOptions extends SendUpstreamOptions {
  host: string;
  timeouts: UpstreamTimeouts;
}

async function tryOnce(request: UpstreamRequest, options: TryOptions): Promise<TryOutcome> {
  const { signal, timeouts } = options;
  const deadlineMs = timeouts.firstByteMs;
  const timers = options.timers ?? SYSTEM_TIMERS;
  const deadline = new AbortController();
  const timer = deadlineMs > 0 && deadlineMs < 2 ** 31
    ? timers.setTimeout(() => deadline.abort(firstByteTimeoutError(deadlineMs)), deadlineMs)
    : undefined;
  try {
    const send = (body: SentBody) =>
      (options.fetch ?? fetch)(request.url, {
        method: request.method ?? "POST",
        headers: body.headers,
        body: body.body,
        signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
        ...(body.body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit);
    const origin = new URL(request.url).origin;
    // Only the runtime's own fetch resends; one passed in gets the bytes as they are.
    const stream = FETCH_RESENDS_ON_RESET && options.fetch === undefined &&
      !CHUNKED_REFUSED.has(origin);
    let response = await send(sentBody(request, stream));
    if (response.status === 411 && stream) {
      // Length Required: a server that takes no chunked body refused it unread; send it plainly.
      await response.body?.cancel().catch(() => {});
      CHUNKED_REFUSED.add(origin);
      response = await send(sentBody(request, false));
    }
    // The same controller later ends a whole-body read that outlasts the idle timeout.
    return { response, abort: (reason) => deadline.abort(reason) };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (deadline.signal.aborted) return { failure: deadline.signal.reason as UpstreamError };
    return { failure: unreachableError(options.host, request.url, error) };
  } finally {
    timers.clearTimeout(timer);
  }
}

/**
 * Origins that answered a streamed body with 411 Length Required: later bodies go to them as plain
 * bytes (which Deno's fetch may then send twice on a reset reused connection; such servers are
 * rare, and under Bun, as released, bodies always go as bytes).
 */
const CHUNKED_REFUSED = new Set<string>();
const encoder = new TextEncoder();

/** A try's body and headers. */
interface SentBody {
  body: BodyInit | undefined;
  headers: Record<string, string>;
}

/**
 * The body of one try; with `stream`, a stream read once, which a runtime's fetch cannot send a
 * second time on its own. Deno's sends a body it can replay (text, bytes) again when a reused
 * keep-alive connection is reset, even after the provider read it, so `retries = 0` would still
 * send twice; given a stream it cannot, and sends it chunked (HTTP/1.1; HTTP/2 frames bodies its
 * own way), at no measurable cost (bench/upstream_body.ts). Bun's never resends, and a stream
 * costs it about 0.15 ms more per 76 KB request, so Bun gets the bytes. A GET or HEAD has no body.
 */
function sentBody(request: UpstreamRequest, stream: boolean): SentBody {
  const method = (request.method ?? "POST").toUpperCase();
  if (method === "GET" || method === "HEAD") return { body: undefined, headers: request.headers };
  const bytes = typeof request.body === "string" ? encoder.encode(request.body) : request.body;
  if (!stream || bytes.byteLength === 0) return { body: bytes, headers: request.headers };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const headers = { ...request.headers, "content-length": String(bytes.byteLength) };
  return { body, headers };
}

/** How an answer's body is read: its idle timeout, the client's signal, and how to end the call. */
interface BodyOptions {
  idleMs: number;
  signal: AbortSignal | undefined;
  abort: (reason: unknown) => void;
  timers: Timers;
}

function wrapResult(response: Response, attempts: number, options: BodyOptions): UpstreamResult {
  const mapError = (error: unknown) =>
    options.signal?.aborted || error instanceof ProxyError
      ? error
      : new UpstreamError(502, "api_error", `Upstream stream failed: ${errorReason(error)}`, {
        cause: error,
      });
  const text = () => readWhole(response, options, mapError);
  if (response.body === null || NULL_BODY_STATUSES.has(response.status)) {
    const { body } = response;
    return { response, attempts, body, chunks: () => body?.getReader() ?? EMPTY_SOURCE, text };
  }
  const raw = response.body;
  // Made on first use, so that `text()` finds the upstream body unlocked.
  let source: ChunkSource | undefined;
  const timed = () => (source ??= timedChunkReader(raw, options.idleMs, {
    mapError,
    timers: options.timers,
  }));
  // The stream only reads the source when pulled: a caller that takes `chunks()` bypasses it.
  const body = chunkStream({
    read: () => timed().read(),
    cancel: (reason) => timed().cancel(reason),
  });
  const wrapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  const chunks = () => {
    body.getReader();
    return timed();
  };
  return { response: wrapped, attempts, body, chunks, text };
}

/** `response.text()` within the idle timeout; errors as {@linkcode timedChunkReader} maps them. */
async function readWhole(
  response: Response,
  options: BodyOptions,
  mapError: (error: unknown) => unknown,
): Promise<string> {
  const { idleMs, timers } = options;
  let timeout: UpstreamError | undefined;
  const timer = idleMs > 0 && idleMs < 2 ** 31
    ? timers.setTimeout(() => {
      timeout = idleTimeoutError(idleMs);
      options.abort(timeout);
    }, idleMs)
    : undefined;
  try {
    return await response.text();
  } catch (error) {
    throw timeout ?? mapError(error);
  } finally {
    timers.clearTimeout(timer);
  }
}

const EMPTY_SOURCE: ChunkSource = Object.freeze({
  read: () => Promise.resolve({ done: true }),
  cancel: () => Promise.resolve(),
});

const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** The 504 a try ends with when no response headers arrived in time. */
export function firstByteTimeoutError(firstByteMs: number): UpstreamError {
  return new UpstreamError(
    504,
    "timeout_error",
    `Upstream did not answer within ${seconds(firstByteMs)} s (first-byte timeout: ` +
      "raise [upstream] first_byte_timeout_ms, or the provider's timeout_ms, to wait longer)",
  );
}

function upstreamHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw new UpstreamError(502, "api_error", "Cannot reach upstream: the upstream URL is invalid");
  }
}

function unreachableError(host: string, url: string, error: unknown): UpstreamError {
  const reason = redactUrls(errorReason(error), url, host);
  return new UpstreamError(502, "api_error", `Cannot reach upstream ${host}: ${reason}`, {
    cause: redactedError(error, url, host),
  });
}

/** The innermost message of an error chain (Deno puts the useful detail in `cause`). */
function errorReason(error: unknown): string {
  let reason = String(error);
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.message) reason = current.message;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && !reason.includes(code)) reason = `${reason} (${code})`;
    current = current.cause;
  }
  return reason.replace(/^error sending request\b.*?\):\s*/, "");
}

/** Replaces the request URL, and any other URL, with its host so queries and paths never leak. */
function redactUrls(text: string, url: string, host: string): string {
  return text.split(url).join(host).replace(/\bhttps?:\/\/[^\s()<>"']+/g, (match) => {
    try {
      return new URL(match).host;
    } catch {
      return "<url>";
    }
  });
}

function redactedError(error: unknown, url: string, host: string): Error {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && chain.length < 5; current = current.cause) {
    chain.push(current);
  }
  let cause: Error | undefined;
  for (const original of chain.reverse()) {
    const copy = new Error(redactUrls(original.message, url, host), cause ? { cause } : undefined);
    copy.name = original.name;
    cause = copy;
  }
  return cause ?? new Error(redactUrls(String(error), url, host));
}

/** Reads at most `limit` bytes of an error body as UTF-8 text and cancels the rest. */
export async function readErrorBody(response: Response, limit = 64 * 1024): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let remaining = limit;
  try {
    while (remaining > 0) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const bytes = value.byteLength > remaining ? value.subarray(0, remaining) : value;
      remaining -= bytes.byteLength;
      // A character cut at the limit stays in the decoder and is dropped rather than mangled.
      text += decoder.decode(bytes, { stream: true });
    }
    return text;
  } catch (error) {
    // A failing or idle body ends the text early; anything else (the client's abort) goes on.
    if (error instanceof ProxyError || error instanceof TypeError) return text;
    throw error;
  } finally {
    reader.cancel().catch(() => {});
  }
}
