// The Anthropic SDK pointed at the proxy in front of a mock upstream, for end-to-end tests.
import Anthropic from "@anthropic-ai/sdk";
import { type ProxyStack, type ProxyStackOptions, withProxyStack } from "./proxy.ts";

/**
 * Starts a mock upstream and the proxy in front of it, runs `fn` with an SDK client for the proxy
 * (API key "any", no retries), then closes both.
 *
 * @example
 * await withSdkStack({
 *   upstream: fakeModel(weatherBrain),
 *   config: (url) => testConfig(url, { models: { "claude-test-sonnet": "gpt-4o" } }),
 * }, async (client, { mock }) => {
 *   await client.messages.create({ model: "claude-test-sonnet", max_tokens: 10, messages });
 *   assert.equal(mock.requests.length, 1);
 * });
 */
export function withSdkStack(
  options: ProxyStackOptions,
  fn: (client: Anthropic, stack: ProxyStack) => Promise<void>,
): Promise<void> {
  return withProxyStack(options, (stack) => {
    const client = new Anthropic({ baseURL: stack.proxy.url, apiKey: "any", maxRetries: 0 });
    return fn(client, stack);
  });
}
