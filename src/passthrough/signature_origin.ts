// Thinking signatures across providers: each provider's own signatures unwrapped on the way up,
// others' thinking dropped; signatures in answers marked with their origin on the way down. Pure.
import type { ContentBlock, Message } from "../wire/anthropic_types.ts";
import { parseSignature, wrapSignature } from "../translate/anthropic/signature.ts";

/** The messages with signatures restored, and what changed. */
export interface Restored {
  messages: Message[];
  changes: string[];
  /** The last assistant turn called tools and lost its thinking. */
  strippedToolTurn: boolean;
}

/**
 * Unwraps thinking signatures (and redacted data) that `provider` made, and drops thinking blocks
 * made elsewhere: a signature is only valid where it was made. Unmarked signatures are left alone.
 */
export function restoreSignatures(messages: Message[], provider: string): Restored {
  const dropped = new Map<string, number>();
  let unwrapped = 0;
  let out: Message[] | undefined;
  let strippedToolTurn = false;
  const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");
  for (const [i, message] of messages.entries()) {
    let content: ContentBlock[] | undefined;
    if (message.role === "assistant" && Array.isArray(message.content)) {
      for (const [j, block] of message.content.entries()) {
        const restored = restoreBlock(block, provider);
        if (restored === block) {
          content?.push(block);
          continue;
        }
        content ??= message.content.slice(0, j);
        if (typeof restored === "string") {
          dropped.set(restored, (dropped.get(restored) ?? 0) + 1);
          if (i === lastAssistant) strippedToolTurn = true;
        } else {
          content.push(restored);
          unwrapped++;
        }
      }
    }
    if (content !== undefined) out ??= messages.slice(0, i);
    if (content === undefined) out?.push(message);
    else if (content.length > 0) out?.push({ ...message, content });
  }
  if (out === undefined) return { messages, changes: [], strippedToolTurn: false };
  const last = messages[lastAssistant]?.content;
  strippedToolTurn &&= Array.isArray(last) && last.some((block) => block.type === "tool_use");
  const changes = [...dropped].map(([origin, count]) =>
    `dropped ${count} thinking block${count > 1 ? "s" : ""} signed by "${origin}"`
  );
  if (unwrapped > 0) {
    changes.push(`restored ${unwrapped} thinking signature${unwrapped > 1 ? "s" : ""}`);
  }
  return { messages: out, changes, strippedToolTurn };
}

/** The block as `provider` should see it: unchanged, unwrapped, or the origin's name when it must go. */
function restoreBlock(block: ContentBlock, provider: string): ContentBlock | string {
  if (block.type !== "thinking" && block.type !== "redacted_thinking") return block;
  const key = block.type === "thinking" ? "signature" : "data";
  const record = block as unknown as Record<string, unknown>;
  const info = parseSignature(record[key] as string | undefined);
  if (info === undefined) return block;
  if (info.origin !== provider || info.original === undefined) return info.origin;
  const { [key]: _, ...rest } = record;
  const kept = info.original === "" && key === "signature"
    ? rest
    : { ...rest, [key]: info.original };
  return kept as unknown as ContentBlock;
}

/**
 * Wraps every thinking signature and redacted-thinking data in a non-streaming response with
 * `origin`; returns the response unchanged (the same object) when it carries none.
 */
export function markMessageSignatures<T extends { content?: unknown }>(
  message: T,
  origin: string,
): T {
  if (!Array.isArray(message.content)) return message;
  let changed = false;
  const content = message.content.map((block: Record<string, unknown>) => {
    const marked = markBlock(block, origin);
    if (marked !== block) changed = true;
    return marked;
  });
  return changed ? { ...message, content } : message;
}

/**
 * Wraps the signature carried by one stream event's JSON `data` (a `signature_delta`, or a thinking or
 * redacted-thinking `content_block_start`) with `origin`; undefined when the event carries none.
 * Only the signature's characters change, so padding and key order survive.
 */
export function markEventSignature(data: string, origin: string): string | undefined {
  if (!data.includes("signature") && !data.includes("redacted_thinking")) return undefined;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(data);
  } catch {
    return undefined;
  }
  let holder: Record<string, unknown> | undefined;
  if (event.type === "content_block_delta") holder = event.delta as Record<string, unknown>;
  if (event.type === "content_block_start") holder = event.content_block as Record<string, unknown>;
  if (typeof holder !== "object" || holder === null) return undefined;
  const marked = markBlock(holder, origin);
  if (marked === holder) return undefined;
  const key = holder.type === "redacted_thinking" ? "data" : "signature";
  const before = JSON.stringify(holder[key]);
  const after = JSON.stringify(marked[key]);
  if (data.includes(before)) return data.replace(before, () => after);
  return JSON.stringify({
    ...event,
    [event.type === "content_block_delta" ? "delta" : "content_block"]: marked,
  });
}

/** A block with its signature (or redacted data) wrapped; the same object when there is none. */
function markBlock(block: Record<string, unknown>, origin: string): Record<string, unknown> {
  const key = block.type === "redacted_thinking" ? "data" : "signature";
  const isSigned = block.type === "thinking" || block.type === "signature_delta" ||
    block.type === "redacted_thinking";
  const value = block[key];
  if (!isSigned || typeof value !== "string" || value === "") return block;
  return { ...block, [key]: wrapSignature(origin, value) };
}
