// Reads an Anthropic SSE stream on its way to the client without re-encoding it: usage, stop reason and
// errors for the log, and (optionally) thinking signatures marked with their origin. Pure.
//
// The bytes go out exactly as they came in, so events are delimited here on the bytes themselves (a
// blank line ends an event, with LF, CRLF or CR line ends, as the SSE spec says) rather than through a
// parser that would hand back decoded text. A partial event is held until its blank line arrives; an
// SSE client cannot dispatch it any earlier, so holding it costs the client nothing.
import { markEventSignature } from "./anthropic_clean.ts";

/** What the stream said, for the request log. */
export interface StreamSummary {
  stopReason: string | null;
  usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number };
  error?: { type: string; message: string };
  /** Whether `message_stop` arrived. */
  complete: boolean;
}

/** Options for {@linkcode AnthropicStreamTee}. */
export interface AnthropicStreamTeeOptions {
  /** Wrap thinking signatures (and redacted data) with this provider name; unset passes them as is. */
  markOrigin?: string;
  /**
   * Report this model in `message_start` (the name the client asked for, when the route mapped it);
   * unset passes the upstream's name as is.
   */
  model?: string;
}

const LF = 0x0a;
const CR = 0x0d;
const LF_BYTES = new Uint8Array([LF]);
const encoder = new TextEncoder();

/**
 * Passes Anthropic SSE bytes through whole events at a time while reading them.
 *
 * @example
 * ```ts
 * const tee = new AnthropicStreamTee({ markOrigin: "anthropic" });
 * for (const bytes of tee.push(chunk)) controller.enqueue(bytes);
 * // at the end: tee.flush(), then tee.summary
 * ```
 */
export class AnthropicStreamTee {
  #held: Uint8Array = new Uint8Array(0);
  /** Where the boundary scan resumes in `#held`. */
  #scan: ScanState = { at: 0, lineStart: true };
  #decoder = new TextDecoder();
  #options: AnthropicStreamTeeOptions;
  #summary: StreamSummary = {
    stopReason: null,
    usage: { input_tokens: 0, output_tokens: 0 },
    complete: false,
  };

  constructor(options: AnthropicStreamTeeOptions = {}) {
    this.#options = options;
  }

  /** What the events so far said. */
  get summary(): StreamSummary {
    return this.#summary;
  }

  /** Takes upstream bytes; returns the bytes to send now (whole events, byte for byte unless marked). */
  push(chunk: Uint8Array): Uint8Array[] {
    const buffer = this.#held.length === 0 ? chunk : concat(this.#held, chunk);
    const { ends, state } = scanEvents(buffer, this.#scan);
    const last = ends.at(-1);
    if (last === undefined) {
      this.#held = buffer;
      this.#scan = state;
      return [];
    }
    this.#held = buffer.slice(last);
    this.#scan = { at: state.at - last, lineStart: state.lineStart };
    return this.#emit(buffer, ends);
  }

  /**
   * Returns what is left at the end of the stream: an event ended by a final lone CR, read like any
   * other, or an unterminated event, passed on as it is.
   */
  flush(): Uint8Array[] {
    const rest = this.#held;
    const scan = this.#scan;
    this.#held = new Uint8Array(0);
    this.#scan = { at: 0, lineStart: true };
    if (rest.length === 0) return [];
    const { ends } = scanEvents(concat(rest, LF_BYTES), scan);
    if (ends.length === 0) return [rest];
    const out = this.#emit(rest, ends.map((end) => Math.min(end, rest.length)));
    const last = Math.min(ends.at(-1)!, rest.length);
    return last < rest.length ? [...out, rest.subarray(last)] : out;
  }

  /** Drops a held partial event (when an error event must follow instead); returns its size. */
  discard(): number {
    const size = this.#held.length;
    this.#held = new Uint8Array(0);
    this.#scan = { at: 0, lineStart: true };
    return size;
  }

  #emit(buffer: Uint8Array, ends: number[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    let start = 0;
    let copied = 0;
    for (const end of ends) {
      const frame = buffer.subarray(start, end);
      const replaced = this.#read(frame);
      if (replaced !== undefined) {
        if (start > copied) out.push(buffer.subarray(copied, start));
        out.push(replaced);
        copied = end;
      }
      start = end;
    }
    if (start > copied) out.push(buffer.subarray(copied, start));
    return out;
  }

  /** Reads one event; returns replacement bytes when its model was renamed or signature marked. */
  #read(frame: Uint8Array): Uint8Array | undefined {
    const text = this.#decoder.decode(frame);
    const { event, data } = parseFrame(text);
    if (data === undefined) return undefined;
    const type = event ?? typeOf(data);
    switch (type) {
      case "message_start": {
        const message = parseJson(data)?.message as Record<string, unknown> | undefined;
        this.#onUsage(message?.usage);
        const model = this.#options.model;
        if (model === undefined || typeof message?.model !== "string" || message.model === model) {
          return undefined;
        }
        return replaceData(text, data, renameModel(data, message.model, model));
      }
      case "message_delta": {
        const json = parseJson(data);
        const stop = (json?.delta as Record<string, unknown> | undefined)?.stop_reason;
        if (typeof stop === "string") this.#summary.stopReason = stop;
        this.#onUsage(json?.usage);
        return undefined;
      }
      case "message_stop":
        this.#summary.complete = true;
        return undefined;
      case "error":
        this.#onError(parseJson(data)?.error);
        return undefined;
      case "content_block_start":
      case "content_block_delta":
        return this.#mark(text, data);
      default:
        return undefined;
    }
  }

  #mark(text: string, data: string): Uint8Array | undefined {
    const origin = this.#options.markOrigin;
    if (origin === undefined) return undefined;
    const marked = markEventSignature(data, origin);
    return marked === undefined ? undefined : replaceData(text, data, marked);
  }

  #onUsage(usage: unknown): void {
    if (typeof usage !== "object" || usage === null) return;
    const record = usage as Record<string, unknown>;
    const target = this.#summary.usage;
    if (typeof record.input_tokens === "number") target.input_tokens = record.input_tokens;
    if (typeof record.output_tokens === "number") target.output_tokens = record.output_tokens;
    if (typeof record.cache_read_input_tokens === "number") {
      target.cache_read_input_tokens = record.cache_read_input_tokens;
    }
  }

  #onError(error: unknown): void {
    const record = (typeof error === "object" && error !== null ? error : {}) as Record<
      string,
      unknown
    >;
    this.#summary.error = {
      type: typeof record.type === "string" ? record.type : "api_error",
      message: typeof record.message === "string" ? record.message : "Upstream stream error",
    };
  }
}

/** Where a boundary scan stopped, so the next chunk resumes without rescanning. */
export interface ScanState {
  /** The first byte not yet scanned. */
  at: number;
  /** Whether `at` starts a line (a line end at `at` then makes a blank line). */
  lineStart: boolean;
}

/**
 * The offsets just past each event-ending blank line in `bytes`, scanning from `state`. A CR that
 * ends the buffer is left unscanned: the LF of a CRLF may follow in the next chunk.
 */
export function scanEvents(
  bytes: Uint8Array,
  state: ScanState = { at: 0, lineStart: true },
): { ends: number[]; state: ScanState } {
  const ends: number[] = [];
  let { at, lineStart } = state;
  for (; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte !== LF && byte !== CR) {
      lineStart = false;
      continue;
    }
    if (byte === CR) {
      if (at + 1 >= bytes.length) break;
      if (bytes[at + 1] === LF) at++;
    }
    if (lineStart) ends.push(at + 1);
    lineStart = true;
  }
  return { ends, state: { at, lineStart } };
}

/** The `event` name and joined `data` of one event's text (SSE field rules; comments ignored). */
export function parseFrame(text: string): { event?: string; data?: string } {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data = data === undefined ? value : `${data}\n${value}`;
  }
  return { ...(event ? { event } : {}), ...(data !== undefined ? { data } : {}) };
}

/** The event's text with its data swapped, keeping every other byte; re-framed if not found. */
function replaceData(text: string, data: string, replacement: string): Uint8Array {
  const at = text.indexOf(data);
  const rewritten = at >= 0
    ? text.slice(0, at) + replacement + text.slice(at + data.length)
    : `event: ${typeOf(replacement) ?? "message"}\ndata: ${replacement}\n\n`;
  return encoder.encode(rewritten);
}

/** `message_start` data with the first `"model"` value (the message's) renamed in place. */
function renameModel(data: string, from: string, to: string): string {
  const match = /"model"\s*:\s*/.exec(data);
  const literal = JSON.stringify(from);
  if (match && data.startsWith(literal, match.index + match[0].length)) {
    const at = match.index + match[0].length;
    return data.slice(0, at) + JSON.stringify(to) + data.slice(at + literal.length);
  }
  const event = JSON.parse(data);
  return JSON.stringify({ ...event, message: { ...event.message, model: to } });
}

function typeOf(data: string): string | undefined {
  const type = parseJson(data)?.type;
  return typeof type === "string" ? type : undefined;
}

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(data);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
