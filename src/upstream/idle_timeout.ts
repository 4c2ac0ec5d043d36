// Idle timeout for upstream response bodies: errors the read when the upstream falls silent too long.
import { UpstreamError } from "../errors.ts";
import { SYSTEM_TIMERS, type TimerHandle, type Timers } from "../util/timers.ts";
import type { ChunkSource } from "../wire/chunk_source.ts";

/** Options for {@linkcode timedChunkReader} and {@linkcode withIdleTimeout}. */
export interface IdleTimeoutOptions {
  /** Called once with the error when the timeout fires (after the source is cancelled). */
  onTimeout?: (error: UpstreamError) => void;
  /** Turns an error raised by the source into the error the read rejects with. */
  mapError?: (error: unknown) => unknown;
  /** The clock and timers (default: the runtime's). */
  timers?: Timers;
}

/** One read: a chunk, or the end of the stream. */
type ReadResult = { done: boolean; value?: Uint8Array | undefined };

const DONE: ReadResult = Object.freeze({ done: true });

/**
 * Reads `body` chunk by chunk; a read that waits more than `idleMs` for the next chunk rejects with
 * a 504 `timeout_error` and cancels the source, and so does every read after it. It is not a total
 * deadline: a stream that keeps sending never times out, and time spent while the consumer is not
 * reading does not count. An `idleMs` that is not a positive number of ms below 2^31 disables the
 * timer. Errors of the source are passed through `options.mapError`.
 *
 * @example
 * const chunks = timedChunkReader(response.body!, 120_000);
 * for (let r = await chunks.read(); !r.done; r = await chunks.read()) use(r.value);
 */
export function timedChunkReader(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  options: IdleTimeoutOptions = {},
): ChunkSource {
  const reader = chunkReader(body);
  const timers = options.timers ?? SYSTEM_TIMERS;
  const timed = idleMs > 0 && idleMs < 2 ** 31;
  // One lazy timer instead of a setTimeout/clearTimeout pair per chunk: each read only moves the
  // deadline, and the timer, when it fires early, re-arms itself for the time that is left.
  let timer: TimerHandle | undefined;
  let deadline = 0;
  let reading = false;
  let settled = false;
  let timeout: UpstreamError | undefined;
  const stopTimer = () => {
    timers.clearTimeout(timer);
    timer = undefined;
  };
  const onTimer = () => {
    timer = undefined;
    if (settled || !reading) return;
    const left = deadline - timers.now();
    if (left > 0) {
      timer = timers.setTimeout(onTimer, Math.ceil(left));
      return;
    }
    settled = true;
    timeout = idleTimeoutError(idleMs);
    // Cancelling ends the pending read at once (with `done`), which onChunk turns into the error.
    reader.cancel(timeout).catch(() => {});
    options.onTimeout?.(timeout);
  };
  const onChunk = (result: ReadResult): ReadResult => {
    reading = false;
    if (timeout) throw timeout;
    if (result.done || !result.value) {
      settled = true;
      stopTimer();
      return DONE;
    }
    return result;
  };
  const onError = (error: unknown): never => {
    reading = false;
    if (timeout) throw timeout;
    settled = true;
    stopTimer();
    throw options.mapError ? options.mapError(error) : error;
  };
  return {
    read() {
      if (timed && !settled) {
        reading = true;
        deadline = timers.now() + idleMs;
        timer ??= timers.setTimeout(onTimer, idleMs);
      }
      return reader.read().then(onChunk, onError);
    },
    cancel(reason) {
      settled = true;
      stopTimer();
      return reader.cancel(reason);
    },
  };
}

/**
 * Wraps `body` so that waiting more than `idleMs` for the next chunk errors the stream with a 504
 * `timeout_error` and cancels the source: a stream over {@linkcode timedChunkReader}, with the
 * same rules.
 *
 * @example
 * const body = withIdleTimeout(response.body!, 120_000);
 */
export function withIdleTimeout(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  options: IdleTimeoutOptions = {},
): ReadableStream<Uint8Array> {
  return chunkStream(timedChunkReader(body, idleMs, options));
}

/** A byte stream that reads `source` once per pull. */
export function chunkStream(source: ChunkSource): ReadableStream<Uint8Array> {
  let cancelled = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onRead = ({ done, value }: ReadResult) => {
    if (cancelled) return;
    if (done || !value) controller.close();
    else controller.enqueue(value);
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    pull: () => source.read().then(onRead),
    cancel(reason) {
      cancelled = true;
      return source.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Bytes read from a byte stream at most per read (Deno's own default chunk size). */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Reads a byte stream (a fetch body) into one reused buffer and hands out exact-size copies. The
 * default reader of a Deno fetch body allocates a fresh 64 KiB buffer for every read, however small
 * the chunk, and the chunk keeps all of it alive: an SSE stream of a few hundred bytes per event
 * then allocates 64 KiB per event, which shows up as GC time and as resident memory under load.
 * Streams that are not byte streams are read as they are.
 */
function chunkReader(body: ReadableStream<Uint8Array>): ChunkSource {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    return body.getReader();
  }
  let buffer: ArrayBuffer | undefined = new ArrayBuffer(READ_BUFFER_BYTES);
  let failure: { error: unknown } | undefined;
  return {
    async read() {
      if (failure) throw failure.error;
      if (!buffer) return DONE;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await byob.read(new Uint8Array(buffer));
      } catch (error) {
        // The buffer went with the failed read; later reads report the same error.
        failure = { error };
        throw error;
      }
      const { done, value } = result;
      buffer = value?.buffer as ArrayBuffer | undefined;
      if (done || !value) {
        buffer = undefined;
        return DONE;
      }
      return { done: false, value: value.slice() };
    },
    cancel: (reason) => byob.cancel(reason),
  };
}

/** The error an idle upstream stream ends with. */
export function idleTimeoutError(idleMs: number): UpstreamError {
  return new UpstreamError(
    504,
    "timeout_error",
    `Upstream stream was idle for ${Number((idleMs / 1000).toFixed(3))} s (idle timeout)`,
  );
}
