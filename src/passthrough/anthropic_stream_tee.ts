// Reads an Anthropic SSE stream on its way to the client without re-encoding it: usage, stop reason and
// errors for the log, and (optionally) thinking signatures marked with their origin. Pure.
//
// The bytes go out exactly as they came in, so events are delimited here on the bytes themselves (a
// blank line ends an event, with LF, CRLF or CR line ends, as the SSE spec says) rather than through a
// parser that would hand back decoded text. A partial event is held until its blank line arrives; an
// SSE client cannot dispatch it any earlier, so holding it costs the client nothing. Each byte is
// scanned once and copied at most once (only events split across chunks are copied); only the
// events the log (or marking) needs are decoded, picked by their leading `event:` line, and only
// those are parsed as JSON.
import { concatBytes } from "../util/bytes.ts";
import type { StreamSummary } from "../translate/anthropic/stream_summary.ts";
import { markEventSignature } from "./signature_origin.ts";

/** What the stream said, for the request log, and whether it came whole. */
export interface TeeSummary extends StreamSummary {
  /** Whether `message_stop` arrived. */
  complete: boolean;
  /** Set when an event's data was not a JSON object: the tee passes nothing more after it. */
  unparsable?: boolean;
}

/** Characters of an event that is not JSON quoted in the error. */
const QUOTED_EVENT_CHARS = 200;

/** Options for {@linkcode AnthropicStreamTee}. */
export interface AnthropicStreamTeeOptions {
  /** Wrap thinking signatures (and redacted data) with this provider name; unset passes them as is. */
  markOrigin?: string;
  /**
   * Report this model in `message_start` (the name the client asked for, when the route mapped it);
   * unset passes the upstream's name as is.
   */
  model?: string;
  /** Called once, as the first `content_block_delta` (the first token) passes. */
  onFirstToken?: (() => void) | undefined;
}

const LF = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();
const EVENT_FIELD = [0x65, 0x76, 0x65, 0x6e, 0x74, 0x3a]; // "event:"
/** Longer `event:` names are read the slow way (no event type is near this long). */
const MAX_EVENT_NAME = 64;
/** The event types of the Messages API, matched on the bytes (decoding a name costs more). */
const KNOWN_EVENTS: readonly [string, Uint8Array][] = [
  "content_block_delta",
  "content_block_start",
  "content_block_stop",
  "message_start",
  "message_delta",
  "message_stop",
  "ping",
  "error",
].map((name) => [name, encoder.encode(name)]);
const latin1 = new TextDecoder("latin1");
const KNOWN_EVENT_NAMES: ReadonlySet<string> = new Set(KNOWN_EVENTS.map(([name]) => name));
const DATA_FIELD = [0x64, 0x61, 0x74, 0x61, 0x3a]; // "data:"
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** The events the summary reads; the others are decoded only to mark signatures. */
const SUMMARY_EVENTS: ReadonlySet<string> = new Set([
  "message_start",
  "message_delta",
  "message_stop",
  "error",
]);
/** The events that can carry a thinking signature or redacted data. */
const SIGNED_EVENTS: ReadonlySet<string> = new Set(["content_block_start", "content_block_delta"]);

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
  /** The chunks (or chunk tails) of the partial event, not yet sent. */
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  /** Where the boundary scan stands at the end of the bytes pushed so far. */
  #scan: ScanState = { lineStart: true, cr: "none" };
  #decoder = new TextDecoder();
  #options: AnthropicStreamTeeOptions;
  #summary: TeeSummary = {
    stopReason: null,
    usage: { input_tokens: 0, output_tokens: 0 },
    complete: false,
  };

  constructor(options: AnthropicStreamTeeOptions = {}) {
    this.#options = options;
  }

  /** What the events so far said. */
  get summary(): TeeSummary {
    return this.#summary;
  }

  /**
   * Takes upstream bytes; returns the bytes to send now (whole events, byte for byte unless marked).
   * The returned arrays may be views of `chunk`, so the caller must not reuse its buffer.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length === 0 || this.#summary.unparsable) return [];
    const { ends, state } = scanEvents(chunk, this.#scan);
    this.#scan = state;
    if (ends.length === 0) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      return [];
    }
    const last = ends.at(-1)!;
    let buffer = chunk.subarray(0, last);
    if (this.#heldBytes > 0) {
      // The held start of the first event joins this chunk's events in one copy.
      const offset = this.#heldBytes;
      this.#held.push(buffer);
      this.#heldBytes += last;
      buffer = this.#takeHeld();
      for (let i = 0; i < ends.length; i++) ends[i]! += offset;
    }
    if (last < chunk.length) {
      this.#held.push(chunk.subarray(last));
      this.#heldBytes = chunk.length - last;
    }
    return this.#emit(buffer, ends);
  }

  /**
   * Returns what is left at the end of the stream: an event ended by a final lone CR, read like any
   * other, or an unterminated event, passed on as it is.
   */
  flush(): Uint8Array[] {
    if (this.#summary.unparsable) return [];
    const ended = this.#scan.cr === "event";
    this.#scan = { lineStart: true, cr: "none" };
    if (this.#heldBytes === 0) return [];
    const rest = this.#takeHeld();
    return ended ? this.#emit(rest, [rest.length]) : [rest];
  }

  /** Drops a held partial event (when an error event must follow instead); returns its size. */
  discard(): number {
    const size = this.#heldBytes;
    this.#held = [];
    this.#heldBytes = 0;
    this.#scan = { lineStart: true, cr: "none" };
    return size;
  }

  /** The held bytes as one array (copied once when they came in several chunks); empties the hold. */
  #takeHeld(): Uint8Array {
    const out = concatBytes(this.#held, this.#heldBytes);
    this.#held = [];
    this.#heldBytes = 0;
    return out;
  }

  #emit(buffer: Uint8Array, ends: number[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    let start = 0;
    let copied = 0;
    for (const end of ends) {
      const frame = buffer.subarray(start, end);
      const replaced = this.#read(frame);
      if (this.#summary.unparsable) {
        // Nothing from the event that is not JSON on: the caller ends the stream with an error.
        this.discard();
        if (start > copied) out.push(buffer.subarray(copied, start));
        return out;
      }
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

  /** Whether an event named `name` must be decoded: for the summary, or to mark a signature. */
  #needs(name: string): boolean {
    return SUMMARY_EVENTS.has(name) ||
      (this.#options.markOrigin !== undefined && SIGNED_EVENTS.has(name));
  }

  /**
   * Reads one event; returns replacement bytes when its model was renamed or signature marked.
   * Events it does not need are only checked to look like a JSON object (`{` … `}`) on the bytes;
   * one that does not, and every event it parses, must be one, else the tee stops there.
   */
  #read(frame: Uint8Array): Uint8Array | undefined {
    const name = leadingEventName(frame);
    if (name === "content_block_delta") this.#firstToken();
    if (name !== undefined && !this.#needs(name)) return this.#check(frame, name);
    if (name === "message_stop") {
      this.#check(frame, name);
      if (!this.#summary.unparsable) this.#summary.complete = true;
      return undefined;
    }
    const text = this.#decoder.decode(frame);
    if (name !== undefined && SIGNED_EVENTS.has(name)) {
      // Marking parses it (once) where it may carry a signature; the bytes check does the rest.
      this.#check(frame, name);
      if (this.#summary.unparsable || !maySign(text)) return undefined;
      const { data } = parseFrame(text);
      return data === undefined ? undefined : this.#mark(text, data);
    }
    const { event, data } = parseFrame(text);
    if (data === undefined) return undefined;
    const json = parseJson(data);
    if (json === undefined) return this.#unparsable(data);
    const type = event ?? (typeof json.type === "string" ? json.type : undefined);
    if (name === undefined && type === "content_block_delta") this.#firstToken();
    switch (type) {
      case "message_start": {
        const message = json.message as Record<string, unknown> | undefined;
        this.#onUsage(message?.usage);
        const model = this.#options.model;
        if (model === undefined || typeof message?.model !== "string" || message.model === model) {
          return undefined;
        }
        return replaceData(text, data, renameModel(data, message.model, model));
      }
      case "message_delta": {
        const stop = (json.delta as Record<string, unknown> | undefined)?.stop_reason;
        if (typeof stop === "string") this.#summary.stopReason = stop;
        this.#onUsage(json.usage);
        return undefined;
      }
      case "message_stop":
        this.#summary.complete = true;
        return undefined;
      case "error":
        this.#onError(json.error);
        return undefined;
      case "content_block_start":
      case "content_block_delta":
        return this.#mark(text, data);
      default:
        return undefined;
    }
  }

  /** A known event passed on unread: its data must look like a JSON object, else be one. */
  #check(frame: Uint8Array, name: string): undefined {
    if (!KNOWN_EVENT_NAMES.has(name) || looksLikeObject(frame)) return undefined;
    const { data } = parseFrame(this.#decoder.decode(frame));
    if (data !== undefined && parseJson(data) === undefined) this.#unparsable(data);
    return undefined;
  }

  /** Records an event whose data is not a JSON object as the stream's error. */
  #unparsable(data: string): undefined {
    const cut = data.length > QUOTED_EVENT_CHARS;
    const quoted = JSON.stringify(cut ? data.slice(0, QUOTED_EVENT_CHARS) : data) +
      (cut ? `… (${data.length} characters)` : "");
    this.#summary.unparsable = true;
    this.#summary.error = {
      type: "api_error",
      message: `Upstream sent a stream event that is not a JSON object: ${quoted}`,
    };
    return undefined;
  }

  #mark(text: string, data: string): Uint8Array | undefined {
    const origin = this.#options.markOrigin;
    if (origin === undefined) return undefined;
    const marked = markEventSignature(data, origin);
    return marked === undefined ? undefined : replaceData(text, data, marked);
  }

  #firstToken(): void {
    const report = this.#options.onFirstToken;
    if (!report) return;
    this.#options = { ...this.#options, onFirstToken: undefined };
    report();
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
    if (typeof record.cache_creation_input_tokens === "number") {
      target.cache_creation_input_tokens = record.cache_creation_input_tokens;
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

/** Where a boundary scan stopped, so the next chunk goes on from there. */
export interface ScanState {
  /** Whether the next byte starts a line (a line end there then makes a blank line). */
  lineStart: boolean;
  /**
   * A CR ended the bytes scanned so far: `"line"` if it ended a line, `"event"` if it ended an event
   * (a blank line) whose end waits to see whether an LF follows and belongs to it.
   */
  cr: "none" | "line" | "event";
}

/**
 * The offsets just past each event-ending blank line in `bytes`, which follow the bytes `state` was
 * scanned from (offsets count from the start of `bytes`; an event whose final CR ended the previous
 * bytes ends at 0, or at 1 when `bytes` starts with its LF). A CR that ends `bytes` is left pending
 * in the state: the LF of a CRLF may follow in the next chunk.
 */
export function scanEvents(
  bytes: Uint8Array,
  state: ScanState = { lineStart: true, cr: "none" },
): { ends: number[]; state: ScanState } {
  const ends: number[] = [];
  let { lineStart, cr } = state;
  let at = 0;
  if (cr !== "none" && bytes.length > 0) {
    const lf = bytes[0] === LF;
    if (cr === "event") ends.push(lf ? 1 : 0);
    if (lf) at = 1;
    cr = "none";
  }
  if (bytes.indexOf(CR, at) === -1) {
    // LF line ends only (as every provider sends them): jump from one LF to the next.
    for (;;) {
      const lf = bytes.indexOf(LF, at);
      if (lf === -1) {
        if (at < bytes.length) lineStart = false;
        return { ends, state: { lineStart, cr } };
      }
      if (lf === at && lineStart) ends.push(lf + 1);
      lineStart = true;
      at = lf + 1;
    }
  }
  for (; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte !== LF && byte !== CR) {
      lineStart = false;
      continue;
    }
    if (byte === CR) {
      if (at + 1 === bytes.length) {
        cr = lineStart ? "event" : "line";
        lineStart = true;
        break;
      }
      if (bytes[at + 1] === LF) at++;
    }
    if (lineStart) ends.push(at + 1);
    lineStart = true;
  }
  return { ends, state: { lineStart, cr } };
}

/**
 * The name on an event's first line when that line is an `event:` field, read from the bytes
 * without decoding the event; undefined when the event starts otherwise (a comment, `data:` first)
 * or the name is empty or longer than any event type. A second `event:` line, which the SSE rules
 * would let win, is not looked for: no provider sends one.
 */
export function leadingEventName(frame: Uint8Array): string | undefined {
  if (frame.length <= EVENT_FIELD.length || !startsWith(frame, EVENT_FIELD)) return undefined;
  let start = EVENT_FIELD.length;
  if (frame[start] === 0x20) start++;
  let end = start;
  while (end < frame.length && frame[end] !== LF && frame[end] !== CR) end++;
  if (end === start || end - start > MAX_EVENT_NAME) return undefined;
  for (const [name, bytes] of KNOWN_EVENTS) {
    if (bytes.length === end - start && startsWith(frame, bytes, start)) return name;
  }
  return latin1.decode(frame.subarray(start, end));
}

/**
 * Whether an event's bytes look like one carrying a JSON object: a `data:` line right after the
 * first line whose value starts with `{`, and `}` as the last byte before the line ends. A cheap
 * test on the bytes; an event that fails it is parsed to be sure.
 */
function looksLikeObject(frame: Uint8Array): boolean {
  let at = frame.indexOf(LF);
  if (at === -1 || !startsWith(frame, DATA_FIELD, at + 1)) return false;
  at += 1 + DATA_FIELD.length;
  if (frame[at] === 0x20) at++;
  if (frame[at] !== OPEN_BRACE) return false;
  let end = frame.length - 1;
  while (end > at && (frame[end] === LF || frame[end] === CR)) end--;
  return frame[end] === CLOSE_BRACE;
}

function startsWith(bytes: Uint8Array, prefix: ArrayLike<number>, at = 0): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[at + i] !== prefix[i]) return false;
  }
  return true;
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

/** `message_start` data with the message's model renamed in place (re-serialised if it cannot be). */
function renameModel(data: string, from: string, to: string): string {
  const spliced = spliceModel(data, from, to);
  if (spliced !== undefined) return spliced;
  const event = JSON.parse(data);
  return JSON.stringify({ ...event, message: { ...event.message, model: to } });
}

/**
 * A message's JSON (or a `message_start` event's) with its `"model"` value `from` swapped for `to`,
 * every other byte kept; undefined when the first `"model"` key does not hold `from` or comes after
 * `"content"` (where a tool's input might have a key of that name).
 */
export function spliceModel(json: string, from: string, to: string): string | undefined {
  const match = /"model"\s*:\s*/.exec(json);
  if (!match) return undefined;
  const content = json.indexOf('"content"');
  if (content !== -1 && content < match.index) return undefined;
  const at = match.index + match[0].length;
  const literal = JSON.stringify(from);
  if (!json.startsWith(literal, at)) return undefined;
  return json.slice(0, at) + JSON.stringify(to) + json.slice(at + literal.length);
}

/** Whether an event's text can carry a signature or redacted data (a text delta cannot). */
function maySign(text: string): boolean {
  return text.includes("signature") || text.includes("redacted_thinking");
}

function typeOf(data: string): string | undefined {
  const type = parseJson(data)?.type;
  return typeof type === "string" ? type : undefined;
}

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(data);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
