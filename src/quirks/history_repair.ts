// Quirk `history_repair`: conversation shapes providers refuse are mended before translation. Pure.
//
// Claude Code histories can hold a `tool_use` with no `tool_result` (the user interrupted), a
// result given twice, or a result whose call is gone (after compaction or a cleared turn).
// OpenAI-compatible providers refuse all three ("No tool output found for tool call call-a.",
// "tool messages must be a response to a preceding message with tool_calls"). Missing results get
// an error result, repeated ones are dropped and orphaned ones become user text. Empty messages
// are dropped and runs of same-role messages joined into one turn (as the Anthropic API reads
// them), so every call is directly followed by its results.
import type {
  ContentBlock,
  Message,
  MessagesRequest,
  TextBlock,
  ToolResultBlock,
} from "../wire/anthropic_types.ts";
import { isRecord, plural } from "./chunk_parts.ts";
import type { Quirk, QuirkContext } from "./quirk.ts";

/** The content of the result added for a tool call that has none. */
export const MISSING_RESULT_TEXT = "Tool call was interrupted: no result was recorded";

interface Counts {
  missing: number;
  duplicate: number;
  orphaned: number;
  merged: number;
  empty: number;
}

/** Mends a request's history; returns the same request when nothing needed mending. */
function repairHistory(req: MessagesRequest, counts: Counts): MessagesRequest {
  const source = Array.isArray(req.messages) ? req.messages : [];
  if (!source.every(isRecord)) return req; // the translator reports malformed messages
  const messages: Message[] = [];
  let callIds: string[] = [];
  for (const message of mergeTurns(source, counts)) {
    if (message.role === "user") {
      messages.push(fixResults(message, callIds, counts));
      callIds = [];
    } else {
      messages.push(message);
      // System messages between a call and its results are transparent.
      if (message.role === "assistant") callIds = toolUseIds(message);
    }
  }
  // A trailing assistant tool call is a prefill the client is continuing: left as it is.
  const changed = Object.values(counts).some((n) => n > 0);
  return changed ? { ...req, messages } : req;
}

/**
 * Drops empty messages and joins runs of user or assistant messages into one turn each, as the
 * Anthropic API reads them (so a call and the results that follow it end up adjacent).
 */
function mergeTurns(source: Message[], counts: Counts): Message[] {
  const out: Message[] = [];
  for (const message of source) {
    if (isEmpty(message.content)) {
      counts.empty++;
      continue;
    }
    const last = out.at(-1);
    if (last && last.role === message.role && message.role !== "system") {
      out[out.length - 1] = { ...last, content: [...blocksOf(last), ...blocksOf(message)] };
      counts.merged++;
    } else out.push(message);
  }
  return out;
}

function blocksOf(message: Message): ContentBlock[] {
  const content = message.content;
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content : [];
}

function isEmpty(content: unknown): boolean {
  if (content === "") return true;
  if (!Array.isArray(content)) return false;
  return content.every((b) => isRecord(b) && b.type === "text" && b.text === "");
}

/** The quirk: answer interrupted calls, drop repeated results, turn orphaned results into text. */
export const historyRepair: Quirk = {
  name: "history_repair",
  summary: "Interrupted tool calls, repeated and orphaned tool results mended in the history",
  anthropicRequest(req: MessagesRequest, ctx: QuirkContext): MessagesRequest {
    const counts: Counts = { missing: 0, duplicate: 0, orphaned: 0, merged: 0, empty: 0 };
    const out = repairHistory(req, counts);
    if (counts.empty > 0) {
      ctx.note(`history_repair: dropped ${plural(counts.empty, "empty message")}`);
    }
    if (counts.merged > 0) {
      ctx.note(`history_repair: merged ${plural(counts.merged, "message")} into the turn before`);
    }
    if (counts.missing > 0) {
      ctx.note(`history_repair: added ${plural(counts.missing, "missing tool result")}`);
    }
    if (counts.duplicate > 0) {
      ctx.note(`history_repair: dropped ${plural(counts.duplicate, "repeated tool result")}`);
    }
    if (counts.orphaned > 0) {
      ctx.note(`history_repair: ${plural(counts.orphaned, "orphaned tool result")} → text`);
    }
    return out;
  },
};

/** A user message with its results matched to `callIds`: missing added, others fixed. */
function fixResults(message: Message, callIds: string[], counts: Counts): Message {
  const content = message.content;
  const blocks: ContentBlock[] = Array.isArray(content) ? content : [];
  if (callIds.length === 0 && !blocks.some(isToolResult)) return message;
  const seen = new Set<string>();
  const kept: ContentBlock[] = [];
  let changed = false;
  for (const block of blocks) {
    if (!isToolResult(block)) {
      kept.push(block);
      continue;
    }
    const id = block.tool_use_id;
    if (seen.has(id)) {
      counts.duplicate++;
      changed = true;
    } else if (!callIds.includes(id)) {
      kept.push(...orphanBlocks(block));
      counts.orphaned++;
      changed = true;
    } else {
      seen.add(id);
      kept.push(block);
    }
  }
  const missing = callIds.filter((id) => !seen.has(id));
  counts.missing += missing.length;
  if (missing.length === 0 && !changed) return message;
  const rest = typeof content === "string" && content !== ""
    ? [{ type: "text", text: content } as TextBlock]
    : kept;
  return { ...message, content: [...missingResults(missing), ...rest] };
}

function missingResults(ids: string[]): ToolResultBlock[] {
  return ids.map((id) => ({
    type: "tool_result",
    tool_use_id: id,
    content: MISSING_RESULT_TEXT,
    is_error: true,
  }));
}

/** An orphaned result as user content: its text with a note, then its images or documents. */
function orphanBlocks(block: ToolResultBlock): ContentBlock[] {
  const inner = typeof block.content === "string"
    ? [{ type: "text", text: block.content } as TextBlock]
    : Array.isArray(block.content)
    ? block.content
    : [];
  const texts = inner.filter((b): b is TextBlock => b?.type === "text").map((b) => b.text);
  const label = block.is_error === true ? "Error from an earlier tool call" : "Earlier tool result";
  const text = `${label} (${block.tool_use_id}):\n${texts.join("\n") || "(no output)"}`;
  return [{ type: "text", text }, ...inner.filter((b) => b?.type !== "text")];
}

function toolUseIds(message: Message): string[] {
  if (!Array.isArray(message.content)) return [];
  const ids: string[] = [];
  for (const block of message.content as unknown[]) {
    if (isRecord(block) && block.type === "tool_use" && typeof block.id === "string") {
      if (!ids.includes(block.id)) ids.push(block.id);
    }
  }
  return ids;
}

function isToolResult(block: unknown): block is ToolResultBlock {
  return isRecord(block) && block.type === "tool_result" && typeof block.tool_use_id === "string";
}
