// Ends an answer's text at the first of the request's stop sequences, as Anthropic does, for upstreams that did not stop there. Pure.

/** The request's usable stop sequences (non-empty strings), or undefined when it has none. */
export function stopSequencesOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const sequences = value.filter((s): s is string => typeof s === "string" && s !== "");
  return sequences.length > 0 ? sequences : undefined;
}

/** Text cut at a stop sequence: what comes before it, and the sequence when one was found. */
export interface StopCut {
  text: string;
  stop?: string;
}

/**
 * Cuts a whole text where a model generating it would first have completed a stop sequence (the
 * earliest end; of two ending together, the longer); the sequence itself is not part of the
 * text, as in Anthropic's answers.
 *
 * @example
 * ```ts
 * cutAtStopSequence("<block>no</block> because", ["</block>"]);
 * // → { text: "<block>no", stop: "</block>" }
 * ```
 */
export function cutAtStopSequence(text: string, sequences: readonly string[]): StopCut {
  let end = Infinity;
  let stop: string | undefined;
  for (const sequence of sequences) {
    const index = text.indexOf(sequence);
    if (index < 0) continue;
    const ends = index + sequence.length;
    if (ends < end || (ends === end && sequence.length > stop!.length)) {
      end = ends;
      stop = sequence;
    }
  }
  return stop === undefined ? { text } : { text: text.slice(0, end - stop.length), stop };
}

/**
 * Applies stop sequences to text that arrives in pieces: each piece gives back the text that can
 * be sent now; the end of the text is held while it could still be the start of a stop sequence.
 * Once a sequence is found, the text before it is given back and everything after is dropped.
 *
 * @example
 * ```ts
 * const stops = new StopSequenceStream(["</block>"]);
 * stops.push("<block>no</b"); // → { text: "<block>no" } ("</b" is held)
 * stops.push("lock> more");   // → { text: "", stop: "</block>" }
 * ```
 */
export class StopSequenceStream {
  #sequences: readonly string[];
  #held = "";
  #stop: string | undefined;

  constructor(sequences: readonly string[]) {
    this.#sequences = sequences;
  }

  /** The stop sequence found, once one has been. */
  get stop(): string | undefined {
    return this.#stop;
  }

  /** The text of `piece` (after what was held) that can be sent now, and the stop if found. */
  push(piece: string): StopCut {
    if (this.#stop !== undefined) return { text: "" };
    const text = this.#held + piece;
    const cut = cutAtStopSequence(text, this.#sequences);
    if (cut.stop !== undefined) {
      this.#stop = cut.stop;
      this.#held = "";
      return cut;
    }
    const keep = this.#partialTail(text);
    this.#held = text.slice(text.length - keep);
    return { text: text.slice(0, text.length - keep) };
  }

  /** The text still held at the end of the answer (it never completed a stop sequence). */
  flush(): string {
    const held = this.#held;
    this.#held = "";
    return held;
  }

  /** The length of the longest end of `text` that begins some stop sequence. */
  #partialTail(text: string): number {
    let longest = 0;
    for (const sequence of this.#sequences) {
      const max = Math.min(sequence.length - 1, text.length);
      for (let n = max; n > longest; n--) {
        if (text.endsWith(sequence.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
