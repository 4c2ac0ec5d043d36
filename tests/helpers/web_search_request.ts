// The request Claude Code's WebSearch tool sends (2.1.x): Anthropic's web search server tool, forced.
import type { MessagesRequest, Tool } from "../../src/wire/anthropic_types.ts";

/** The server tool as Claude Code declares it. */
export const CLAUDE_CODE_SEARCH_TOOL: Tool = {
  type: "web_search_20250305",
  name: "web_search",
  max_uses: 8,
};

/** Claude Code's search request for `query`, with `extra` fields over it. */
export function webSearchRequest(
  query: string,
  extra: Partial<MessagesRequest> = {},
): MessagesRequest {
  return {
    model: "claude-sonnet-4-6",
    max_tokens: 32000,
    system: [{ type: "text", text: "You are an assistant for performing a web search tool use" }],
    messages: [{
      role: "user",
      content: [{ type: "text", text: `Perform a web search for the query: ${query}` }],
    }],
    tools: [CLAUDE_CODE_SEARCH_TOOL],
    tool_choice: { type: "tool", name: "web_search" },
    ...extra,
  };
}
