// Web search requests the route's provider cannot run (Claude Code's WebSearch tool), answered by the
// proxy from the configured search backend as Anthropic answers them: query, results, and a digest.
import type { ProviderConfig } from "../../config/schema.ts";
import { findPreset } from "../../providers/presets.ts";
import type { MessagesRequest, Tool } from "../../wire/anthropic_types.ts";
import { plural } from "../../util/plural.ts";
import {
  forcedWebSearchTool,
  searchDomains,
  type SearchOutcome,
  webSearchMessage,
  webSearchQuery,
} from "../../translate/web_search.ts";
import { searchWeb, WebSearchError } from "../../web_search/search.ts";
import { messageBody } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import type { RouteHandler } from "../handler.ts";
import { messageResponse } from "../message_response.ts";

/** What the answer says when no `[web_search]` table is set up. */
export const NOT_SET_UP =
  'claude-proxy has no search backend set up (add a [web_search] table with backend = "brave", ' +
  '"tavily" or "searxng")';

/**
 * The web search tool when the proxy answers this request itself: the request makes the model
 * search, and the provider cannot (OpenAI formats, or an Anthropic-format provider whose
 * `unsupported` list names `web_search`).
 */
export function proxiedWebSearchTool(
  body: MessagesRequest,
  provider: ProviderConfig,
): Tool | undefined {
  const tool = forcedWebSearchTool(body);
  if (!tool) return undefined;
  if (provider.format !== "anthropic") return tool;
  const unsupported = provider.unsupported ?? findPreset(provider.preset)?.unsupported ?? [];
  return unsupported.includes("web_search") ? tool : undefined;
}

/**
 * Answers a request whose forced web search the provider cannot run: runs the search and answers
 * in the shape Anthropic uses, streamed or whole. No model is called.
 */
export const webSearch: RouteHandler = async (request, ctx) => {
  const { deps, log } = ctx;
  const body = messageBody(ctx.message);
  const tool = forcedWebSearchTool(body);
  if (!tool) throw new TypeError("webSearch handles only requests that force the web search tool");
  const backend = deps.config.webSearch?.backend ?? "none";
  const query = webSearchQuery(body.messages);
  const outcome = await search(deps, { tool, query, signal: request.signal });
  const message = webSearchMessage(outcome, {
    messageId: deps.newId("msg_"),
    toolUseId: deps.newId("srvtoolu_"),
    model: body.model,
    toolName: tool.name,
    query,
    backend,
  });
  log.record.upstream_model = `web search (${backend})`;
  log.note(
    "hits" in outcome
      ? `answered by web search (${backend}): ${plural(outcome.hits.length, "result")}`
      : `web search (${backend}) failed: ${outcome.error}`,
  );
  log.answered({
    stopReason: message.stop_reason,
    usage: { input_tokens: 0, output_tokens: 0 },
    ...("error" in outcome ? { error: { type: outcome.error, message: outcome.detail } } : {}),
  });
  return messageResponse(message, body.stream === true);
};

/** The search's hits, or why there are none (no backend set up, or the backend failed). */
async function search(
  deps: AppDeps,
  options: { tool: Tool; query: string; signal: AbortSignal },
): Promise<SearchOutcome> {
  const settings = deps.config.webSearch;
  if (!settings) return { error: "unavailable", detail: NOT_SET_UP };
  const domains = searchDomains(options.tool);
  try {
    const hits = await searchWeb(settings, options.query, {
      allowedDomains: domains.allowed,
      blockedDomains: domains.blocked,
      signal: options.signal,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    return { hits };
  } catch (err) {
    if (!(err instanceof WebSearchError)) throw err;
    return { error: err.code, detail: err.message };
  }
}
