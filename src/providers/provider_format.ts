// What kinds of provider there are: the API each speaks, where its key goes, the features it may lack. Types and data only.

/** The API a provider speaks. */
export type ProviderFormat = "openai" | "openai-responses" | "anthropic" | "gemini";

/** How a provider expects its API key. */
export type ApiKeyHeader = "authorization" | "x-api-key" | "api-key" | "x-goog-api-key";

/**
 * A request feature some Anthropic-format providers lack: a request needing it gets a clear 400,
 * except web search, which the proxy answers from its `[web_search]` backend, and tool search
 * (`defer_loading`, `tool_reference`), which the proxy resolves from the conversation.
 */
export type ProviderFeature = "images" | "documents" | "tool_choice" | "web_search" | "tool_search";

/** Every {@linkcode ProviderFeature}, for validation. */
export const PROVIDER_FEATURES: readonly ProviderFeature[] = [
  "images",
  "documents",
  "tool_choice",
  "web_search",
  "tool_search",
];
