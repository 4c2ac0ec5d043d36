// What kinds of provider there are: the API each speaks, where its key goes, the features it may lack. Types and data only.

/** The API a provider speaks. */
export type ProviderFormat = "openai" | "openai-responses" | "anthropic";

/** How a provider expects its API key. */
export type ApiKeyHeader = "authorization" | "x-api-key" | "api-key";

/**
 * A request feature some Anthropic-format providers lack: a request needing it gets a clear 400,
 * except web search, which the proxy answers from its `[web_search]` backend.
 */
export type ProviderFeature = "images" | "documents" | "tool_choice" | "web_search";

/** Every {@linkcode ProviderFeature}, for validation. */
export const PROVIDER_FEATURES: readonly ProviderFeature[] = [
  "images",
  "documents",
  "tool_choice",
  "web_search",
];
