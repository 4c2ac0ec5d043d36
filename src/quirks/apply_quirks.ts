// Runs a provider's quirks at each hook point: history, request, answer, stream, retry. Pure.
import type { MessagesRequest } from "../wire/anthropic_types.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
} from "../wire/openai_types.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type {
  Quirk,
  QuirkContext,
  QuirkRequestContext,
  QuirkResponseContext,
  UpstreamFailure,
} from "./quirk.ts";

/** Runs the `anthropicRequest` hooks in layer order. */
export function applyAnthropicQuirks(
  quirks: readonly Quirk[],
  req: MessagesRequest,
  ctx: QuirkContext,
): MessagesRequest {
  let out = req;
  for (const quirk of quirks) if (quirk.anthropicRequest) out = quirk.anthropicRequest(out, ctx);
  return out;
}

/** Runs the `request` hooks in layer order. */
export function applyRequestQuirks(
  quirks: readonly Quirk[],
  req: ChatCompletionRequest,
  ctx: QuirkRequestContext,
): ChatCompletionRequest {
  let out = req;
  for (const quirk of quirks) if (quirk.request) out = quirk.request(out, ctx);
  return out;
}

/** Runs the `response` hooks in reverse layer order (upstream first). */
export function applyResponseQuirks(
  quirks: readonly Quirk[],
  res: ChatCompletionResponse,
  ctx: QuirkResponseContext,
): ChatCompletionResponse {
  let out = res;
  for (let i = quirks.length - 1; i >= 0; i--) {
    const hook = quirks[i]!.response;
    if (hook) out = hook(out, ctx);
  }
  return out;
}

/** The quirks' chunk transforms chained, upstream first; undefined when none has one. */
export function quirkChunkTransform(
  quirks: readonly Quirk[],
  ctx: QuirkResponseContext,
): ChunkTransform | undefined {
  const transforms: ChunkTransform[] = [];
  for (let i = quirks.length - 1; i >= 0; i--) {
    const transform = quirks[i]!.chunks?.(ctx);
    if (transform) transforms.push(transform);
  }
  if (transforms.length <= 1) return transforms[0];
  return {
    push: (chunk) => pushThrough(transforms, 0, [chunk]),
    flush() {
      const out: ChatCompletionChunk[] = [];
      for (let i = 0; i < transforms.length; i++) {
        out.push(...pushThrough(transforms, i + 1, transforms[i]!.flush()));
      }
      return out;
    },
  };
}

/** The changed request the first `retry` hook offers for an upstream error, or undefined. */
export function quirkRetry(
  quirks: readonly Quirk[],
  failure: UpstreamFailure,
  options: { request: ChatCompletionRequest; ctx: QuirkRequestContext },
): ChatCompletionRequest | undefined {
  for (const quirk of quirks) {
    const retried = quirk.retry?.(failure, options.request, options.ctx);
    if (retried) return retried;
  }
  return undefined;
}

function pushThrough(
  transforms: ChunkTransform[],
  from: number,
  chunks: ChatCompletionChunk[],
): ChatCompletionChunk[] {
  let current = chunks;
  for (let i = from; i < transforms.length && current.length > 0; i++) {
    const transform = transforms[i]!;
    if (current.length === 1) current = transform.push(current[0]!);
    else {
      const next: ChatCompletionChunk[] = [];
      for (const chunk of current) next.push(...transform.push(chunk));
      current = next;
    }
  }
  return current;
}
