// A scripted mock upstream on 127.0.0.1 (port 0) that records requests and client disconnects.

/** A request the mock received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. "/v1/chat/completions". */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
  /** Aborts when the client disconnects or the mock closes: give it to waits and streams. */
  signal: AbortSignal;
  /** Whether the client went away before the response was complete. */
  readonly aborted: boolean;
  /** Resolves when the client goes away before the response is complete. */
  disconnected: Promise<void>;
  /** Resolves when the exchange is over: the response delivered whole, or the client gone. */
  completed: Promise<void>;
  /** `performance.now()` when the request arrived and when the client went away. */
  receivedAt: number;
  readonly abortedAt: number | undefined;
}

/** Answers one request; `n` is its 1-based number among all the mock's requests. */
export type MockHandler = (request: RecordedRequest, n: number) => Response | Promise<Response>;

/** One scripted answer: a response used as is, or a handler. */
export type MockStep = Response | MockHandler;

/** A running mock upstream. */
export interface MockUpstream {
  /** The base URL, e.g. "http://127.0.0.1:41234" (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  /** Ends open streams and pending handlers, then shuts the server down. */
  close(): Promise<void>;
}

/**
 * Starts a mock upstream. With a handler, every request goes to it; with a script, request n gets
 * step n, and requests past the end get a 500 that says so.
 *
 * @example
 * const mock = await startMockUpstream([
 *   () => jsonResponse({ error: { message: "Busy" } }, 503),
 *   (req) => sseResponse([{ choices: [] }], { signal: req.signal }),
 * ]);
 * try { ... } finally { await mock.close(); }
 */
export function startMockUpstream(script: MockHandler | MockStep[]): Promise<MockUpstream> {
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  const handler: MockHandler = typeof script === "function" ? script : (request, n) => {
    const step = script[n - 1];
    if (step === undefined) {
      return jsonResponse(
        { error: { message: `Mock upstream has no step for request ${n}` } },
        500,
      );
    }
    return typeof step === "function" ? step(request, n) : step;
  };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    onError: (error) => jsonResponse({ error: { message: `Mock handler failed: ${error}` } }, 500),
  }, async (raw, info) => {
    const recorded = await record(raw, closing.signal, info.completed);
    requests.push(recorded.request);
    const handled = Promise.resolve(handler(recorded.request, requests.length));
    const gone = new Promise<undefined>((resolve) => {
      const signal = recorded.request.signal;
      if (signal.aborted) resolve(undefined);
      signal.addEventListener("abort", () => resolve(undefined), { once: true });
    });
    const response = await Promise.race([handled, gone]);
    if (response) return recorded.track(response);
    // The client or the mock went away first: drop the late answer without leaking its body.
    handled.then((late) => late.body?.cancel(), () => {});
    recorded.complete();
    return new Response("Mock upstream closed", { status: 503 });
  });
  const { port } = server.addr as Deno.NetAddr;
  return Promise.resolve({
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      closing.abort();
      await server.shutdown();
    },
  });
}

async function record(raw: Request, closing: AbortSignal, completed: Promise<void>) {
  const url = new URL(raw.url);
  const body = await raw.text();
  const receivedAt = performance.now();
  const clientGone = new AbortController();
  let complete = false;
  let abortedAt: number | undefined;
  let onDisconnect!: () => void;
  const disconnected = new Promise<void>((resolve) => (onDisconnect = resolve));
  const markDisconnected = () => {
    if (complete || abortedAt !== undefined) return;
    abortedAt = performance.now();
    onDisconnect();
    clientGone.abort();
  };
  // Deno may also abort the request signal after a complete response; `complete` filters that out.
  raw.signal.addEventListener("abort", markDisconnected, { once: true });
  const request: RecordedRequest = {
    method: raw.method,
    path: url.pathname + url.search,
    headers: Object.fromEntries(raw.headers),
    body,
    json: <T>() => JSON.parse(body) as T,
    signal: AbortSignal.any([clientGone.signal, closing]),
    get aborted() {
      return abortedAt !== undefined;
    },
    disconnected,
    completed: completed.then(() => {}, () => {}),
    receivedAt,
    get abortedAt() {
      return abortedAt;
    },
  };
  const track = (response: Response): Response => {
    if (response.body === null) {
      complete = true;
      return response;
    }
    const body = trackBody(response.body, {
      onComplete: () => (complete = true),
      onCancel: markDisconnected,
      closing,
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { request, track, complete: () => void (complete = true) };
}

function trackBody(
  source: ReadableStream<Uint8Array>,
  hooks: { onComplete: () => void; onCancel: () => void; closing: AbortSignal },
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let onClosing: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      onClosing = () => {
        controller.error(new Error("Mock upstream closed"));
        reader.cancel("Mock upstream closed").catch(() => {});
      };
      if (hooks.closing.aborted) onClosing();
      else hooks.closing.addEventListener("abort", onClosing, { once: true });
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          hooks.onComplete();
          hooks.closing.removeEventListener("abort", onClosing!);
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        hooks.onComplete();
        hooks.closing.removeEventListener("abort", onClosing!);
        controller.error(error);
      }
    },
    cancel(reason) {
      hooks.onCancel();
      hooks.closing.removeEventListener("abort", onClosing!);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const merged = new Headers(headers);
  if (!merged.has("content-type")) merged.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers: merged });
}

/** Options for {@linkcode streamResponse}. */
export interface StreamResponseOptions {
  /** Wait before each part, in ms. */
  delayMs?: number;
  /**
   * After the last part: "close" ends the body (default), "hang" keeps it open and silent until the
   * client goes away, `signal` aborts or the mock closes, "reset" errors it so the connection breaks.
   */
  end?: "close" | "hang" | "reset";
  /** Stops the stream (and its timers) when aborted; pass the recorded request's signal. */
  signal?: AbortSignal;
  status?: number;
  headers?: HeadersInit;
}

/** A response whose body sends `parts` verbatim, one chunk each (so chunk boundaries are exact). */
export function streamResponse(
  parts: readonly (string | Uint8Array)[],
  options: StreamResponseOptions = {},
): Response {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  const stopped = AbortSignal.any(options.signal ? [stop.signal, options.signal] : [stop.signal]);
  let index = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < parts.length) {
        if (options.delayMs) await wait(options.delayMs, stopped);
        if (cancelled) return;
        if (stopped.aborted) return controller.close();
        const part = parts[index++]!;
        return controller.enqueue(typeof part === "string" ? encoder.encode(part) : part);
      }
      if (options.end === "hang") await wait(Infinity, stopped);
      if (cancelled) return;
      if (options.end === "reset" && !stopped.aborted) {
        return controller.error(new Error("Mock upstream reset the stream"));
      }
      controller.close();
    },
    cancel() {
      cancelled = true;
      stop.abort();
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    status: options.status ?? 200,
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/** Options for {@linkcode sseResponse}. */
export interface SseResponseOptions extends StreamResponseOptions {
  /** Send `data: [DONE]` after the chunks (default true). */
  done?: boolean;
}

/**
 * An OpenAI-style SSE response: one `data: <json>\n\n` frame per chunk (strings are sent as the data
 * as they are, e.g. pre-serialized JSON), then `data: [DONE]\n\n`. Use {@linkcode streamResponse}
 * for arbitrary bytes.
 */
export function sseResponse(
  chunks: readonly unknown[],
  options: SseResponseOptions = {},
): Response {
  const frames = chunks.map((chunk) =>
    `data: ${typeof chunk === "string" ? chunk : JSON.stringify(chunk)}\n\n`
  );
  if (options.done ?? true) frames.push("data: [DONE]\n\n");
  const headers = new Headers(options.headers);
  if (!headers.has("content-type")) headers.set("content-type", "text/event-stream");
  return streamResponse(frames, { ...options, headers });
}

/** Resolves after `ms` (never for Infinity) or as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener("abort", done, { once: true });
  });
}
