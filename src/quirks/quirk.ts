// The hook interface every provider quirk implements, and what its hooks see. Types only.
import type { MessagesRequest } from "../wire/anthropic_types.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { ChatCompletionRequest, ChatCompletionResponse } from "../wire/openai_types.ts";

/** What every hook may read, and where it records what it changed (for the request log). */
export interface QuirkContext {
  /** The provider's name in the config. */
  provider: string;
  /** The upstream model. */
  model: string;
  /** Records a change for the request log, e.g. "gemini_schema: cleaned 3 tool schemas". */
  note(change: string): void;
}

/** The context of the OpenAI-side hooks: also the client's request (after the history hooks). */
export interface QuirkRequestContext extends QuirkContext {
  anthropic: MessagesRequest;
}

/** The context of the response hooks: also the request exactly as it was sent upstream. */
export interface QuirkResponseContext extends QuirkRequestContext {
  request: ChatCompletionRequest;
  /** Makes a fresh `toolu_…` id. */
  newToolId(): string;
}

/** An upstream error answer, offered to `retry` hooks. */
export interface UpstreamFailure {
  status: number;
  /** The error body text. */
  body: string;
}

/** A named provider quirk; every hook is optional and pure. */
export interface Quirk {
  /** The name used in presets and the config (snake_case). */
  name: string;
  /** One line for the README and `check`: what it fixes. */
  summary: string;
  /** Fixes the client's history before translation; returns the (possibly new) request. */
  anthropicRequest?(req: MessagesRequest, ctx: QuirkContext): MessagesRequest;
  /**
   * Changes the translated request. It may change `req` and its messages in place (they are the
   * translator's own) but must copy tool parameter schemas before changing them (they are shared
   * with the client's request).
   */
  request?(req: ChatCompletionRequest, ctx: QuirkRequestContext): ChatCompletionRequest;
  /** Changes a non-streaming upstream answer before translation; may throw a ProxyError. */
  response?(res: ChatCompletionResponse, ctx: QuirkResponseContext): ChatCompletionResponse;
  /** Makes the chunk transform for one streamed answer; undefined when it has nothing to do. */
  chunks?(ctx: QuirkResponseContext): ChunkTransform | undefined;
  /** Returns a changed request to send once more after an upstream error, or undefined. */
  retry?(
    failure: UpstreamFailure,
    req: ChatCompletionRequest,
    ctx: QuirkRequestContext,
  ): ChatCompletionRequest | undefined;
}
