// Translates an Anthropic Messages request into an OpenAI Chat Completions request. Pure.
import { createHash } from "node:crypto";
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatToolCall,
} from "../../wire/openai_types.ts";
import { toOpenAIContentPart } from "./content_part.ts";
import { effortFor, effortForLevel, isOpenAIReasoningModel, turnEffort } from "./effort.ts";
import { isRecord } from "../../util/is_record.ts";
import {
  type Block,
  blockAt,
  blocksOf,
  countedNotes,
  createRequestState,
  invalid,
  quote,
  type RequestState,
  stringAt,
  textOf,
  unsupportedBlock,
} from "./request_state.ts";
import { toOpenAITools } from "./tools.ts";
import { searchResultsText } from "../web_search.ts";
import { resolveToolSearch } from "../anthropic/tool_search.ts";
import {
  isStrictCompatible,
  type JsonOutputFormat,
  outputFormatOf,
  schemaInstruction,
  schemaName,
  upstreamSchema,
} from "../anthropic/output_format.ts";
import { omittedThinking } from "../anthropic/signature.ts";

import type { StructuredOutputSupport, ToOpenAIRequestOptions } from "./request_options.ts";

export type { StructuredOutputSupport, ToOpenAIRequestOptions };

/** The translated request and human-readable notes on what was changed or dropped, for the log. */
export interface TranslatedRequest {
  request: ChatCompletionRequest;
  changes: string[];
}

/** The leading text of the system block Claude Code uses for billing; never forwarded. */
export const BILLING_HEADER_PREFIX = "x-anthropic-billing-header:";
/** The content of a tool message whose result was empty (providers reject empty tool messages). */
export const EMPTY_TOOL_RESULT = "(no output)";
/** The prefix of a tool message whose result had `is_error: true`. */
export const TOOL_ERROR_PREFIX = "Error: ";
/** OpenAI's length limit for `user`; a longer `metadata.user_id` is sent as its SHA-256 hex digest. */
export const MAX_USER_LENGTH = 64;

/** Assistant block types run by Anthropic's servers; another provider cannot use them. */
const SERVER_BLOCK_TYPES: ReadonlySet<string> = new Set([
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "mcp_tool_use",
  "mcp_tool_result",
  "container_upload",
]);
/** Top-level request fields that are translated; every other field is dropped. */
const TRANSLATED_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "stop_sequences",
  "temperature",
  "top_p",
  "max_tokens",
  "metadata",
  "stream",
]);

type ToolMessage = Extract<ChatMessage, { role: "tool" }>;

/**
 * Translates an Anthropic Messages request into an OpenAI Chat Completions request. The output is
 * built from a whitelist; tool schemas and strings are shared with the input, never copied.
 * Throws an `InvalidRequestError` naming the path of anything it cannot translate.
 *
 * @example
 * ```ts
 * const { request, changes } = toOpenAIRequest(body, { model: "gpt-4o", providerName: "openai" });
 * ```
 */
export function toOpenAIRequest(
  client: MessagesRequest,
  options: ToOpenAIRequestOptions,
): TranslatedRequest {
  const state = createRequestState(options);
  const { request: req, changes: searchChanges } = resolveToolSearch(client);
  state.changes.push(...searchChanges);
  const messages: ChatMessage[] = [];
  const system = joinSystem(req.system, "system", state);
  if (system !== "") messages.push({ role: "system", content: system });
  translateMessages(req.messages, state, messages);
  const request: ChatCompletionRequest = { model: options.model, messages };
  const reasoningModel = options.reasoningModel ?? isOpenAIReasoningModel(options.model);
  copyParameters(req, request, { reasoningModel, state });
  Object.assign(request, toOpenAITools(req, state));
  const consumed = new Set([setReasoningEffort(req, request, { reasoningModel, state })]);
  if (setOutputFormat(outputFormatOf(req), request, state)) {
    consumed.add(req.output_format !== undefined ? "output_format" : "output_config");
  }
  if (consumed.has("output_config")) noteOutputConfig(req, state);
  for (const key in req) {
    if (TRANSLATED_FIELDS.has(key) || consumed.has(key) || req[key] === undefined) continue;
    state.changes.push(`dropped ${key}`);
  }
  applyDrop(request, options.drop, state);
  state.changes.push(...countedNotes(state));
  return { request, changes: state.changes };
}

function translateMessages(messages: unknown, state: RequestState, out: ChatMessage[]): void {
  if (!Array.isArray(messages)) throw invalid("messages", "expected an array of messages");
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const path = `messages.${i}`;
    if (!isRecord(message)) throw invalid(path, "expected a message object");
    if (message.role === "user") translateUser(message.content, path, state, out);
    else if (message.role === "assistant") translateAssistant(message.content, path, state, out);
    else if (message.role === "system") {
      const content = joinSystem(message.content, `${path}.content`, state);
      if (content === "") state.counts.emptyMessage++;
      else out.push({ role: "system", content });
    } else throw invalid(`${path}.role`, `unsupported role ${quote(message.role)}`);
  }
}

/** Joins a system prompt (a string or text blocks) with blank lines, removing the billing header. */
function joinSystem(system: unknown, path: string, state: RequestState): string {
  if (system === undefined || typeof system === "string") return system ?? "";
  if (!Array.isArray(system)) throw invalid(path, "expected a string or an array of text blocks");
  const texts: string[] = [];
  for (let i = 0; i < system.length; i++) {
    const text = textOf(blockAt(system, i, `${path}.${i}`, state), `${path}.${i}`);
    if (text.startsWith(BILLING_HEADER_PREFIX)) state.changes.push("removed billing header");
    else if (text !== "") texts.push(text);
  }
  return texts.join("\n\n");
}

/** Emits tool messages for `tool_result` blocks first, then one user message for everything else. */
function translateUser(
  content: unknown,
  path: string,
  state: RequestState,
  out: ChatMessage[],
): void {
  if (typeof content === "string") {
    if (content === "") state.counts.emptyMessage++;
    else out.push({ role: "user", content });
    return;
  }
  const blocks = blocksOf(content, `${path}.content`);
  const parts: ChatContentPart[] = [];
  const attachments: ChatContentPart[] = [];
  let toolResults = 0;
  for (let j = 0; j < blocks.length; j++) {
    const blockPath = `${path}.content.${j}`;
    const block = blockAt(blocks, j, blockPath, state);
    if (block.type === "tool_result") {
      out.push(toolMessage(block, blockPath, state, attachments));
      toolResults++;
    } else if (block.type === "text") {
      const text = textOf(block, blockPath);
      if (text === "") state.counts.emptyText++;
      else parts.push({ type: "text", text });
    } else {
      parts.push(toOpenAIContentPart(block, { path: blockPath, state, where: "a user message" }));
    }
  }
  const all = attachments.length === 0 ? parts : attachments.concat(parts);
  if (all.length > 0) out.push({ role: "user", content: collapse(all) });
  else if (toolResults === 0) state.counts.emptyMessage++;
}

/**
 * Turns a `tool_result` block into a tool message. Images and PDFs inside it go to `attachments`,
 * which the caller sends in a user message after the tool messages; the tool message says so.
 */
function toolMessage(
  block: Block,
  path: string,
  state: RequestState,
  attachments: ChatContentPart[],
): ToolMessage {
  const id = block.tool_use_id;
  if (typeof id !== "string" || id === "") {
    throw invalid(`${path}.tool_use_id`, "expected a string");
  }
  const texts: string[] = [];
  const files: ChatContentPart[] = [];
  if (typeof block.content === "string") texts.push(block.content);
  else if (block.content !== undefined && block.content !== null) {
    const inner = blocksOf(block.content, `${path}.content`);
    for (let k = 0; k < inner.length; k++) {
      const innerPath = `${path}.content.${k}`;
      const part = toOpenAIContentPart(blockAt(inner, k, innerPath, state), {
        path: innerPath,
        state,
        where: "a tool_result",
      });
      if (part.type === "text") texts.push(part.text);
      else files.push(part);
    }
  }
  let text = texts.filter((t) => t !== "").join("\n");
  if (files.length > 0) {
    const noun = files.every((part) => part.type === "image_url") ? "image" : "attachment";
    const count = files.length === 1 ? "" : `${files.length} `;
    const note = `(${count}${noun}${files.length === 1 ? "" : "s"} attached below)`;
    text = text === "" ? note : `${text}\n${note}`;
    attachments.push({ type: "text", text: `Attached from tool result ${id}:` }, ...files);
    state.counts.toolAttachment += files.length;
  }
  if (text === "") text = EMPTY_TOOL_RESULT;
  if (block.is_error === true) text = TOOL_ERROR_PREFIX + text;
  return { role: "tool", tool_call_id: id, content: text };
}

/** Joins text blocks into `content`, tool_use into `tool_calls`, thinking into `reasoning_content`. */
function translateAssistant(
  content: unknown,
  path: string,
  state: RequestState,
  out: ChatMessage[],
) {
  if (typeof content === "string") {
    if (content === "") state.counts.emptyMessage++;
    else out.push({ role: "assistant", content });
    return;
  }
  const blocks = blocksOf(content, `${path}.content`);
  const texts: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  const reasoning: string[] = [];
  const keepThinking = state.options.reasoningHistory ?? false;
  for (let j = 0; j < blocks.length; j++) {
    const blockPath = `${path}.content.${j}`;
    const block = blockAt(blocks, j, blockPath, state);
    if (block.type === "text") {
      const text = textOf(block, blockPath);
      if (text === "") state.counts.emptyText++;
      else texts.push(text);
    } else if (block.type === "tool_use") toolCalls.push(toolCall(block, blockPath));
    else if (block.type === "thinking") {
      let thinking = stringAt(block, "thinking", blockPath);
      if (thinking === "" && typeof block.signature === "string") {
        thinking = omittedThinking(block.signature) ?? "";
      }
      if (keepThinking) reasoning.push(thinking);
      state.counts[keepThinking ? "thinkingKept" : "thinkingDropped"]++;
    } else if (block.type === "redacted_thinking") state.counts.redactedThinking++;
    else if (block.type === "web_search_tool_result") {
      // What a search found stays in the conversation, as text the model can read.
      texts.push(searchResultsText(block.content));
      state.counts.searchResults++;
    } else if (SERVER_BLOCK_TYPES.has(block.type)) state.counts.serverBlock++;
    else throw unsupportedBlock(block, blockPath, "an assistant message");
  }
  if (texts.length === 0 && toolCalls.length === 0) {
    state.counts.emptyMessage++;
    return;
  }
  const message: ChatMessage = { role: "assistant", content: texts.join("\n\n") || null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join("\n\n");
  out.push(message);
}

function toolCall(block: Block, path: string): ChatToolCall {
  const id = stringAt(block, "id", path);
  if (id === "") throw invalid(`${path}.id`, "expected a non-empty string");
  const name = stringAt(block, "name", path);
  return { id, type: "function", function: { name, arguments: JSON.stringify(block.input ?? {}) } };
}

function copyParameters(
  req: MessagesRequest,
  out: ChatCompletionRequest,
  { reasoningModel, state }: { reasoningModel: boolean; state: RequestState },
): void {
  if (typeof req.max_tokens === "number") {
    if (reasoningModel) out.max_completion_tokens = req.max_tokens;
    else out.max_tokens = req.max_tokens;
  }
  for (const key of ["temperature", "top_p"] as const) {
    if (typeof req[key] !== "number") continue;
    if (reasoningModel) state.changes.push(`dropped ${key} (reasoning model)`);
    else out[key] = req[key];
  }
  if (Array.isArray(req.stop_sequences) && req.stop_sequences.length > 0) {
    // OpenAI's reasoning models refuse `stop` ("Unsupported parameter"); the answer is cut instead.
    if (isOpenAIReasoningModel(state.options.model)) {
      state.changes.push("stop_sequences applied to the answer (the model takes no stop)");
    } else out.stop = req.stop_sequences;
  }
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  const userId = isRecord(req.metadata) ? req.metadata.user_id : undefined;
  if (typeof userId !== "string" || userId === "") return;
  if (userId.length <= MAX_USER_LENGTH) out.user = userId;
  else {
    out.user = createHash("sha256").update(userId).digest("hex");
    state.changes.push(`hashed metadata.user_id into user (longer than ${MAX_USER_LENGTH})`);
  }
}

/** Sets `reasoning_effort` when the options ask for it; returns the request field it came from. */
function setReasoningEffort(
  req: MessagesRequest,
  out: ChatCompletionRequest,
  { reasoningModel, state }: { reasoningModel: boolean; state: RequestState },
): string | undefined {
  const { sendReasoningEffort = reasoningModel, maxEffort } = state.options;
  if (!sendReasoningEffort) return undefined;
  const options = maxEffort === undefined ? {} : { maxEffort };
  const effort = effortFor(req, options);
  if (effort === undefined) return undefined;
  out.reasoning_effort = effort;
  const turn = turnEffort(req.messages);
  if (turn !== undefined && effortForLevel(turn, options) !== undefined) {
    state.changes.push(`this turn's output_config.effort → reasoning_effort ${effort}`);
    return "output_config";
  }
  if (effortForLevel(req.output_config?.effort, options) === undefined) {
    state.changes.push(`thinking → reasoning_effort ${effort}`);
    return "thinking";
  }
  state.changes.push(`output_config.effort → reasoning_effort ${effort}`);
  return "output_config";
}

/** Notes the parts of `output_config` that have no translation (effort and format have one). */
function noteOutputConfig(req: MessagesRequest, state: RequestState): void {
  for (const key in req.output_config) {
    if (key !== "effort" && key !== "format") state.changes.push(`dropped output_config.${key}`);
  }
}

/**
 * Asks for structured output the way the provider takes it (see `structuredOutput`); returns
 * whether the request asked for any.
 */
function setOutputFormat(
  format: JsonOutputFormat | undefined,
  out: ChatCompletionRequest,
  state: RequestState,
): boolean {
  if (!format) return false;
  const support = state.options.structuredOutput ?? "json_schema";
  if (support === "json_schema") {
    const strict = isStrictCompatible(format.schema);
    const schema = upstreamSchema(format.schema);
    out.response_format = {
      type: "json_schema",
      json_schema: { name: schemaName(format.schema), schema, strict },
    };
    state.changes.push(
      `output_config.format → response_format json_schema${strict ? " (strict)" : ""}`,
    );
    return true;
  }
  const instruction = schemaInstruction(format.schema);
  const first = out.messages[0];
  if (first?.role === "system") first.content = `${first.content}\n\n${instruction}`;
  else out.messages.unshift({ role: "system", content: instruction });
  if (support === "json_object") out.response_format = { type: "json_object" };
  state.changes.push(
    support === "json_object"
      ? "output_config.format → response_format json_object, the schema in the system prompt"
      : "output_config.format → the schema in the system prompt",
  );
  return true;
}

/** Removes the configured fields from the output; `model` and `messages` are never removed. */
function applyDrop(
  out: ChatCompletionRequest,
  drop: string[] | undefined,
  state: RequestState,
): void {
  for (const field of drop ?? []) {
    if (field === "model" || field === "messages") {
      state.changes.push(`kept ${field}: required fields cannot be dropped`);
    } else if (field in out) {
      delete out[field];
      state.changes.push(`dropped ${field} (config)`);
    }
  }
}

function collapse(parts: ChatContentPart[]): string | ChatContentPart[] {
  const only = parts.length === 1 ? parts[0] : undefined;
  return only?.type === "text" ? only.text : parts;
}
