// POST /v1/messages/count_tokens: the provider counts when it speaks Anthropic or Gemini and can; else a local count.
import { countTokens } from "../count_tokens/tokens.ts";
import { resolveRoute } from "../routing/route.ts";
import { parseJsonObject, readBodyBytes, validateMessagesRequest } from "./body.ts";
import type { AppDeps } from "./deps.ts";
import { gatewayOf } from "./gateway.ts";
import { forwardCountTokens } from "./handlers/anthropic_passthrough.ts";
import { geminiCountTokens } from "./handlers/gemini_count_tokens.ts";

/** Handles `POST /v1/messages/count_tokens`. */
export async function handleCountTokens(request: Request, deps: AppDeps): Promise<Response> {
  const bytes = await readBodyBytes(request, deps.config.maxBodyBytes);
  const text = new TextDecoder().decode(bytes);
  const body = validateMessagesRequest(parseJsonObject(text), { countTokens: true });
  const route = resolveRoute(deps.config, body.model);
  // A key pool spreads counts over its keys too, and skips the keys it set aside.
  const base = deps.fetch ?? fetch;
  const pooled = gatewayOf(deps).fetchFor(route.provider, base);
  const counting = pooled === base ? deps : { ...deps, fetch: pooled };
  if (route.provider.format === "anthropic") {
    const message = { bytes, text, model: body.model, body };
    const forwarded = await forwardCountTokens(request, message, { deps: counting, route });
    if (forwarded) return forwarded;
  }
  if (route.provider.format === "gemini") {
    const counted = await geminiCountTokens(request, { deps: counting, body, route });
    if (counted !== undefined) return Response.json({ input_tokens: counted });
  }
  return Response.json({ input_tokens: await countTokens(body, { signal: request.signal }) });
}
