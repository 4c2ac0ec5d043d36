// Tool search without the provider's help: deferred tools sent once referenced, references as text. Pure.
//
// Claude Code (2.1.337, or older ones with ENABLE_TOOL_SEARCH) sends some tools with
// `defer_loading: true` and a `ToolSearch` tool of its own. A ToolSearch result names the tools it
// loads with `{"type": "tool_reference", "tool_name": …}` blocks. The Anthropic API keeps a
// deferred tool out of the model's context until a reference in the conversation names it; this
// does the same for providers without tool search, from the conversation alone: an unreferenced
// deferred tool is not sent, a referenced one is sent as a plain tool, and each reference becomes
// a line of text the model can read. Anthropic's own search tools (`tool_search_tool_regex_*`,
// `tool_search_tool_bm25_*`) run on Anthropic's servers; without them every deferred tool is sent.
import type { Message, MessagesRequestFields, Tool } from "../../wire/anthropic_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { plural } from "../../util/plural.ts";

/** The request without tool search, and what changed, for the log. */
export interface ResolvedToolSearch<T extends MessagesRequestFields> {
  request: T;
  changes: string[];
}

/** The prefix of the server-side tool search tools' types (`tool_search_tool_regex_20251119`, …). */
const SERVER_TOOL_SEARCH_PREFIX = "tool_search_tool_";

/** The longest tool description quoted in a reference's text. */
export const REFERENCE_DESCRIPTION_CHARS = 300;

/**
 * Resolves tool search in a request for a provider that lacks it: deferred tools that no
 * `tool_reference` names are left out, the others lose `defer_loading`, and every `tool_reference`
 * (in a `tool_result` or on its own) becomes a text block. Returns the same request when it uses
 * no tool search.
 *
 * @example
 * ```ts
 * const { request } = resolveToolSearch(body);
 * // a tool_result [{type: "tool_reference", tool_name: "CronList"}] now reads
 * // [{type: "text", text: 'Tool "CronList" is now available: Lists the scheduled jobs.'}]
 * ```
 */
export function resolveToolSearch<T extends MessagesRequestFields>(
  request: T,
): ResolvedToolSearch<T> {
  const tools = Array.isArray(request.tools) ? request.tools : [];
  const referenced = referencedTools(request.messages);
  const deferred = tools.filter(isDeferred);
  const serverSearch = tools.filter(isServerToolSearch);
  if (deferred.length === 0 && serverSearch.length === 0 && referenced.size === 0) {
    return { request, changes: [] };
  }
  const changes: string[] = [];
  // Anthropic runs its search tools itself: without them, the model could never reach a deferred tool.
  const loadAll = serverSearch.length > 0;
  const kept: Tool[] = [];
  let left = 0;
  for (const tool of tools) {
    if (isServerToolSearch(tool)) continue;
    if (!isDeferred(tool)) kept.push(tool);
    else if (loadAll || referenced.has(tool.name)) kept.push(withoutDeferLoading(tool));
    else left++;
  }
  if (loadAll) {
    changes.push(
      `tool search: ${serverSearch.map((t) => t.type ?? t.name).join(", ")} not available, ` +
        `${plural(deferred.length, "deferred tool")} sent up front`,
    );
  } else if (deferred.length > 0) {
    changes.push(
      `tool search: ${plural(deferred.length - left, "deferred tool")} referenced and sent, ` +
        `${left} left out`,
    );
  }
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const messages = rewriteReferences(request.messages, byName);
  if (messages !== request.messages) changes.push("tool search: tool_reference blocks → text");
  const out: T = { ...request, messages };
  if (kept.length > 0) out.tools = kept;
  else delete out.tools;
  return { request: out, changes };
}

/** The text a `tool_reference` becomes: the tool's name and the start of its description. */
export function toolReferenceText(name: string, tool: Tool | undefined): string {
  if (!tool) return `Tool "${name}" is not available.`;
  const description = firstParagraph(tool.description);
  return description === ""
    ? `Tool "${name}" is now available.`
    : `Tool "${name}" is now available: ${description}`;
}

/** The names every `tool_reference` in the conversation points at. */
function referencedTools(messages: unknown): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(messages)) return names;
  for (const message of messages) {
    if (!isRecord(message) || message.role !== "user" || !Array.isArray(message.content)) continue;
    for (const block of message.content as unknown[]) {
      if (isReference(block)) names.add(block.tool_name);
      if (isRecord(block) && block.type === "tool_result" && Array.isArray(block.content)) {
        for (const inner of block.content as unknown[]) {
          if (isReference(inner)) names.add(inner.tool_name);
        }
      }
    }
  }
  return names;
}

/** The messages with every reference as text; the same array when there is none. */
function rewriteReferences(messages: Message[], tools: Map<string, Tool>): Message[] {
  if (!Array.isArray(messages)) return messages;
  let out: Message[] | undefined;
  messages.forEach((message, i) => {
    const rewritten = rewriteMessage(message, tools);
    if (rewritten === message && !out) return;
    out ??= messages.slice(0, i);
    out.push(rewritten);
  });
  return out ?? messages;
}

function rewriteMessage(message: Message, tools: Map<string, Tool>): Message {
  if (!isRecord(message) || message.role !== "user" || !Array.isArray(message.content)) {
    return message;
  }
  const blocks = message.content as unknown[];
  const rewritten = rewriteBlocks(blocks, tools, true);
  return rewritten === blocks ? message : { ...message, content: rewritten as Message["content"] };
}

/** The blocks with references as text; a `tool_result`'s own blocks too when `outer`. */
function rewriteBlocks(blocks: unknown[], tools: Map<string, Tool>, outer: boolean): unknown[] {
  let out: unknown[] | undefined;
  blocks.forEach((block, i) => {
    let next = block;
    if (isReference(block)) {
      next = { type: "text", text: toolReferenceText(block.tool_name, tools.get(block.tool_name)) };
    } else if (
      outer && isRecord(block) && block.type === "tool_result" && Array.isArray(block.content)
    ) {
      const inner = block.content as unknown[];
      const content = rewriteBlocks(inner, tools, false);
      if (content !== inner) next = { ...block, content };
    }
    if (next === block && !out) return;
    out ??= blocks.slice(0, i);
    out.push(next);
  });
  return out ?? blocks;
}

function isReference(block: unknown): block is { type: "tool_reference"; tool_name: string } {
  return isRecord(block) && block.type === "tool_reference" && typeof block.tool_name === "string";
}

function isDeferred(tool: Tool): boolean {
  return isRecord(tool) && tool.defer_loading === true;
}

function isServerToolSearch(tool: Tool): boolean {
  return isRecord(tool) && typeof tool.type === "string" &&
    tool.type.startsWith(SERVER_TOOL_SEARCH_PREFIX);
}

function withoutDeferLoading(tool: Tool): Tool {
  const { defer_loading: _, ...rest } = tool;
  return rest as Tool;
}

/** The description up to its first blank line, on one line, at most REFERENCE_DESCRIPTION_CHARS. */
function firstParagraph(description: unknown): string {
  if (typeof description !== "string") return "";
  const paragraph = description.trim().split(/\n\s*\n/)[0]!.replace(/\s+/g, " ");
  return paragraph.length <= REFERENCE_DESCRIPTION_CHARS
    ? paragraph
    : `${paragraph.slice(0, REFERENCE_DESCRIPTION_CHARS - 1).trimEnd()}…`;
}
