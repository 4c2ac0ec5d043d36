// Web-Streams glue: upstream OpenAI SSE bytes in, Anthropic SSE bytes out, with pings and cancellation.
import { type EventSourceMessage, EventSourceParserStream } from "eventsource-parser/stream";
import type { AnthropicErrorType, StreamEvent } from "./anthropic_types.ts";
import type { ChatCompletionChunk } from "./openai_types.ts";
import { errorTypeForStatus, upstreamErrorMessage } from "./errors.ts";
import { encodeSseEvent, PING_FRAME } from "./sse.ts";
import type { StreamSummary, StreamTranslator } from "./stream.ts";

/** Options for {@linkcode anthropicEventStream}. */
export interface AnthropicEventStreamOptions {
  /** Send a `ping` after this long without output; 0 disables. Defaults to 10000. */
  pingIntervalMs?: number;
  /**
   * Called exactly once when the stream ends: finished, failed, cancelled by the client or
   * aborted by `signal`. The last two set `error.type` to `"client_closed"`.
   */
  onEnd?: (summary: StreamSummary) => void;
  /** Aborting it stops the stream (closing the output) and cancels the upstream body. */
  signal?: AbortSignal;
  /** Rewrites upstream chunks before the translator sees them (the provider's quirks). */
  transform?: ChunkTransform;
}

/**
 * A stateful transform of one stream's upstream chunks. It owns the chunks it is given (it may
 * change them in place) and returns the chunks to pass on; `flush()` runs once at the end of the
 * input. A returned chunk with an `error` ends the stream with that error, as it is.
 */
export interface ChunkTransform {
  push(chunk: ChatCompletionChunk): ChatCompletionChunk[];
  flush(): ChatCompletionChunk[];
}

/** The default keep-alive interval. */
export const DEFAULT_PING_INTERVAL_MS = 10_000;

const INCOMPLETE_MESSAGE = "Upstream stream ended before the response was complete";

type UpstreamError = { type: AnthropicErrorType; message: string };

/**
 * Pipes an upstream chat-completions SSE body through `translator` into an Anthropic SSE byte
 * stream. `message_start` is sent at once; an upstream that ends without `[DONE]` or a
 * `finish_reason`, breaks, or reports an error ends the stream with an `error` event instead of
 * `message_stop`. Cancelling the returned stream cancels `upstreamBody`.
 *
 * @example
 * ```ts
 * const body = anthropicEventStream(upstream.body!, translator, { onEnd: (s) => log(s) });
 * return new Response(body, { headers: { "content-type": "text/event-stream" } });
 * ```
 */
export function anthropicEventStream(
  upstreamBody: ReadableStream<Uint8Array>,
  translator: StreamTranslator,
  options: AnthropicEventStreamOptions = {},
): ReadableStream<Uint8Array> {
  const pump = new EventPump(upstreamBody, translator, options);
  return new ReadableStream<Uint8Array>({
    start: (controller) => pump.start(controller),
    pull: () => pump.pull(),
    cancel: (reason) => pump.cancel(reason),
  });
}

class EventPump {
  #reader: ReadableStreamDefaultReader<EventSourceMessage>;
  #translator: StreamTranslator;
  #options: AnthropicEventStreamOptions;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #encoder = new TextEncoder();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ended = false;
  #skipped = 0;
  #onAbort = () => this.#abort();

  constructor(
    body: ReadableStream<Uint8Array>,
    translator: StreamTranslator,
    options: AnthropicEventStreamOptions,
  ) {
    this.#reader = body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    this.#translator = translator;
    this.#options = options;
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
    const { signal } = this.#options;
    if (signal?.aborted) return this.#abort();
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#enqueue(this.#translator.start());
  }

  /** Reads upstream events until some output is produced or the stream ends. */
  async pull(): Promise<void> {
    while (!this.#ended) {
      let events: StreamEvent[];
      try {
        const result = await this.#reader.read();
        if (this.#ended) return;
        events = result.done ? this.#endOfInput() : this.#onMessage(result.value);
      } catch (error) {
        if (this.#ended) return;
        const detail = error instanceof Error ? error.message : String(error);
        events = this.#translator.fail({
          type: errorTypeOf(error),
          message: `Upstream stream failed: ${detail}`,
        });
      }
      this.#enqueue(events);
      if (this.#translator.done) return this.#close();
      if (events.length > 0) return;
    }
  }

  async cancel(reason: unknown): Promise<void> {
    this.#end({ ...this.#translator.summary(), error: clientClosed("Client closed the stream") });
    await this.#reader.cancel(reason).catch(() => {});
  }

  #abort(): void {
    if (this.#ended) return;
    this.#end({ ...this.#translator.summary(), error: clientClosed("Stream aborted") });
    this.#controller?.close();
    this.#reader.cancel(this.#options.signal?.reason).catch(() => {});
  }

  #onMessage(message: EventSourceMessage): StreamEvent[] {
    if (message.event === "error") return this.#translator.fail(upstreamStreamError(message.data));
    const data = message.data.trim();
    if (data === "[DONE]") {
      const flushed = this.#flush();
      return this.#translator.done ? flushed : flushed.concat(this.#translator.finish());
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      chunk = undefined;
    }
    if (typeof chunk !== "object" || chunk === null || Array.isArray(chunk)) {
      this.#skipped++;
      return [];
    }
    const { error } = chunk as ChatCompletionChunk;
    if (error) return this.#translator.fail(upstreamStreamError(error));
    const transform = this.#options.transform;
    if (!transform) return this.#translator.push(chunk as ChatCompletionChunk);
    return this.#pushAll(transform.push(chunk as ChatCompletionChunk));
  }

  /** Translates chunks from the transform; one carrying an error ends the stream with it. */
  #pushAll(chunks: ChatCompletionChunk[]): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const chunk of chunks) {
      const { error } = chunk;
      if (error) {
        const type = typeof error.type === "string" && ANTHROPIC_ERROR_TYPES.has(error.type)
          ? error.type as AnthropicErrorType
          : "api_error";
        events.push(...this.#translator.fail({ type, message: String(error.message ?? "") }));
        break;
      }
      events.push(...this.#translator.push(chunk));
    }
    return events;
  }

  /** The transform's last chunks, translated (once, at the end of the input). */
  #flush(): StreamEvent[] {
    const transform = this.#options.transform;
    return transform ? this.#pushAll(transform.flush()) : [];
  }

  /** EOF without `[DONE]`: complete only if a finish_reason arrived and nothing was skipped. */
  #endOfInput(): StreamEvent[] {
    const flushed = this.#flush();
    if (this.#translator.done) return flushed;
    if (this.#translator.finishReason !== null && this.#skipped === 0) {
      return flushed.concat(this.#translator.finish());
    }
    const detail = this.#skipped > 0 ? ` (${this.#skipped} unparsable chunks skipped)` : "";
    const message = `${INCOMPLETE_MESSAGE}${detail}`;
    return flushed.concat(this.#translator.fail({ type: "api_error", message }));
  }

  #enqueue(events: StreamEvent[]): void {
    if (this.#ended || events.length === 0) return;
    const text = events.map(encodeSseEvent).join("");
    this.#controller?.enqueue(this.#encoder.encode(text));
    this.#armPing();
  }

  #armPing(): void {
    const interval = this.#options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    if (interval <= 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#ended) return;
      this.#controller?.enqueue(this.#encoder.encode(PING_FRAME));
      this.#armPing();
    }, interval);
  }

  /** The translator is done: close the output and release the upstream body. */
  #close(): void {
    this.#end(this.#translator.summary());
    this.#controller?.close();
    this.#reader.cancel().catch(() => {});
  }

  #end(summary: StreamSummary): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#options.onEnd?.(summary);
  }
}

function clientClosed(message: string): { type: "client_closed"; message: string } {
  return { type: "client_closed", message };
}

const ANTHROPIC_ERROR_TYPES: ReadonlySet<string> = new Set<AnthropicErrorType>([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "api_error",
  "timeout_error",
  "overloaded_error",
]);

/** The Anthropic type an error thrown while reading carries (a ProxyError's), else `api_error`. */
function errorTypeOf(error: unknown): AnthropicErrorType {
  const type = asRecord(error)?.type;
  return typeof type === "string" && ANTHROPIC_ERROR_TYPES.has(type)
    ? type as AnthropicErrorType
    : "api_error";
}

/** Maps an in-stream upstream error (an `event: error` payload or a chunk's `error`) to Anthropic. */
export function upstreamStreamError(payload: unknown): UpstreamError {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload) ?? "";
  return {
    type: upstreamErrorType(payload),
    message: `Upstream stream error: ${upstreamErrorMessage(text)}`,
  };
}

function upstreamErrorType(payload: unknown): AnthropicErrorType {
  let record = typeof payload === "string" ? parseRecord(payload) : asRecord(payload);
  if (asRecord(record?.error)) record = asRecord(record?.error);
  if (!record) return "api_error";
  for (const key of ["status_code", "status", "code"]) {
    const value = record[key];
    if (typeof value === "number" && value >= 400 && value <= 599) return errorTypeForStatus(value);
  }
  const type = record.type;
  return typeof type === "string" && ANTHROPIC_ERROR_TYPES.has(type)
    ? type as AnthropicErrorType
    : "api_error";
}

function parseRecord(text: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
