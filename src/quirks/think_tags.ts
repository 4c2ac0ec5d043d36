// Quirk `think_tags`: inline `<think>…</think>` becomes reasoning, even split across chunks. Pure.
//
// Qwen3 on Groq, DeepSeek-R1 on Together or Ollama and MiniMax put their reasoning at the start of
// `content` between `<think>` (or `<thought>`) tags. Only a tag that opens the content (after
// whitespace) counts, so a model writing about `<think>` later in an answer is left alone. The text
// after the closing tag loses its leading blank lines; an empty `<think></think>` disappears.
import type {
  ChatCompletionChunk,
  ChatCompletionResponse,
  ChatDelta,
} from "../wire/openai_types.ts";
import { firstDelta, firstMessage } from "./chunk_parts.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { Quirk, QuirkContext } from "./quirk.ts";

/** Opening tag → closing tag. */
const TAGS: ReadonlyArray<readonly [string, string]> = [["<think>", "</think>"], [
  "<thought>",
  "</thought>",
]];

/** Text split into reasoning and answer. */
export interface ThinkSplit {
  reasoning: string;
  content: string;
}

/**
 * A streaming splitter: feed content pieces with `push`, then `flush` at the end. Holds back only
 * what could still be part of a tag (or leading whitespace before a possible opening tag).
 */
export class ThinkTagSplitter {
  #state: "lead" | "think" | "after" | "text" = "lead";
  #held = "";
  #close = "";

  /** The reasoning and answer text that `piece` makes certain. */
  push(piece: string): ThinkSplit {
    if (this.#state === "text") return { reasoning: "", content: piece };
    this.#held += piece;
    return this.#advance();
  }

  /** Everything still held: an unclosed thought is reasoning, anything else is answer text. */
  flush(): ThinkSplit {
    const held = this.#held;
    this.#held = "";
    const state = this.#state;
    this.#state = "text";
    if (state === "think") return { reasoning: held, content: "" };
    return { reasoning: "", content: state === "after" ? held.trimStart() : held };
  }

  #advance(): ThinkSplit {
    const out: ThinkSplit = { reasoning: "", content: "" };
    for (;;) {
      if (this.#state === "lead") {
        const text = this.#held.trimStart();
        const tag = TAGS.find(([open]) => text.startsWith(open));
        if (tag) {
          [this.#state, this.#close, this.#held] = ["think", tag[1], text.slice(tag[0].length)];
          continue;
        }
        if (text === "" || TAGS.some(([open]) => open.startsWith(text))) return out;
        [this.#state, out.content, this.#held] = ["text", this.#held, ""];
        return out;
      }
      if (this.#state === "think") {
        const end = this.#held.indexOf(this.#close);
        if (end === -1) {
          const keep = partialSuffix(this.#held, this.#close);
          out.reasoning += this.#held.slice(0, this.#held.length - keep);
          this.#held = this.#held.slice(this.#held.length - keep);
          return out;
        }
        out.reasoning += this.#held.slice(0, end);
        [this.#state, this.#held] = ["after", this.#held.slice(end + this.#close.length)];
        continue;
      }
      const text = this.#held.trimStart();
      if (text !== "") [this.#state, out.content, this.#held] = ["text", text, ""];
      return out;
    }
  }
}

/** Splits a whole message's content (see {@linkcode ThinkTagSplitter}). */
export function splitThinkTags(content: string): ThinkSplit {
  const splitter = new ThinkTagSplitter();
  const first = splitter.push(content);
  const rest = splitter.flush();
  return { reasoning: first.reasoning + rest.reasoning, content: first.content + rest.content };
}

/** The quirk: move leading `<think>` content into reasoning, whole or streamed. */
export const thinkTags: Quirk = {
  name: "think_tags",
  summary:
    "Inline `<think>…</think>` reasoning becomes a thinking block (Qwen, DeepSeek-R1, MiniMax)",
  response(res: ChatCompletionResponse, ctx: QuirkContext): ChatCompletionResponse {
    const message = firstMessage(res);
    if (!message || typeof message.content !== "string") return res;
    const split = splitThinkTags(message.content);
    if (split.reasoning === "" && split.content === message.content) return res;
    message.content = split.content;
    addReasoning(message, split.reasoning);
    ctx.note("think_tags: moved inline reasoning into a thinking block");
    return res;
  },
  chunks(): ChunkTransform {
    return new ThinkTagChunks();
  },
};

class ThinkTagChunks implements ChunkTransform {
  #splitter = new ThinkTagSplitter();
  #done = false;

  push(chunk: ChatCompletionChunk): ChatCompletionChunk[] {
    if (this.#done) return [chunk];
    const delta = firstDelta(chunk);
    if (!delta || typeof delta.content !== "string" || delta.content === "") return [chunk];
    const split = this.#splitter.push(delta.content);
    delta.content = split.content;
    addReasoning(delta, split.reasoning);
    return [chunk];
  }

  flush(): ChatCompletionChunk[] {
    if (this.#done) return [];
    this.#done = true;
    const split = this.#splitter.flush();
    if (split.reasoning === "" && split.content === "") return [];
    const delta: ChatDelta = { content: split.content };
    addReasoning(delta, split.reasoning);
    return [{ choices: [{ index: 0, delta }] }];
  }
}

/** Appends reasoning to whichever reasoning field the message or delta already uses. */
function addReasoning(target: ChatDelta, reasoning: string): void {
  if (reasoning === "") return;
  const { reasoning_content: content, reasoning: other } = target;
  if (typeof content === "string" && content !== "") target.reasoning_content = content + reasoning;
  else if (typeof other === "string" && other !== "") target.reasoning = other + reasoning;
  else target.reasoning_content = reasoning;
}

/** The length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
