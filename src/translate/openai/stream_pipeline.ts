// Stream glue: upstream OpenAI SSE bytes in, Anthropic SSE bytes out, with pings and cancellation.
import { createParser, type EventSourceMessage, type EventSourceParser } from "eventsource-parser";
import type { AnthropicErrorType, StreamEvent } from "../../wire/anthropic_types.ts";
import type { ChunkSource } from "../../wire/chunk_source.ts";
import type { ChatCompletionChunk } from "../../wire/openai_types.ts";
import {
  ANTHROPIC_ERROR_TYPES,
  errorTypeForCode,
  errorTypeForStatus,
  streamFailure,
  upstreamStreamErrorMessage,
} from "../anthropic/errors.ts";
import { isRecord } from "../../util/is_record.ts";
import { encodeSseEvent, PING_FRAME } from "../anthropic/sse.ts";
import type { StreamSummary } from "../anthropic/stream_summary.ts";

/**
 * The state machine the stream drives, for upstream chunks of type `C`: OpenAI's
 * `StreamTranslator`, or another API's translator of the same shape (Gemini's).
 */
export interface EventTranslator<C = ChatCompletionChunk> {
  /** True once the translation ended; later calls return no events. */
  readonly done: boolean;
  /** The upstream's finish reason so far: without one, an upstream that just stops is an error. */
  readonly finishReason: string | null;
  start(): StreamEvent[];
  push(chunk: C): StreamEvent[];
  finish(): StreamEvent[];
  fail(error: { type: AnthropicErrorType; message: string }): StreamEvent[];
  summary(): StreamSummary;
}

/** Options for {@linkcode anthropicEventStream}. */
export interface AnthropicEventStreamOptions<C = ChatCompletionChunk> {
  /**
   * Keep-alive: send a `ping` when nothing was written for a whole interval; 0 disables. Defaults
   * to 10000. One timer ticks every interval and pings only if no output went out since the
   * previous tick, so a ping follows between one and two intervals of silence, then one comes
   * every interval while the silence lasts.
   */
  pingIntervalMs?: number;
  /**
   * Called exactly once when the stream ends: finished, failed, cancelled by the client or
   * aborted by `signal`. The last two set `error.type` to `"client_closed"`.
   */
  onEnd?: (summary: StreamSummary) => void;
  /** Aborting it stops the stream (closing the output) and cancels the upstream body. */
  signal?: AbortSignal;
  /** Called once, as the first `content_block_delta` (the first token) goes to the client. */
  onFirstToken?: () => void;
  /** Rewrites upstream chunks before the translator sees them (the provider's quirks). */
  transform?: ChunkTransform<C>;
  /**
   * Removes secrets from upstream text quoted in an error (a chunk that is not JSON); the proxy
   * passes its redaction. Defaults to no change.
   */
  redact?: (text: string) => string;
}

/**
 * A stateful transform of one stream's upstream chunks. It owns the chunks it is given (it may
 * change them in place) and returns the chunks to pass on; `flush()` runs once at the end of the
 * input. A returned chunk with an `error` ends the stream with that error, as it is.
 */
export interface ChunkTransform<C = ChatCompletionChunk> {
  push(chunk: C): C[];
  flush(): C[];
}

/** The default keep-alive interval. */
export const DEFAULT_PING_INTERVAL_MS = 10_000;

const INCOMPLETE_MESSAGE = "Upstream stream ended before the response was complete";
/** Characters of a chunk that is not JSON quoted in the error (the client's and the log's). */
const QUOTED_CHUNK_CHARS = 200;

type UpstreamError = { type: AnthropicErrorType; message: string };

/**
 * Pipes an upstream chat-completions SSE body through `translator` into an Anthropic SSE byte
 * stream. `message_start` is sent at once; an upstream that ends without `[DONE]` or a
 * `finish_reason`, breaks, reports an error or sends a chunk that is not a JSON object ends the
 * stream with an `error` event instead of `message_stop` (the error quotes the start of such a
 * chunk, redacted). Cancelling the returned stream cancels `upstream`. Decoding, SSE parsing and
 * translation run in one stage: each upstream read becomes at most one output chunk.
 *
 * @example
 * ```ts
 * const body = anthropicEventStream(upstream.body!, translator, { onEnd: (s) => log(s) });
 * return new Response(body, { headers: { "content-type": "text/event-stream" } });
 * ```
 */
export function anthropicEventStream<C = ChatCompletionChunk>(
  upstream: ChunkSource | ReadableStream<Uint8Array>,
  translator: EventTranslator<C>,
  options: AnthropicEventStreamOptions<C> = {},
): ReadableStream<Uint8Array> {
  const source = upstream instanceof ReadableStream ? upstream.getReader() : upstream;
  const pump = new EventPump(source, translator, options);
  return new ReadableStream<Uint8Array>({
    start: (controller) => pump.start(controller),
    pull: () => pump.pull(),
    cancel: (reason) => pump.cancel(reason),
  });
}

class EventPump<C> {
  #source: ChunkSource;
  #translator: EventTranslator<C>;
  #options: AnthropicEventStreamOptions<C>;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #decoder = new TextDecoder();
  #encoder = new TextEncoder();
  #parser: EventSourceParser;
  /** Events translated from the messages of the chunk being parsed. */
  #pending: StreamEvent[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Whether output went out since the last ping tick. */
  #wrote = false;
  #ended = false;
  /** Whether the first content delta is still to come (and someone wants to know). */
  #firstToken: boolean;
  #onAbort = () => this.#abort();

  constructor(
    source: ChunkSource,
    translator: EventTranslator<C>,
    options: AnthropicEventStreamOptions<C>,
  ) {
    this.#source = source;
    this.#translator = translator;
    this.#options = options;
    this.#firstToken = options.onFirstToken !== undefined;
    this.#parser = createParser({ onEvent: (message) => this.#onEvent(message) });
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
    const { signal } = this.#options;
    if (signal?.aborted) return this.#abort();
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#enqueue(this.#translator.start());
    this.#startPing();
  }

  /** Reads upstream chunks until some output is produced or the stream ends. */
  async pull(): Promise<void> {
    while (!this.#ended) {
      let events: StreamEvent[];
      try {
        const { done, value } = await this.#source.read();
        if (this.#ended) return;
        if (done) events = this.#endOfInput();
        else events = value ? this.#onBytes(value) : [];
      } catch (error) {
        if (this.#ended) return;
        events = this.#takePending().concat(this.#translator.fail(streamFailure(error)));
      }
      this.#enqueue(events);
      if (this.#translator.done) return this.#close();
      if (events.length > 0) return;
    }
  }

  async cancel(reason: unknown): Promise<void> {
    this.#end({ ...this.#translator.summary(), error: clientClosed("Client closed the stream") });
    await this.#source.cancel(reason).catch(() => {});
  }

  #abort(): void {
    if (this.#ended) return;
    this.#end({ ...this.#translator.summary(), error: clientClosed("Stream aborted") });
    this.#controller?.close();
    this.#source.cancel(this.#options.signal?.reason).catch(() => {});
  }

  /** Decodes and parses one upstream chunk; returns the events of the messages it completed. */
  #onBytes(bytes: Uint8Array): StreamEvent[] {
    this.#parser.feed(this.#decoder.decode(bytes, { stream: true }));
    return this.#takePending();
  }

  #takePending(): StreamEvent[] {
    const events = this.#pending;
    if (events.length > 0) this.#pending = [];
    return events;
  }

  /** One parsed SSE message; those after the one that ended the translation are ignored. */
  #onEvent(message: EventSourceMessage): void {
    if (this.#translator.done) return;
    const events = this.#onMessage(message);
    if (events.length === 0) return;
    if (this.#pending.length === 0) this.#pending = events;
    else this.#pending.push(...events);
  }

  #onMessage(message: EventSourceMessage): StreamEvent[] {
    if (message.event === "error") return this.#translator.fail(upstreamStreamError(message.data));
    const data = message.data.trim();
    if (data === "[DONE]") {
      const flushed = this.#flush();
      return this.#translator.done ? flushed : flushed.concat(this.#translator.finish());
    }
    if (data === "") return []; // a data field of spaces only: nothing was said
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      chunk = undefined;
    }
    if (typeof chunk !== "object" || chunk === null || Array.isArray(chunk)) {
      return this.#translator.fail(this.#notJson(message.data));
    }
    const { error } = chunk as { error?: unknown };
    if (error) return this.#translator.fail(upstreamStreamError(error));
    const transform = this.#options.transform;
    if (!transform) return this.#translator.push(chunk as C);
    return this.#pushAll(transform.push(chunk as C));
  }

  /** Translates chunks from the transform; one carrying an error ends the stream with it. */
  #pushAll(chunks: C[]): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const chunk of chunks) {
      const { error } = chunk as { error?: { type?: unknown; message?: unknown } | null };
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

  /** The error for a chunk that is not a JSON object, quoting its start. */
  #notJson(data: string): UpstreamError {
    const cut = data.length > QUOTED_CHUNK_CHARS;
    const quoted = JSON.stringify(cut ? data.slice(0, QUOTED_CHUNK_CHARS) : data) +
      (cut ? `… (${data.length} characters)` : "");
    const redact = this.#options.redact ?? ((text: string) => text);
    return {
      type: "api_error",
      message: `Upstream sent a stream chunk that is not a JSON object: ${redact(quoted)}`,
    };
  }

  /** EOF without `[DONE]`: complete only if a finish_reason arrived. */
  #endOfInput(): StreamEvent[] {
    const flushed = this.#flush();
    if (this.#translator.done) return flushed;
    if (this.#translator.finishReason !== null) return flushed.concat(this.#translator.finish());
    return flushed.concat(
      this.#translator.fail({ type: "api_error", message: INCOMPLETE_MESSAGE }),
    );
  }

  #enqueue(events: StreamEvent[]): void {
    if (this.#ended || events.length === 0) return;
    let text = "";
    for (const event of events) {
      if (this.#firstToken && event.type === "content_block_delta") this.#onFirstToken();
      text += encodeSseEvent(event);
    }
    this.#controller?.enqueue(this.#encoder.encode(text));
    this.#wrote = true;
  }

  #onFirstToken(): void {
    this.#firstToken = false;
    this.#options.onFirstToken?.();
  }

  /** Starts the one keep-alive timer; a tick pings only if nothing went out since the last one. */
  #startPing(): void {
    const interval = this.#options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    if (!(interval > 0 && interval < 2 ** 31) || this.#ended) return;
    this.#timer = setInterval(() => {
      if (this.#wrote) {
        this.#wrote = false;
      } else if (!this.#ended) {
        this.#controller?.enqueue(this.#encoder.encode(PING_FRAME));
      }
    }, interval);
  }

  /** The translator is done: close the output and release the upstream body. */
  #close(): void {
    this.#end(this.#translator.summary());
    this.#controller?.close();
    this.#source.cancel().catch(() => {});
  }

  #end(summary: StreamSummary): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#options.onEnd?.(summary);
  }
}

function clientClosed(message: string): { type: "client_closed"; message: string } {
  return { type: "client_closed", message };
}

/** Maps an in-stream upstream error (an `event: error` payload or a chunk's `error`) to Anthropic. */
export function upstreamStreamError(payload: unknown): UpstreamError {
  return { type: upstreamErrorType(payload), message: upstreamStreamErrorMessage(payload) };
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
  if (typeof type === "string" && ANTHROPIC_ERROR_TYPES.has(type)) {
    return type as AnthropicErrorType;
  }
  return errorTypeForCode(record.code) ?? errorTypeForCode(type) ?? "api_error";
}

function parseRecord(text: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
