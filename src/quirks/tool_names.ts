// Quirk `tool_names`: tool names providers refuse are shortened and mapped back. Pure.
//
// OpenAI and Gemini refuse function names over 64 characters or outside `[a-zA-Z0-9_-]` (Gemini:
// starting with a letter or `_`); Claude Code's MCP tools (`mcp__plugin_<plugin>_<server>__<tool>`)
// overflow. A refused name becomes `<head>_<hash>_<tail>` (or `<name>_<hash>` when only its
// characters are wrong), the hash being of the full name. Without state: the client's own tools
// list gives the mapping both ways on every request and answer.
import { fnv1a } from "../util/hash.ts";
import type { Tool } from "../wire/anthropic_types.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
} from "../wire/openai_types.ts";
import { firstDelta, firstMessage, plural } from "./chunk_parts.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { Quirk, QuirkContext, QuirkResponseContext } from "./quirk.ts";

/** The longest function name OpenAI and Gemini accept. */
export const MAX_TOOL_NAME_LENGTH = 64;

const SAFE_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/;
const HEAD_LENGTH = 20;

/**
 * The name sent upstream for a tool name: the name itself when every provider accepts it, else a
 * deterministic safe name of at most 64 characters that keeps the start and the end.
 *
 * @example
 * ```ts
 * upstreamToolName("mcp__plugin_github_github__create_pull_request_review_comment_reply");
 * // → "mcp__plugin_github_g_<8 hex>_create_pull_request_review_comment_reply" (64 characters)
 * ```
 */
export function upstreamToolName(name: string): string {
  if (SAFE_NAME.test(name)) return name;
  const hash = fnv1a(name);
  let safe = name.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (!/^[a-zA-Z_]/.test(safe)) safe = `_${safe}`;
  if (safe.length + hash.length + 1 <= MAX_TOOL_NAME_LENGTH) return `${safe}_${hash}`;
  const tail = MAX_TOOL_NAME_LENGTH - HEAD_LENGTH - hash.length - 2;
  return `${safe.slice(0, HEAD_LENGTH)}_${hash}_${safe.slice(-tail)}`;
}

/** Upstream name → client name, for the client's tools whose names are changed. */
export function clientToolNames(tools: readonly Tool[] | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const tool of tools ?? []) {
    if (typeof tool?.name !== "string") continue;
    const upstream = upstreamToolName(tool.name);
    if (upstream !== tool.name) names.set(upstream, tool.name);
  }
  return names;
}

/** The quirk: shorten refused names in tools, tool_choice and history; map them back in answers. */
export const toolNames: Quirk = {
  name: "tool_names",
  summary: "Tool names over 64 characters or with refused characters shortened and mapped back",
  request(req: ChatCompletionRequest, ctx: QuirkContext): ChatCompletionRequest {
    const renamed = new Set<string>();
    const rename = (fn: { name: string }) => {
      const upstream = upstreamToolName(fn.name);
      if (upstream === fn.name) return;
      renamed.add(fn.name);
      fn.name = upstream;
    };
    if (req.tools) {
      req.tools = req.tools.map((tool) => {
        const fn = { ...tool.function };
        rename(fn);
        return { ...tool, function: fn };
      });
    }
    const choice = req.tool_choice;
    if (typeof choice === "object") {
      const fn = { ...choice.function };
      rename(fn);
      req.tool_choice = { ...choice, function: fn };
    }
    for (const message of req.messages) {
      if (message.role === "assistant") {
        for (const call of message.tool_calls ?? []) rename(call.function);
      }
    }
    if (renamed.size > 0) ctx.note(`tool_names: shortened ${plural(renamed.size, "tool name")}`);
    return req;
  },
  response(res: ChatCompletionResponse, ctx: QuirkResponseContext): ChatCompletionResponse {
    const names = clientToolNames(ctx.anthropic.tools);
    if (names.size === 0) return res;
    for (const call of firstMessage(res)?.tool_calls ?? []) {
      const client = call?.function?.name ? names.get(call.function.name) : undefined;
      if (client !== undefined) call!.function!.name = client;
    }
    return res;
  },
  chunks(ctx: QuirkResponseContext): ChunkTransform | undefined {
    const names = clientToolNames(ctx.anthropic.tools);
    if (names.size === 0) return undefined;
    return {
      push(chunk: ChatCompletionChunk): ChatCompletionChunk[] {
        const calls = firstDelta(chunk)?.tool_calls;
        for (const call of Array.isArray(calls) ? calls : []) {
          const fn = call?.function;
          const client = typeof fn?.name === "string" ? names.get(fn.name) : undefined;
          if (client !== undefined) fn!.name = client;
        }
        return [chunk];
      },
      flush: () => [],
    };
  },
};
