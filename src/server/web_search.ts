// Web search requests the route's provider cannot run (Claude Code's WebSearch tool), answered by the
// proxy from the configured search backend as Anthropic answers them: query, results, and a digest.
import type { Context } from "hono";
import type { ProviderConfig } from "../config/schema.ts";
import type { RequestLogRecord } from "../log/record.ts";
import { findPreset } from "../providers/presets.ts";
import type { MessagesRequest, MessagesResponse, Tool } from "../wire/anthropic_types.ts";
import { plural } from "../util/plural.ts";
import {
  forcedWebSearchTool,
  searchDomains,
  type SearchOutcome,
  webSearchMessage,
  webSearchQuery,
} from "../translate/web_search.ts";
import { searchWeb, WebSearchError } from "../web_search/search.ts";
import type { AppDeps } from "./deps.ts";

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

/** Runs the search and builds the answer in the shape Anthropic uses (logged here, sent by the caller). */
export async function answerWebSearch(
  c: Context,
  deps: AppDeps,
  ctx: {
    body: MessagesRequest;
    tool: Tool;
    record: RequestLogRecord;
    finish: (status: number, extra?: Partial<RequestLogRecord>) => void;
  },
): Promise<MessagesResponse> {
  const { body, tool, record } = ctx;
  const settings = deps.config.webSearch;
  const backend = settings?.backend ?? "none";
  const query = webSearchQuery(body.messages);
  const domains = searchDomains(tool);
  let outcome: SearchOutcome;
  if (!settings) outcome = { error: "unavailable", detail: NOT_SET_UP };
  else {
    try {
      const hits = await searchWeb(settings, query, {
        allowedDomains: domains.allowed,
        blockedDomains: domains.blocked,
        signal: c.req.raw.signal,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      outcome = { hits };
    } catch (err) {
      if (!(err instanceof WebSearchError)) throw err;
      outcome = { error: err.code, detail: err.message };
    }
  }
  const message = webSearchMessage(outcome, {
    messageId: deps.newId("msg_"),
    toolUseId: deps.newId("srvtoolu_"),
    model: body.model,
    toolName: tool.name,
    query,
    backend,
  });
  record.upstream_model = `web search (${backend})`;
  const change = "hits" in outcome
    ? `answered by web search (${backend}): ${plural(outcome.hits.length, "result")}`
    : `web search (${backend}) failed: ${outcome.error}`;
  record.changes = [...(record.changes ?? []), change];
  ctx.finish(200, {
    stop_reason: message.stop_reason,
    input_tokens: 0,
    output_tokens: 0,
    ...("error" in outcome ? { error_type: outcome.error, error_message: outcome.detail } : {}),
  });
  return message;
}
