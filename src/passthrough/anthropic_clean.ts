// Cleans a Messages request for a provider that speaks the Anthropic API: fields it rejects, betas,
// features it lacks, and thinking blocks signed elsewhere; marks the origin of signatures it sends. Pure.
import type { ProviderFeature } from "../config/schema.ts";
import { InvalidRequestError } from "../errors.ts";
import { globMatch } from "../routing/route.ts";
import type { ContentBlock, Message, MessagesRequestFields } from "../wire/anthropic_types.ts";
import { isRecord } from "../util/is_record.ts";
import { BILLING_HEADER_PREFIX } from "../translate/openai/request.ts";
import {
  parseSignature,
  SIGNATURE_PREFIX,
  wrapSignature,
} from "../translate/anthropic/signature.ts";
import { resolveToolSearch } from "../translate/anthropic/tool_search.ts";

/** The `drop_fields` entry that removes Claude Code's billing block from `system`. */
export const BILLING_HEADER_FIELD = "x-anthropic-billing-header";

/** Options for {@linkcode cleanAnthropicRequest}. */
export interface CleanOptions {
  /** The provider the request goes to: only its own wrapped signatures survive, unwrapped. */
  provider: string;
  /** The upstream model name. */
  model: string;
  /**
   * Fields to remove: `key` (top level), `a.b`, `a[].b` (in each element of array `a`), `..key`
   * (anywhere), or `x-anthropic-billing-header` (Claude Code's billing block in `system`).
   */
  dropFields?: readonly string[];
  /**
   * What the provider cannot take: a request that needs it is refused with a 400; tool search is
   * resolved here instead (deferred tools sent once referenced, references as text).
   */
  unsupported?: readonly ProviderFeature[];
  /** Refuse images because of the model's options rather than the provider. */
  modelRefusesImages?: boolean;
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
    const { value, count } = path === BILLING_HEADER_FIELD
      ? dropBillingHeader(body)
      : dropPath(body, path);
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

/** The client's request body: the bytes as received and their text. */
export interface ClientBody {
  text: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();

/**
 * The body to send upstream: the client's own bytes when nothing changed, with only the model
 * swapped in place when it leads the body (as Claude Code sends it), else one `JSON.stringify`.
 * Sending bytes spares `fetch` re-encoding the text (a two-byte string when the request holds any
 * non-ASCII character).
 */
export function upstreamRequestBody(
  client: ClientBody,
  original: { model: string },
  clean: CleanResult,
): string | Uint8Array<ArrayBuffer> {
  if (clean.changed) return JSON.stringify(clean.body);
  return swapLeadingModel(client.bytes, original.model, String(clean.body.model)) ??
    JSON.stringify(clean.body);
}

/**
 * `bytes` with the model that leads them (`{"model":"from"`) replaced by `to`: the same bytes when
 * the two are equal, undefined when the body does not start that way.
 */
export function swapLeadingModel(
  bytes: Uint8Array<ArrayBuffer>,
  from: string,
  to: string,
): Uint8Array<ArrayBuffer> | undefined {
  if (from === to) return bytes;
  const lead = encoder.encode(`{"model":${JSON.stringify(from)}`);
  if (!startsWith(bytes, lead)) return undefined;
  const swapped = encoder.encode(`{"model":${JSON.stringify(to)}`);
  const out = new Uint8Array(swapped.length + bytes.length - lead.length);
  out.set(swapped);
  out.set(bytes.subarray(lead.length), swapped.length);
  return out;
}

const MODEL_LEAD = '{"model":"';

/**
 * The model a body names when it leads the body in plain JSON (`{"model":"…"`, as Claude Code and
 * the SDKs send it, no escape in the name), read without parsing the rest; undefined otherwise.
 *
 * @example
 * leadingModel('{"model":"claude-sonnet-4-5","messages":[]}'); // "claude-sonnet-4-5"
 */
export function leadingModel(text: string): string | undefined {
  if (!text.startsWith(MODEL_LEAD)) return undefined;
  const end = text.indexOf('"', MODEL_LEAD.length);
  if (end === -1) return undefined;
  const model = text.slice(MODEL_LEAD.length, end);
  // An escape or a control character: the name is not written as JSON.stringify writes it.
  return JSON.stringify(model) === `"${model}"` ? model : undefined;
}

/**
 * Whether {@linkcode cleanAnthropicRequest} would leave a body as it is (the model aside) and
 * refuse nothing in it, judged without parsing: the options drop, refuse and cap nothing, and the
 * text holds no signature the proxy wrapped. Such a body can go to the provider as its client's
 * bytes, and the provider alone judges it.
 */
export function passesUnchanged(text: string, options: CleanOptions): boolean {
  return (options.dropFields ?? []).length === 0 && (options.unsupported ?? []).length === 0 &&
    options.modelRefusesImages !== true && options.maxTokens === undefined &&
    !text.includes(SIGNATURE_PREFIX);
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The `anthropic-beta` value without the betas matching `rejected` (globs); undefined if none remain. */
export function filterBetas(header: string, rejected: readonly string[]): string | undefined {
  const kept = header.split(",").map((beta) => beta.trim()).filter((beta) =>
    beta !== "" && !rejected.some((pattern) => globMatch(pattern, beta))
  );
  return kept.length > 0 ? kept.join(",") : undefined;
}

/** Refuses a request that needs a feature the provider lacks, naming where it is needed. */
export function checkSupport(request: MessagesRequestFields, options: CleanOptions): void {
  const unsupported = new Set(options.unsupported ?? []);
  const choice = request.tool_choice as { type?: string } | undefined;
  if (unsupported.has("tool_choice") && choice !== undefined && choice.type !== "auto") {
    throw new InvalidRequestError(
      `tool_choice: provider "${options.provider}" does not support tool_choice ` +
        `(got type ${JSON.stringify(choice.type ?? null)})`,
    );
  }
  const images = unsupported.has("images") || options.modelRefusesImages === true;
  if (!images && !unsupported.has("documents")) return;
  request.messages.forEach((message, i) => {
    if (typeof message.content === "string") return;
    message.content.forEach((block, j) => {
      const kinds = blockKinds(block);
      const path = `messages.${i}.content.${j}`;
      if (images && kinds.has("image")) {
        throw new InvalidRequestError(
          options.modelRefusesImages && !unsupported.has("images")
            ? `${path}: model "${options.model}" does not accept images (model_options images = false)`
            : `${path}: provider "${options.provider}" does not accept images`,
        );
      }
      if (unsupported.has("documents") && kinds.has("document")) {
        throw new InvalidRequestError(
          `${path}: provider "${options.provider}" does not accept documents`,
        );
      }
    });
  });
}

/** The media kinds a block carries, including inside a tool result. */
function blockKinds(block: ContentBlock): Set<string> {
  const kinds = new Set<string>([block.type]);
  if (block.type === "tool_result" && Array.isArray(block.content)) {
    for (const inner of block.content) kinds.add(inner.type);
  }
  return kinds;
}

function isThinkingOn(thinking: unknown): boolean {
  const type = (thinking as { type?: string } | undefined)?.type;
  return type === "enabled" || type === "adaptive";
}

interface Restored {
  messages: Message[];
  changes: string[];
  /** The last assistant turn called tools and lost its thinking. */
  strippedToolTurn: boolean;
}

/**
 * Unwraps thinking signatures (and redacted data) that `provider` made, and drops thinking blocks
 * made elsewhere: a signature is only valid where it was made. Unmarked signatures are left alone.
 */
function restoreSignatures(messages: Message[], provider: string): Restored {
  const dropped = new Map<string, number>();
  let unwrapped = 0;
  let out: Message[] | undefined;
  let strippedToolTurn = false;
  const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");
  for (const [i, message] of messages.entries()) {
    let content: ContentBlock[] | undefined;
    if (message.role === "assistant" && Array.isArray(message.content)) {
      for (const [j, block] of message.content.entries()) {
        const restored = restoreBlock(block, provider);
        if (restored === block) {
          content?.push(block);
          continue;
        }
        content ??= message.content.slice(0, j);
        if (typeof restored === "string") {
          dropped.set(restored, (dropped.get(restored) ?? 0) + 1);
          if (i === lastAssistant) strippedToolTurn = true;
        } else {
          content.push(restored);
          unwrapped++;
        }
      }
    }
    if (content !== undefined) out ??= messages.slice(0, i);
    if (content === undefined) out?.push(message);
    else if (content.length > 0) out?.push({ ...message, content });
  }
  if (out === undefined) return { messages, changes: [], strippedToolTurn: false };
  const last = messages[lastAssistant]?.content;
  strippedToolTurn &&= Array.isArray(last) && last.some((block) => block.type === "tool_use");
  const changes = [...dropped].map(([origin, count]) =>
    `dropped ${count} thinking block${count > 1 ? "s" : ""} signed by "${origin}"`
  );
  if (unwrapped > 0) {
    changes.push(`restored ${unwrapped} thinking signature${unwrapped > 1 ? "s" : ""}`);
  }
  return { messages: out, changes, strippedToolTurn };
}

/** The block as `provider` should see it: unchanged, unwrapped, or the origin's name when it must go. */
function restoreBlock(block: ContentBlock, provider: string): ContentBlock | string {
  if (block.type !== "thinking" && block.type !== "redacted_thinking") return block;
  const key = block.type === "thinking" ? "signature" : "data";
  const record = block as unknown as Record<string, unknown>;
  const info = parseSignature(record[key] as string | undefined);
  if (info === undefined) return block;
  if (info.origin !== provider || info.original === undefined) return info.origin;
  const { [key]: _, ...rest } = record;
  const kept = info.original === "" && key === "signature"
    ? rest
    : { ...rest, [key]: info.original };
  return kept as unknown as ContentBlock;
}

/**
 * Wraps every thinking signature and redacted-thinking data in a non-streaming response with
 * `origin`; returns the response unchanged (the same object) when it carries none.
 */
export function markMessageSignatures<T extends { content?: unknown }>(
  message: T,
  origin: string,
): T {
  if (!Array.isArray(message.content)) return message;
  let changed = false;
  const content = message.content.map((block: Record<string, unknown>) => {
    const marked = markBlock(block, origin);
    if (marked !== block) changed = true;
    return marked;
  });
  return changed ? { ...message, content } : message;
}

/**
 * Wraps the signature carried by one stream event's JSON `data` (a `signature_delta`, or a thinking or
 * redacted-thinking `content_block_start`) with `origin`; undefined when the event carries none.
 * Only the signature's characters change, so padding and key order survive.
 */
export function markEventSignature(data: string, origin: string): string | undefined {
  if (!data.includes("signature") && !data.includes("redacted_thinking")) return undefined;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(data);
  } catch {
    return undefined;
  }
  let holder: Record<string, unknown> | undefined;
  if (event.type === "content_block_delta") holder = event.delta as Record<string, unknown>;
  if (event.type === "content_block_start") holder = event.content_block as Record<string, unknown>;
  if (typeof holder !== "object" || holder === null) return undefined;
  const marked = markBlock(holder, origin);
  if (marked === holder) return undefined;
  const key = holder.type === "redacted_thinking" ? "data" : "signature";
  const before = JSON.stringify(holder[key]);
  const after = JSON.stringify(marked[key]);
  if (data.includes(before)) return data.replace(before, () => after);
  return JSON.stringify({
    ...event,
    [event.type === "content_block_delta" ? "delta" : "content_block"]: marked,
  });
}

/** A block with its signature (or redacted data) wrapped; the same object when there is none. */
function markBlock(block: Record<string, unknown>, origin: string): Record<string, unknown> {
  const key = block.type === "redacted_thinking" ? "data" : "signature";
  const isSigned = block.type === "thinking" || block.type === "signature_delta" ||
    block.type === "redacted_thinking";
  const value = block[key];
  if (!isSigned || typeof value !== "string" || value === "") return block;
  return { ...block, [key]: wrapSignature(origin, value) };
}

/** Copy-on-write removal of a `drop_fields` path; `count` is how many fields went. */
function dropPath(value: unknown, path: string): { value: unknown; count: number } {
  if (path.startsWith("..")) return dropEverywhere(value, path.slice(2));
  return dropAt(value, path.split("."));
}

function dropAt(value: unknown, segments: string[]): { value: unknown; count: number } {
  const [head, ...rest] = segments;
  if (head === undefined || !isRecord(value)) return { value, count: 0 };
  const each = head.endsWith("[]");
  const key = each ? head.slice(0, -2) : head;
  if (!(key in value)) return { value, count: 0 };
  if (rest.length === 0) {
    const { [key]: _, ...others } = value;
    return { value: others, count: 1 };
  }
  const inner = value[key];
  if (!each) {
    const result = dropAt(inner, rest);
    return result.count > 0 ? { value: { ...value, [key]: result.value }, count: result.count } : {
      value,
      count: 0,
    };
  }
  if (!Array.isArray(inner)) return { value, count: 0 };
  let count = 0;
  const items = inner.map((item) => {
    const result = dropAt(item, rest);
    count += result.count;
    return result.value;
  });
  return count > 0 ? { value: { ...value, [key]: items }, count } : { value, count: 0 };
}

function dropEverywhere(value: unknown, key: string): { value: unknown; count: number } {
  if (Array.isArray(value)) {
    let count = 0;
    const items = value.map((item) => {
      const result = dropEverywhere(item, key);
      count += result.count;
      return result.value;
    });
    return count > 0 ? { value: items, count } : { value, count: 0 };
  }
  if (!isRecord(value)) return { value, count: 0 };
  let count = 0;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (name === key) {
      count++;
      continue;
    }
    const result = dropEverywhere(item, key);
    count += result.count;
    out[name] = result.value;
  }
  return count > 0 ? { value: out, count } : { value, count: 0 };
}

/** Removes Claude Code's billing block (`x-anthropic-billing-header: …`) from `system`. */
function dropBillingHeader(body: Record<string, unknown>): { value: unknown; count: number } {
  const system = body.system;
  if (!Array.isArray(system)) return { value: body, count: 0 };
  const kept = system.filter((block) =>
    !(isRecord(block) && typeof block.text === "string" &&
      block.text.startsWith(BILLING_HEADER_PREFIX))
  );
  const count = system.length - kept.length;
  return count > 0 ? { value: { ...body, system: kept }, count } : { value: body, count: 0 };
}
