// Says which key a provider's 401 is about: the variable that is not set, or where the refused key came from. Pure.
import type { ProviderConfig } from "../config/schema.ts";

/**
 * A sentence for an upstream 401: which key the proxy sent (by where it came from, never the key)
 * or that it sent none and what to set. `origin` is the config's origin of the provider's key
 * (`config.origins["providers.NAME.api_key"]`: "env OPENAI_API_KEY", "FILE:LINE", "OpenCode …").
 *
 * @example
 * keyHint({ name: "openai", apiKeyEnv: "OPENAI_API_KEY", ... }, undefined);
 * // 'claude-proxy sent no key to provider "openai": OPENAI_API_KEY is not set'
 */
export function keyHint(provider: ProviderConfig, origin: string | undefined): string {
  const name = `provider "${provider.name}"`;
  if (provider.apiKeyFrom === "client") {
    return `${name} refused the client's own key (api_key_from = "client")`;
  }
  if (provider.apiKey === undefined) {
    return provider.apiKeyEnv
      ? `claude-proxy sent no key to ${name}: ${provider.apiKeyEnv} is not set`
      : `claude-proxy sent no key to ${name}: set api_key_env to the variable that holds it`;
  }
  if (origin?.startsWith("env ")) return `${name} refused the key in ${origin.slice(4)}`;
  if (origin?.startsWith("OpenCode ")) return `${name} refused the key from ${origin}`;
  return `${name} refused the api_key set in ${origin ?? "the config"}`;
}

/** `message` with the key hint appended for a 401 from the provider; other statuses unchanged. */
export function withKeyHint(
  status: number,
  message: string,
  options: { provider: ProviderConfig; origins: Readonly<Record<string, string>> },
): string {
  if (status !== 401) return message;
  const origin = options.origins[`providers.${options.provider.name}.api_key`];
  return `${message} (${keyHint(options.provider, origin)})`;
}

/**
 * An error body with the key hint appended to its `error.message` on a 401 (the body re-serialised,
 * its other fields kept); any other status, or a body without a message, unchanged.
 */
export function withKeyHintInBody(
  status: number,
  body: string,
  options: { provider: ProviderConfig; origins: Readonly<Record<string, string>> },
): string {
  if (status !== 401) return body;
  try {
    const json = JSON.parse(body);
    if (typeof json?.error?.message !== "string") return body;
    json.error.message = withKeyHint(status, json.error.message, options);
    return JSON.stringify(json);
  } catch {
    return body;
  }
}
