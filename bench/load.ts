// The benchmark client: timed single requests (latency phases) and closed-loop load (throughput).
import type { PreparedRequest } from "./scenarios.ts";

/** Where to send a case, and how to tell its first token and its end in the response bytes. */
export interface Endpoint {
  url: string;
  request: PreparedRequest;
  stream: boolean;
  /** Text that first appears in the frame carrying the first token. */
  tokenMarker: string;
  /** Text that appears in the frame that ends the answer (`message_stop`, `[DONE]`). */
  stopMarker: string;
}

/** Timings of one request, in ms from just before `fetch`. */
export interface Sample {
  total: number;
  firstByte: number;
  /** Streams only. */
  firstToken?: number;
  /** Streams only: the end frame (`message_stop`, or `[DONE]` for the direct baseline). */
  stop?: number;
}

const TAIL = 64;

/** Sends one request and times its first byte, first token, end frame and end. */
export async function timedRequest(endpoint: Endpoint): Promise<Sample> {
  const { request } = endpoint;
  const started = performance.now();
  const response = await fetch(endpoint.url + request.path, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  if (!response.body) throw new Error(`No body (status ${response.status})`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let firstByte: number | undefined;
  let firstToken: number | undefined;
  let stop: number | undefined;
  let tail = "";
  for (;;) {
    const { done, value } = await reader.read();
    const now = performance.now();
    if (done) break;
    firstByte ??= now;
    if (firstToken !== undefined && stop !== undefined) continue;
    const text = tail + decoder.decode(value, { stream: true });
    if (firstToken === undefined && text.includes(endpoint.tokenMarker)) firstToken = now;
    if (stop === undefined && text.includes(endpoint.stopMarker)) stop = now;
    tail = text.slice(-TAIL);
  }
  const end = performance.now();
  if (response.status !== 200) throw new Error(`Status ${response.status}: ${tail}`);
  if (endpoint.stream && (firstToken === undefined || stop === undefined)) {
    throw new Error(`Incomplete stream: ${tail}`);
  }
  const sample: Sample = { total: end - started, firstByte: (firstByte ?? end) - started };
  if (endpoint.stream) {
    sample.firstToken = firstToken! - started;
    sample.stop = stop! - started;
  }
  return sample;
}

/** Sends one request, reads the whole answer and checks that it ended properly. */
export async function plainRequest(endpoint: Endpoint): Promise<void> {
  const { request } = endpoint;
  const response = await fetch(endpoint.url + request.path, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  if (!response.body) throw new Error(`No body (status ${response.status})`);
  const reader = response.body.getReader();
  let last: Uint8Array | undefined;
  let previous: Uint8Array | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    previous = last;
    last = value;
  }
  if (response.status !== 200) throw new Error(`Status ${response.status}`);
  if (!endpoint.stream) return;
  const decoder = new TextDecoder();
  const tail = (previous ? decoder.decode(previous.subarray(-TAIL)) : "") +
    (last ? decoder.decode(last.subarray(-TAIL)) : "");
  if (!tail.includes(endpoint.stopMarker)) throw new Error(`Incomplete stream: ${tail}`);
}

/** What a closed-loop load run measured inside its window. */
export interface LoadResult {
  /** Requests completed inside the window. */
  completed: number;
  errors: number;
  windowMs: number;
  /** The first error message, if any. */
  firstError?: string;
}

/** Options for {@linkcode runLoad}. */
export interface LoadOptions {
  concurrency: number;
  /** Untimed lead-in that opens the connections and warms up. */
  warmupMs: number;
  /** The window lasts at least this long ... */
  windowMs: number;
  /** ... and until this many requests completed in it (default `2 * concurrency`) ... */
  minCompleted?: number;
  /** ... but never longer than this (default `10 * windowMs`). */
  maxWindowMs?: number;
  /** Called at the start and the end of the window (to read CPU counters). */
  onWindow?: (edge: "start" | "end") => void;
}

/**
 * Keeps `concurrency` requests in flight, each worker sending its next request when the previous
 * one ended, and counts what completed inside the window that follows `warmupMs`. Bounded by time:
 * at most `warmupMs + maxWindowMs` plus the requests still in flight at the end.
 */
export async function runLoad(endpoint: Endpoint, options: LoadOptions): Promise<LoadResult> {
  const { concurrency, warmupMs, windowMs } = options;
  const minCompleted = options.minCompleted ?? 2 * concurrency;
  const maxWindowMs = options.maxWindowMs ?? 10 * windowMs;
  let phase: "warmup" | "window" | "done" = "warmup";
  let windowStart = 0;
  let windowEnd = 0;
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  let capTimer: ReturnType<typeof setTimeout> | undefined;
  // onWindow runs in timers: what it throws (a target that exited) ends the run and is rethrown.
  let failure: { error: unknown } | undefined;
  const onWindow = (edge: "start" | "end") => {
    try {
      options.onWindow?.(edge);
    } catch (error) {
      failure ??= { error };
      phase = "done";
    }
  };
  const end = () => {
    if (phase !== "window") return;
    phase = "done";
    windowEnd = performance.now();
    clearTimeout(capTimer);
    onWindow("end");
  };
  const startTimer = setTimeout(() => {
    phase = "window";
    windowStart = performance.now();
    onWindow("start");
    if (phase === "window") capTimer = setTimeout(end, maxWindowMs);
  }, warmupMs);
  const worker = async () => {
    while (phase !== "done") {
      try {
        await plainRequest(endpoint);
        if (phase === "window") {
          completed++;
          if (completed >= minCompleted && performance.now() - windowStart >= windowMs) end();
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(startTimer);
  clearTimeout(capTimer);
  if (failure) throw failure.error;
  const result: LoadResult = { completed, errors, windowMs: windowEnd - windowStart };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}
