// Pipes an Anthropic-format provider's SSE answer to the client through the tee: byte for byte, read
// for the log on the way, ended by one error event if the upstream breaks.
import { concatBytes } from "../util/bytes.ts";
import type { ChunkSource } from "../wire/chunk_source.ts";
import { errorEvent, streamFailure } from "../translate/anthropic/errors.ts";
import { encodeSseEvent } from "../translate/anthropic/sse.ts";
import type { StreamSummary } from "../translate/anthropic/stream_summary.ts";
import { AnthropicStreamTee, type AnthropicStreamTeeOptions } from "./anthropic_stream_tee.ts";

/** Options for {@linkcode teeStream}. */
export interface TeeStreamOptions extends AnthropicStreamTeeOptions {
  /** Called once when the stream ends (finished, failed or cancelled) with what it said. */
  onEnd: (summary: StreamSummary) => void;
  /** Called with each chunk before it goes to the client (body logging). */
  onChunk?: ((chunk: Uint8Array) => void) | undefined;
  /** Removes secrets from an upstream event quoted in an error (one that is not JSON). */
  redact?: ((text: string) => string) | undefined;
}

const encoder = new TextEncoder();

/**
 * The upstream SSE body, through the tee, as the client's body: the tee is the only stage between
 * the upstream reads and the response. A read that fails, or an event that is not JSON, ends the
 * stream, after the last whole event, with an `event: error`; a stream that ends without
 * `message_stop` is logged as an error.
 */
export function teeStream(
  source: ChunkSource,
  options: TeeStreamOptions,
): ReadableStream<Uint8Array> {
  const { onEnd, onChunk } = options;
  const tee = new AnthropicStreamTee(options);
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array) => {
    onChunk?.(bytes);
    controller.enqueue(bytes);
  };
  let finished = false;
  const done = (error?: StreamSummary["error"]) => {
    if (finished) return;
    finished = true;
    const { complete, ...summary } = tee.summary;
    const incomplete = complete ? undefined : {
      type: "api_error",
      message: "Upstream stream ended before message_stop",
    };
    const ended = error ?? summary.error ?? incomplete;
    onEnd({ ...summary, ...(ended ? { error: ended } : {}) });
  };
  // An event that is not JSON: an error event instead of it and the rest, the upstream let go.
  const failUnparsable = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const message = tee.summary.error?.message ?? "";
    const failure = { type: "api_error" as const, message: options.redact?.(message) ?? message };
    emit(controller, encoder.encode(encodeSseEvent(errorEvent(failure))));
    controller.close();
    source.cancel().catch(() => {});
    done(failure);
  };
  // The default high-water mark reads one chunk ahead while the previous one is written.
  return new ReadableStream<Uint8Array>({
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
        const failure = streamFailure(error);
        emit(controller, encoder.encode(encodeSseEvent(errorEvent(failure))));
        controller.close();
        done(failure);
      }
    },
    cancel(reason) {
      done({ type: "client_closed", message: "Client closed the connection" });
      return source.cancel(reason);
    },
  });
}
