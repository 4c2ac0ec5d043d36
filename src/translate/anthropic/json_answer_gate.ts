// Holds a streamed structured-output answer back until it is whole, then sends it on or reports it as an error. Pure.
import type { StopReason, StreamEvent } from "../../wire/anthropic_types.ts";
import { checkJsonAnswer, type JsonOutputFormat } from "./output_format.ts";

/** The events to send at the end of the stream, and the error when the answer failed the check. */
export interface GateResult {
  events: StreamEvent[];
  error?: { type: "api_error"; message: string };
}

/** Stop reasons whose answer is whole and must match the schema; others pass unchecked. */
const CHECKED_STOPS: ReadonlySet<StopReason | null> = new Set(["end_turn", "stop_sequence"]);

/**
 * Gates a stream whose request asked for structured output. Events pass as they come until the
 * first text block starts; from then on every event is held. At the end the answer's text is
 * checked against the schema: a whole answer that is not JSON matching it becomes one `error`
 * event instead of a message passed off as valid; a fenced JSON answer is sent without its fence.
 *
 * @example
 * ```ts
 * const gate = new JsonAnswerGate(format);
 * const live = gate.pass(events);              // for each batch of events
 * const { events: last } = gate.close(closing, "end_turn");
 * ```
 */
export class JsonAnswerGate {
  #format: JsonOutputFormat;
  #held: StreamEvent[] | undefined;
  #textBlocks = new Set<number>();
  #text = "";

  constructor(format: JsonOutputFormat) {
    this.#format = format;
  }

  /** The events to send now: all of them until the answer's text starts, none after. */
  pass(events: StreamEvent[]): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const event of events) {
      if (event.type === "content_block_start" && event.content_block.type === "text") {
        this.#held ??= [];
        this.#textBlocks.add(event.index);
      }
      if (
        event.type === "content_block_delta" && event.delta.type === "text_delta" &&
        this.#textBlocks.has(event.index)
      ) {
        this.#text += event.delta.text;
      }
      if (this.#held) this.#held.push(event);
      else out.push(event);
    }
    return out;
  }

  /**
   * The events that end the stream, given the translator's closing events (the last blocks,
   * `message_delta`, `message_stop`) and its stop reason.
   */
  close(closing: StreamEvent[], stopReason: StopReason | null): GateResult {
    const isTail = (e: StreamEvent) => e.type === "message_delta" || e.type === "message_stop";
    const tail = closing.filter(isTail);
    const live = this.pass(closing.filter((e) => !isTail(e)));
    const held = this.#held ?? [];
    if (!CHECKED_STOPS.has(stopReason)) return { events: [...live, ...held, ...tail] };
    const check = checkJsonAnswer(this.#text, this.#format.schema);
    if (!check.ok) {
      const message = `Upstream answer does not match output_config.format: ${check.problem}`;
      const error = { type: "api_error", message } as const;
      return { events: [...live, { type: "error", error }], error };
    }
    const text = check.text === this.#text ? held : this.#withText(held, check.text);
    return { events: [...live, ...text, ...tail] };
  }

  /** The held events with the one text block's deltas replaced by `text` (several blocks: as they are). */
  #withText(held: StreamEvent[], text: string): StreamEvent[] {
    if (this.#textBlocks.size !== 1) return held;
    const [index] = this.#textBlocks;
    const out: StreamEvent[] = [];
    for (const event of held) {
      const isTextDelta = event.type === "content_block_delta" && event.index === index &&
        event.delta.type === "text_delta";
      if (isTextDelta) continue;
      out.push(event);
      if (event.type === "content_block_start" && event.index === index) {
        out.push({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
      }
    }
    return out;
  }
}
