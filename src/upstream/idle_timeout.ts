// Idle timeout for upstream response bodies: errors the stream when the upstream falls silent too long.
import { UpstreamError } from "../errors.ts";

/** Options for {@linkcode withIdleTimeout}. */
export interface IdleTimeoutOptions {
  /** Called once with the error when the timeout fires (after the stream is errored). */
  onTimeout?: (error: UpstreamError) => void;
  /** Turns an error raised by the source into the error the stream reports. */
  mapError?: (error: unknown) => unknown;
}

/**
 * Wraps `body` so that waiting more than `idleMs` for the next chunk errors the stream with a 504
 * `timeout_error` and cancels the source. It is not a total deadline: a stream that keeps sending
 * never times out, and time spent while the consumer is not reading does not count. An `idleMs` that
 * is not a positive number of ms below 2^31 disables the timer.
 *
 * @example
 * const body = withIdleTimeout(response.body!, 120_000);
 */
export function withIdleTimeout(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  options: IdleTimeoutOptions = {},
): ReadableStream<Uint8Array> {
  const reader = chunkReader(body);
  const timed = idleMs > 0 && idleMs < 2 ** 31;
  // One lazy timer instead of a setTimeout/clearTimeout pair per chunk: each read only moves the
  // deadline, and the timer, when it fires early, re-arms itself for the time that is left.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let deadline = 0;
  let reading = false;
  let settled = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stopTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const onTimer = () => {
    timer = undefined;
    if (settled || !reading) return;
    const left = deadline - performance.now();
    if (left > 0) {
      timer = setTimeout(onTimer, Math.ceil(left));
      return;
    }
    settled = true;
    const error = idleTimeoutError(idleMs);
    controller.error(error);
    reader.cancel(error).catch(() => {});
    options.onTimeout?.(error);
  };
  const onChunk = ({ done, value }: ReadResult) => {
    reading = false;
    if (settled) return;
    if (done || !value) {
      settled = true;
      stopTimer();
      controller.close();
    } else {
      controller.enqueue(value);
    }
  };
  const onError = (error: unknown) => {
    reading = false;
    if (settled) return;
    settled = true;
    stopTimer();
    controller.error(options.mapError ? options.mapError(error) : error);
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    pull() {
      if (timed) {
        reading = true;
        deadline = performance.now() + idleMs;
        timer ??= setTimeout(onTimer, idleMs);
      }
      return reader.read().then(onChunk, onError);
    },
    cancel(reason) {
      settled = true;
      stopTimer();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Bytes read from a byte stream at most per read (Deno's own default chunk size). */
const READ_BUFFER_BYTES = 64 * 1024;

/** One read: a chunk, or the end of the stream. */
type ReadResult = { done: boolean; value?: Uint8Array | undefined };

interface ChunkReader {
  read(): Promise<ReadResult>;
  cancel(reason?: unknown): Promise<void>;
}

/**
 * Reads a byte stream (a fetch body) into one reused buffer and hands out exact-size copies. The
 * default reader of a Deno fetch body allocates a fresh 64 KiB buffer for every read, however small
 * the chunk, and the chunk keeps all of it alive: an SSE stream of a few hundred bytes per event
 * then allocates 64 KiB per event, which shows up as GC time and as resident memory under load.
 * Streams that are not byte streams are read as they are.
 */
function chunkReader(body: ReadableStream<Uint8Array>): ChunkReader {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    return body.getReader();
  }
  let buffer: ArrayBuffer | undefined = new ArrayBuffer(READ_BUFFER_BYTES);
  return {
    async read() {
      if (!buffer) return { done: true };
      const { done, value } = await byob.read(new Uint8Array(buffer));
      buffer = value?.buffer as ArrayBuffer | undefined;
      if (done || !value) {
        buffer = undefined;
        return { done: true };
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
