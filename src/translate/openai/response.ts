// Translates a non-streaming OpenAI chat completion into an Anthropic message, plus the mappings the stream shares. Pure.
import type {
  MessagesResponse,
  ResponseBlock,
  StopReason,
  Usage,
} from "../../wire/anthropic_types.ts";
import type {
  ChatCompletionResponse,
  ChatResponseMessage,
  ChatUsage,
} from "../../wire/openai_types.ts";
import { toolUseId } from "./ids.ts";
import { isRecord } from "../../util/is_record.ts";
import { UpstreamError } from "../../errors.ts";
import { checkJsonAnswer, type JsonOutputFormat } from "../anthropic/output_format.ts";
import { omittedThinkingSignature } from "../anthropic/signature.ts";
import { cutAtStopSequence } from "../anthropic/stop_sequences.ts";

/** What the caller knows about the request that the upstream response does not carry. */
export interface ResponseContext {
  /** The model the client asked for; echoed back instead of the upstream model. */
  model: string;
  messageId: string;
  /** The signature put on thinking blocks (computed by the caller). */
  signature: string;
  /** Makes a fresh `toolu_…` id for tool calls whose upstream id is missing or unusable. */
  newToolId: () => string;
  /** Send thinking blocks with empty text, the text inside the signature (`display: "omitted"`). */
  omitThinking?: boolean;
  /** Structured output: a whole answer whose text is not JSON matching it is an error. */
  outputFormat?: JsonOutputFormat;
  /** The request's stop sequences: the text ends at the first one, with `stop_reason: "stop_sequence"`. */
  stopSequences?: readonly string[];
  /** Report the reasoning tokens as `usage.output_tokens_details.thinking_tokens`. */
  thinkingTokens?: boolean;
}

/** A run of text or reasoning found in a message's content. */
export interface ContentSegment {
  kind: "text" | "thinking";
  text: string;
}

/**
 * Maps an OpenAI `finish_reason` to an Anthropic `stop_reason`.
 *
 * Tool calls win over `stop` and unknown reasons (some providers say `stop` after calling tools),
 * but not over `length` or `content_filter`; `tool_calls` without any tool call is `end_turn`.
 */
export function mapFinishReason(
  reason: string | null | undefined,
  hasToolCalls: boolean,
): StopReason {
  switch (reason) {
    case "length":
    case "max_tokens":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    default:
      return hasToolCalls ? "tool_use" : "end_turn";
  }
}

/**
 * Maps OpenAI usage to Anthropic usage. Anthropic's `input_tokens` excludes cache reads and
 * writes, so those are subtracted from `prompt_tokens` and reported separately (when non-zero).
 */
export function mapUsage(
  usage: ChatUsage | null | undefined,
  options: { thinkingTokens?: boolean } = {},
): Usage {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const prompt = count(usage.prompt_tokens);
  const cacheRead = cachedPromptTokens(usage);
  const details = usage.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const cacheWrite = count(details?.cache_write_tokens);
  const result: Usage = {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    output_tokens: outputTokens(usage),
  };
  if (cacheRead > 0) result.cache_read_input_tokens = cacheRead;
  if (cacheWrite > 0) result.cache_creation_input_tokens = cacheWrite;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (options.thinkingTokens && typeof reasoning === "number") {
    result.output_tokens_details = { thinking_tokens: count(reasoning) };
  }
  return result;
}

/** Cached prompt tokens from whichever field the provider uses (OpenAI, DeepSeek, Mistral, Together). */
function cachedPromptTokens(usage: ChatUsage): number {
  const fromDetails = usage.prompt_tokens_details?.cached_tokens;
  if (typeof fromDetails === "number") return count(fromDetails);
  for (const key of ["prompt_cache_hit_tokens", "num_cached_tokens", "cached_tokens"]) {
    const value = usage[key];
    if (typeof value === "number") return count(value);
  }
  return 0;
}

/** Completion tokens, plus reasoning tokens when the totals show the provider left them out (xAI). */
function outputTokens(usage: ChatUsage): number {
  const completion = count(usage.completion_tokens);
  const reasoning = count(usage.completion_tokens_details?.reasoning_tokens);
  const total = count(usage.total_tokens);
  const excluded = reasoning > 0 && total === count(usage.prompt_tokens) + completion + reasoning;
  return excluded ? completion + reasoning : completion;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** The reasoning text of a message or delta: `reasoning_content` (DeepSeek, xAI) or `reasoning`. */
export function reasoningText(
  source: { reasoning_content?: unknown; reasoning?: unknown },
): string {
  const { reasoning_content: content, reasoning } = source;
  if (typeof content === "string" && content !== "") return content;
  return typeof reasoning === "string" ? reasoning : "";
}

/** Splits string or Mistral-style array content into ordered text and thinking runs (empty runs dropped). */
export function contentSegments(content: ChatResponseMessage["content"]): ContentSegment[] {
  if (typeof content === "string") return content === "" ? [] : [{ kind: "text", text: content }];
  if (!Array.isArray(content)) return [];
  const segments: ContentSegment[] = [];
  for (const part of content) {
    if (part?.type === "text" && typeof part.text === "string" && part.text !== "") {
      segments.push({ kind: "text", text: part.text });
    } else if (part?.type === "thinking") {
      const text = thinkingPartText(part.thinking);
      if (text !== "") segments.push({ kind: "thinking", text });
    }
  }
  return segments;
}

function thinkingPartText(thinking: unknown): string {
  if (typeof thinking === "string") return thinking;
  if (!Array.isArray(thinking)) return "";
  return thinking
    .map((part) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
}

/**
 * Parses tool-call arguments into an object. Empty or `null` gives `{}`; a JSON object wrapped in
 * a string or in a Markdown code fence is unwrapped; an object (some servers send one instead of
 * its JSON text) is kept; anything else becomes `{ raw_arguments }`.
 */
export function parseToolArguments(raw: unknown): Record<string, unknown> {
  if (isRecord(raw)) return raw;
  if (raw != null && typeof raw !== "string") return { raw_arguments: JSON.stringify(raw) };
  const text = (raw ?? "").trim();
  if (text === "" || text === "null") return {};
  const candidates = [text, stripCodeFence(text)];
  for (const candidate of candidates) {
    let value = tryParseJson(candidate);
    if (typeof value === "string") value = tryParseJson(value.trim());
    if (isRecord(value)) return value;
  }
  return { raw_arguments: raw ?? "" };
}

function stripCodeFence(text: string): string {
  const match = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(text);
  return match?.[1]?.trim() ?? text;
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Translates a non-streaming chat completion (first choice) into an Anthropic message whose
 * content is ordered thinking, text, tool_use and never empty.
 *
 * @example
 * ```ts
 * const message = toAnthropicResponse(completion, {
 *   model: "claude-sonnet-4-5",
 *   messageId: "msg_01",
 *   signature: "sig",
 *   newToolId: () => "toolu_01",
 * });
 * ```
 */
export function toAnthropicResponse(
  res: ChatCompletionResponse,
  ctx: ResponseContext,
): MessagesResponse {
  const choices = Array.isArray(res.choices) ? res.choices : [];
  const choice = choices.find((c) => (c?.index ?? 0) === 0) ?? choices[0];
  const message: ChatResponseMessage = choice?.message ?? {};
  const blocks = messageBlocks(message, ctx);
  const { content, stop } = ctx.stopSequences
    ? stopAtSequence(blocks, ctx.stopSequences)
    : { content: blocks, stop: undefined };
  const hasToolCalls = content.some((block) => block.type === "tool_use");
  if (content.length === 0) content.push({ type: "text", text: "" });
  const stopReason = stop !== undefined
    ? "stop_sequence"
    : mapFinishReason(choice?.finish_reason, hasToolCalls);
  if (ctx.outputFormat && (stopReason === "end_turn" || stopReason === "stop_sequence")) {
    checkAnswer(content, ctx.outputFormat);
  }
  return {
    id: ctx.messageId,
    type: "message",
    role: "assistant",
    model: ctx.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stop ?? null,
    usage: mapUsage(res.usage, ctx.thinkingTokens ? { thinkingTokens: true } : {}),
  };
}

/**
 * Ends the answer at the first stop sequence in its text, as Anthropic would have stopped there:
 * the text is cut before it and the tool calls after it are dropped.
 */
function stopAtSequence(
  blocks: ResponseBlock[],
  sequences: readonly string[],
): { content: ResponseBlock[]; stop?: string } {
  const index = blocks.findIndex((block) => block.type === "text");
  const block = blocks[index];
  if (block?.type !== "text") return { content: blocks };
  const cut = cutAtStopSequence(block.text, sequences);
  if (cut.stop === undefined) return { content: blocks };
  const before = blocks.slice(0, index);
  const content = cut.text === "" ? before : [...before, { ...block, text: cut.text }];
  return { content, stop: cut.stop };
}

/**
 * Checks a whole structured-output answer: its text must be JSON matching the schema, else the
 * answer is an error (502), not passed off as valid; a fenced answer loses its fence in place.
 */
function checkAnswer(content: ResponseBlock[], format: JsonOutputFormat): void {
  const index = content.findIndex((block) => block.type === "text");
  const block = content[index];
  const text = block?.type === "text" ? block.text : "";
  const check = checkJsonAnswer(text, format.schema);
  if (!check.ok) {
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream answer does not match output_config.format: ${check.problem}`,
    );
  }
  if (block?.type === "text" && check.text !== text) {
    content[index] = { ...block, text: check.text };
  }
}

function messageBlocks(message: ChatResponseMessage, ctx: ResponseContext): ResponseBlock[] {
  const segments = contentSegments(message.content);
  const thinking = reasoningText(message) +
    segments.filter((s) => s.kind === "thinking").map((s) => s.text).join("");
  let text = segments.filter((s) => s.kind === "text").map((s) => s.text).join("");
  if (text === "" && typeof message.refusal === "string") text = message.refusal;
  const blocks: ResponseBlock[] = [];
  if (thinking !== "") {
    blocks.push(
      ctx.omitThinking
        ? {
          type: "thinking",
          thinking: "",
          signature: omittedThinkingSignature(ctx.signature, thinking),
        }
        : { type: "thinking", thinking, signature: ctx.signature },
    );
  }
  if (text !== "") blocks.push({ type: "text", text });
  for (const call of message.tool_calls ?? []) {
    if (!call) continue;
    blocks.push({
      type: "tool_use",
      id: toolUseId(call.id, ctx.newToolId),
      name: call.function?.name ?? "",
      input: parseToolArguments(call.function?.arguments),
    });
  }
  return blocks;
}
