// What a request cost: its tokens at the route's prices (USD per million tokens). Pure.
import type { ModelPrice } from "../providers/model_price.ts";

/** A request's tokens, as Anthropic counts them: `input` excludes cache reads and writes. */
export interface TokenCounts {
  input?: number | undefined;
  output?: number | undefined;
  cache_read?: number | undefined;
  cache_write?: number | undefined;
}

/**
 * The cost in US dollars of `tokens` at `price`. Cache reads and writes are counted apart, at
 * their own prices; a price the model lacks for them counts them as input (an upper bound for
 * reads, which are cheaper everywhere).
 *
 * @example
 * requestCost({ input: 1000, output: 200, cache_read: 50_000 }, { input: 2.5, output: 15, cache_read: 0.25 });
 * // 0.018 (0.0025 + 0.003 + 0.0125)
 */
export function requestCost(tokens: TokenCounts, price: ModelPrice): number {
  // Tokens × dollars per million tokens: millionths of a dollar.
  const micro = (tokens.input ?? 0) * price.input +
    (tokens.output ?? 0) * price.output +
    (tokens.cache_read ?? 0) * (price.cache_read ?? price.input) +
    (tokens.cache_write ?? 0) * (price.cache_write ?? price.input);
  // Rounded to 1e-10 dollars: no float noise (0.30000000000000004) in the log.
  return Math.round(micro * 1e4) / 1e10;
}
