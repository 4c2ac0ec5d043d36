// Cleans a Messages request for a provider that speaks the Anthropic API: the fields it rejects, the
// features it lacks, the max_tokens it allows, and thinking blocks signed elsewhere. Pure.
import type { Message, MessagesRequestFields } from "../wire/anthropic_types.ts";
import { checkSupport, type SupportOptions } from "./check_support.ts";
import { dropField } from "./drop_field.ts";
import { restoreSignatures } from "./signature_origin.ts";
import { resolveToolSearch } from "../translate/anthropic/tool_search.ts";

/** Options for {@linkcode cleanAnthropicRequest}. */
export interface CleanOptions extends SupportOptions {
  /**
   * Fields to remove: `key` (top level), `a.b`, `a[].b` (in each element of array `a`), `..key`
   * (anywhere), or `x-anthropic-billing-header` (Claude Code's billing block in `system`).
   */
  dropFields?: readonly string[];
  /** Upper bound for `max_tokens`. */
  maxTokens?: number;
}

/** The cleaned body; `changed` is false when nothing but the model differs from the client's body. */
export interface CleanResult {
  body: MessagesRequestFields;
  changed: boolean;
  /** What was changed, for the request log. */
  changes: string[];
}

/**
 * Prepares a client's Messages body for an Anthropic-format provider without touching what needs no
 * change: the input is never mutated, and untouched parts are shared with it.
 *
 * @example
 * ```ts
 * const { body, changed } = cleanAnthropicRequest(request, {
 *   provider: "deepseek-anthropic",
 *   model: "deepseek-v4-pro",
 *   dropFields: ["context_management", "x-anthropic-billing-header"],
 * });
 * ```
 */
export function cleanAnthropicRequest(
  request: MessagesRequestFields,
  options: CleanOptions,
): CleanResult {
  checkSupport(request, options);
  const changes: string[] = [];
  const resolved = options.unsupported?.includes("tool_search")
    ? resolveToolSearch(request)
    : { request, changes: [] };
  changes.push(...resolved.changes);
  let body: Record<string, unknown> = { ...resolved.request, model: options.model };
  for (const path of options.dropFields ?? []) {
    const { value, count } = dropField(body, path);
    if (count > 0) {
      body = value as Record<string, unknown>;
      changes.push(`dropped ${path}${count > 1 ? ` (${count}×)` : ""}`);
    }
  }
  const tool_choice = body.tool_choice as { type?: string } | undefined;
  if (tool_choice?.type === "auto" && options.unsupported?.includes("tool_choice")) {
    const { tool_choice: _, ...rest } = body;
    body = rest;
    changes.push("dropped tool_choice auto (the provider's default)");
  }
  const cap = options.maxTokens;
  if (cap !== undefined && typeof body.max_tokens === "number" && body.max_tokens > cap) {
    changes.push(`max_tokens capped ${body.max_tokens} → ${cap}`);
    body.max_tokens = cap;
  }
  const messages = body.messages as Message[];
  const signed = restoreSignatures(messages, options.provider);
  if (signed.messages !== messages) {
    body.messages = signed.messages;
    changes.push(...signed.changes);
    if (signed.strippedToolTurn && isThinkingOn(body.thinking)) {
      delete body.thinking;
      changes.push("thinking disabled: the tool turn's thinking came from another provider");
    }
  }
  return { body: body as MessagesRequestFields, changed: changes.length > 0, changes };
}

function isThinkingOn(thinking: unknown): boolean {
  const type = (thinking as { type?: string } | undefined)?.type;
  return type === "enabled" || type === "adaptive";
}
