// count_tokens on a Gemini route: Gemini's own :countTokens counts the prompt as it would be sent.
import type { Route } from "../../routing/route.ts";
import { sendUpstream } from "../../upstream/client.ts";
import { geminiUrl, upstreamHeaders } from "../../upstream/target.ts";
import { isRecord } from "../../util/is_record.ts";
import type { CountTokensRequest, MessagesRequest } from "../../wire/anthropic_types.ts";
import type { GeminiCountTokensRequest } from "../../wire/gemini_types.ts";
import { type AppDeps, upstreamOptions } from "../deps.ts";
import { geminiRequest } from "./gemini_request.ts";

/** How long a count may wait for Gemini before the local estimate answers instead. */
const GEMINI_COUNT_TIMEOUT_MS = 10_000;

/** What {@linkcode geminiCountTokens} needs besides the Request. */
export interface GeminiCountContext {
  deps: AppDeps;
  body: CountTokensRequest;
  route: Route;
}

/**
 * Counts a request's input tokens with Gemini's `:countTokens` (contents, system instruction and
 * tools, as `/v1/messages` would send them). Returns undefined when Gemini does not answer with a
 * count within {@linkcode GEMINI_COUNT_TIMEOUT_MS}, in one try: the caller then counts locally. A
 * request that cannot be translated throws its 400, as `/v1/messages` would.
 */
export async function geminiCountTokens(
  request: Request,
  ctx: GeminiCountContext,
): Promise<number | undefined> {
  const { deps, route } = ctx;
  const { provider } = route;
  const translated = geminiRequest(ctx.body as MessagesRequest, {
    route,
    note: () => {},
    countTokens: true,
  });
  const model = route.model.includes("/") ? route.model : `models/${route.model}`;
  const body: GeminiCountTokensRequest = {
    generateContentRequest: { model, ...translated.request },
  };
  const headers = upstreamHeaders(provider, request.headers);
  const options = upstreamOptions(deps, provider, request.signal);
  const waitMs = Math.min(options.timeouts?.firstByteMs ?? Infinity, GEMINI_COUNT_TIMEOUT_MS);
  try {
    const result = await sendUpstream({
      url: geminiUrl(provider, route.model, "countTokens"),
      headers,
      body: JSON.stringify(body),
    }, {
      ...options,
      timeouts: { ...options.timeouts, firstByteMs: waitMs, idleMs: waitMs },
      retry: { attempts: 1 },
    });
    if (!result.response.ok) {
      await result.response.body?.cancel().catch(() => {});
      return undefined;
    }
    const json: unknown = JSON.parse(await result.text());
    const total = isRecord(json) ? json.totalTokens : undefined;
    return typeof total === "number" && Number.isFinite(total) && total >= 0 ? total : undefined;
  } catch (error) {
    if (request.signal.aborted) throw error;
    return undefined;
  }
}
