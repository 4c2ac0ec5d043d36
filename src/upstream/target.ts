// Builds the upstream URL and headers for a provider: auth in the header it expects, extra headers. Pure.
import type { ProviderConfig } from "../config/schema.ts";
import { AuthenticationError } from "../errors.ts";
import { VERSION } from "../version.ts";

/** The upstream URL for `path` (e.g. "/chat/completions") with the provider's fixed query. */
export function upstreamUrl(provider: ProviderConfig, path: string): string {
  const query = new URLSearchParams(provider.query).toString();
  return `${provider.baseUrl}${path}${query ? (path.includes("?") ? "&" : "?") + query : ""}`;
}

/** A Gemini API method on a model. */
export type GeminiMethod = "generateContent" | "streamGenerateContent" | "countTokens";

/**
 * The URL of a Gemini method for `model`: `{base}/v1beta/models/{model}:{method}`, with `alt=sse`
 * for streams and the provider's fixed query. A base that already ends in an API version
 * (`/v1beta`, `/v1`) keeps it; a model written with its collection (`models/…`, `tunedModels/…`)
 * keeps it too.
 */
export function geminiUrl(provider: ProviderConfig, model: string, method: GeminiMethod): string {
  const version = /\/v\d+(?:alpha|beta)?\d*$/.test(provider.baseUrl) ? "" : "/v1beta";
  const name = model.includes("/") ? model : `models/${model}`;
  const path = name.split("/").map(encodeURIComponent).join("/");
  const query = method === "streamGenerateContent" ? "?alt=sse" : "";
  return upstreamUrl(provider, `${version}/${path}:${method}${query}`);
}

/** The key a client sent, from x-api-key or Authorization: Bearer. */
export function clientKey(headers: Headers): string | undefined {
  const apiKey = headers.get("x-api-key");
  if (apiKey) return apiKey;
  const auth = headers.get("authorization");
  const match = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return match?.[1]?.trim() || undefined;
}

/** Headers for an upstream request: content type, auth, user agent and the provider's extras. */
export function upstreamHeaders(
  provider: ProviderConfig,
  clientHeaders: Headers,
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": `claude-proxy/${VERSION}`,
  };
  const key = provider.apiKeyFrom === "client" ? clientKey(clientHeaders) : provider.apiKey;
  if (key) {
    if (provider.apiKeyHeader === "authorization") headers.authorization = `Bearer ${key}`;
    else headers[provider.apiKeyHeader] = key;
  } else if (provider.apiKeyFrom === "client") {
    throw new AuthenticationError(
      `Provider "${provider.name}" forwards the client's key, but the request carried none (send x-api-key)`,
    );
  }
  for (const [name, value] of Object.entries(provider.headers)) headers[name.toLowerCase()] = value;
  return headers;
}
