// Quirk hook contexts for tests: a recorded note list, a fixed tool-id source and sensible defaults.
import type { QuirkResponseContext } from "../../src/quirks/quirk.ts";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";

/** A response-hook context (usable for every hook) whose notes are kept in `notes`. */
export interface TestQuirkContext extends QuirkResponseContext {
  notes: string[];
}

/** Options for {@linkcode quirkContext}. */
export interface QuirkContextOptions {
  provider?: string;
  model?: string;
  anthropic?: Partial<MessagesRequest>;
  request?: Partial<ChatCompletionRequest>;
}

/** A context with model "test-model"; fresh tool ids are `toolu_fresh1`, `toolu_fresh2`… */
export function quirkContext(options: QuirkContextOptions = {}): TestQuirkContext {
  const notes: string[] = [];
  const model = options.model ?? "test-model";
  let next = 0;
  return {
    provider: options.provider ?? "test",
    model,
    notes,
    note: (change) => void notes.push(change),
    anthropic: { model: "claude-test", max_tokens: 1024, messages: [], ...options.anthropic },
    request: { model, messages: [], ...options.request },
    newToolId: () => `toolu_fresh${++next}`,
  };
}
