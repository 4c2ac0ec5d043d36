// What a model costs: US dollars per million tokens. Types only.

/** Prices in US dollars per million tokens (`[model_options] price`, the model catalog). */
export interface ModelPrice {
  input: number;
  output: number;
  /** Input read from the provider's prompt cache. */
  cache_read?: number;
  /** Input written to the provider's prompt cache (Anthropic's 5-minute cache, OpenAI's 1.25×). */
  cache_write?: number;
}
