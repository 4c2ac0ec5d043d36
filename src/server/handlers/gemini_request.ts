// The Gemini request for a route: the provider's history quirks around the translation, the model's options.
import { applyAnthropicQuirks } from "../../quirks/apply_quirks.ts";
import { quirksByName } from "../../quirks/registry.ts";
import { upstreamToolName } from "../../quirks/tool_names.ts";
import type { Route } from "../../routing/route.ts";
import { toGeminiRequest, type TranslatedGeminiRequest } from "../../translate/gemini/request.ts";
import type { MessagesRequest } from "../../wire/anthropic_types.ts";

/** Options for {@linkcode geminiRequest}. */
export interface GeminiRequestOptions {
  route: Route;
  /** Where every change to the request goes (the request log's `changes`). */
  note: (change: string) => void;
  /** For `count_tokens`: no generation settings. */
  countTokens?: boolean;
}

/**
 * Translates `client` for a Gemini-format route: the provider's `anthropicRequest` quirks
 * (`history_repair`), the translation with tool names shortened when the provider has the
 * `tool_names` quirk, and the model's options (max_tokens cap, forced effort).
 */
export function geminiRequest(
  client: MessagesRequest,
  options: GeminiRequestOptions,
): TranslatedGeminiRequest {
  const { route, note } = options;
  const { provider } = route;
  const quirks = quirksByName(provider.quirks);
  const body = applyAnthropicQuirks(quirks, client, {
    provider: provider.name,
    model: route.model,
    note,
  });
  const translated = toGeminiRequest(body, {
    model: route.model,
    providerName: provider.name,
    ...(provider.quirks.includes("tool_names") ? { upstreamToolName } : {}),
    ...(route.options.maxTokens !== undefined ? { maxTokens: route.options.maxTokens } : {}),
    ...(route.options.reasoningEffort ? { forcedEffort: route.options.reasoningEffort } : {}),
    ...(options.countTokens ? { countTokens: true } : {}),
  });
  for (const change of translated.changes) note(change);
  return translated;
}
