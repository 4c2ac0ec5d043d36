// The request an Anthropic-format provider gets: the body cleaned for it (or the client's own bytes),
// its URL, and the key, version and betas it expects.
import type { Config } from "../config/schema.ts";
import { findPreset } from "../providers/presets.ts";
import type { Route } from "../routing/route.ts";
import type { UpstreamRequest } from "../upstream/client.ts";
import { upstreamHeaders, upstreamUrl } from "../upstream/target.ts";
import type { MessagesRequestFields } from "../wire/anthropic_types.ts";
import { cleanAnthropicRequest, type CleanOptions } from "./anthropic_clean.ts";
import { passesUnchanged, swapLeadingModel, upstreamRequestBody } from "./body_bytes.ts";
import { filterBetas } from "./filter_betas.ts";

/** The `anthropic-version` sent when the client names none. */
const DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

/** The client's body: as received, and parsed unless it goes to the provider unparsed. */
export interface PassthroughMessage {
  bytes: Uint8Array<ArrayBuffer>;
  /** The same body as text. */
  text: string;
  /** The model the client asked for. */
  model: string;
  /** The parsed body; undefined when it goes unparsed (see {@linkcode passesUnparsed}). */
  body?: MessagesRequestFields | undefined;
}

/** A request ready for the provider, and what cleaning changed (for the log). */
export interface PassthroughRequest extends UpstreamRequest {
  body: string | Uint8Array<ArrayBuffer>;
  changes: string[];
}

/**
 * Whether a body whose model (`model`, read without parsing) routes to `route` can go to the
 * provider unparsed, as its client sent it (the model aside): the route goes to an
 * Anthropic-format provider whose cleaning would change nothing (see `passesUnchanged`). Parsing a
 * 76 KB body costs more than the rest of the proxy's work on it; the provider validates the body
 * itself, and its errors come back unchanged.
 */
export function passesUnparsed(route: Route, config: Config, text: string): boolean {
  return route.provider.format === "anthropic" &&
    passesUnchanged(text, cleanOptions(route, config));
}

/**
 * Builds the request for `path` (`/v1/messages` or `/v1/messages/count_tokens`): the cleaned body
 * (the client's bytes when nothing changes), the key in the provider's header, the client's
 * `anthropic-version` and the betas the provider accepts.
 */
export function passthroughRequest(
  request: Request,
  message: PassthroughMessage,
  options: { route: Route; config: Config; path: string },
): PassthroughRequest {
  const { route, config, path } = options;
  const { provider } = route;
  const { body, changes } = upstreamBody(message, route, config);
  const headers = upstreamHeaders(provider, request.headers);
  headers["anthropic-version"] = request.headers.get("anthropic-version") ??
    DEFAULT_ANTHROPIC_VERSION;
  const beta = request.headers.get("anthropic-beta");
  if (beta) {
    const rejected = provider.rejectedBetas ?? findPreset(provider.preset)?.rejectedBetas ?? [];
    const kept = filterBetas(beta, rejected);
    if (kept) headers["anthropic-beta"] = kept;
    const removed = beta.split(",").map((b) => b.trim()).filter((b) =>
      b && !kept?.split(",").includes(b)
    );
    if (removed.length > 0) changes.push(`removed anthropic-beta ${removed.join(", ")}`);
  }
  return { url: upstreamUrl(provider, path), headers, body, changes };
}

/** The body to send and what cleaning changed in it (nothing, for an unparsed body). */
function upstreamBody(
  message: PassthroughMessage,
  route: Route,
  config: Config,
): { body: string | Uint8Array<ArrayBuffer>; changes: string[] } {
  if (message.body === undefined) {
    // The model led the bytes when it was read, so the swap finds it; JSON is the safe fallback.
    const swapped = swapLeadingModel(message.bytes, message.model, route.model) ??
      JSON.stringify({ ...JSON.parse(message.text), model: route.model });
    return { body: swapped, changes: [] };
  }
  const clean = cleanAnthropicRequest(message.body, cleanOptions(route, config));
  return { body: upstreamRequestBody(message, message.body, clean), changes: [...clean.changes] };
}

/** How the route's provider and model options clean a body. */
function cleanOptions(route: Route, config: Config): CleanOptions {
  const { provider, options } = route;
  const preset = findPreset(provider.preset);
  return {
    provider: provider.name,
    model: route.model,
    dropFields: [...(provider.dropFields ?? preset?.dropFields ?? []), ...config.drop],
    unsupported: provider.unsupported ?? preset?.unsupported ?? [],
    modelRefusesImages: options.images === false,
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };
}

/** The text of a body sent upstream, for the log. */
export function sentText(body: string | Uint8Array, message: PassthroughMessage): string {
  if (typeof body === "string") return body;
  return body === message.bytes ? message.text : new TextDecoder().decode(body);
}
