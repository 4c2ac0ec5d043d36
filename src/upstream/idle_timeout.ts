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
  const reader = body.getReader();
  const timed = idleMs > 0 && idleMs < 2 ** 31;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  const stopTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      return new Promise<void>((resolve) => {
        if (timed) {
          timer = setTimeout(() => {
            timer = undefined;
            if (settled) return;
            settled = true;
            const error = idleTimeoutError(idleMs);
            controller.error(error);
            reader.cancel(error).catch(() => {});
            options.onTimeout?.(error);
            resolve();
          }, idleMs);
        }
        reader.read().then(({ done, value }) => {
          stopTimer();
          if (!settled) {
            if (done) {
              settled = true;
              controller.close();
            } else {
              controller.enqueue(value);
            }
          }
          resolve();
        }, (error: unknown) => {
          stopTimer();
          if (!settled) {
            settled = true;
            controller.error(options.mapError ? options.mapError(error) : error);
          }
          resolve();
        });
      });
    },
    cancel(reason) {
      settled = true;
      stopTimer();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** The error an idle upstream stream ends with. */
export function idleTimeoutError(idleMs: number): UpstreamError {
  return new UpstreamError(
    504,
    "timeout_error",
    `Upstream stream was idle for ${Number((idleMs / 1000).toFixed(3))} s (idle timeout)`,
  );
}
