// Translates an Anthropic Messages request into an OpenAI Chat Completions request. Pure.
import { createHash } from "node:crypto";
import { InvalidRequestError } from "../errors.ts";
import type { MessagesRequest } from "./anthropic_types.ts";
import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatTool,
  ChatToolCall,
  ChatToolChoice,
} from "./openai_types.ts";
import { effortFor, effortForLevel, isOpenAIReasoningModel } from "./effort.ts";

/** Options for {@linkcode toOpenAIRequest}. */
export interface ToOpenAIRequestOptions {
  /** The upstream model name (already routed). */
  model: string;
  /** Send `max_completion_tokens` and no `temperature`/`top_p`. Default: `isOpenAIReasoningModel(model)`. */
  reasoningModel?: boolean;
  /** Set `reasoning_effort` when the request asks for thinking or effort. Default: `reasoningModel`. */
  sendReasoningEffort?: boolean;
  /** The highest effort the upstream accepts; Anthropic `max` maps to it. Default "high". */
  maxEffort?: "high" | "xhigh";
  /** Send assistant thinking blocks back as `reasoning_content` (DeepSeek requires it). Default false. */
  reasoningHistory?: boolean;
  /** Send base64 PDF documents as `file` parts; when false they are refused. Default false. */
  supportsDocuments?: boolean;
  /** The provider name, for error messages. */
  providerName?: string;
  /** Top-level OpenAI fields removed from the output after translation (the config's `[params] drop`). */
  drop?: string[];
}

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
/** Tool fields that are translated, or expected and not needed (`type`, `cache_control`). */
const TOOL_FIELDS: ReadonlySet<string> = new Set([
  "name",
  "description",
  "input_schema",
  "type",
  "cache_control",
]);

const COUNTED_NOTES = {
  emptyText: (n: number) => `dropped ${plural(n, "empty text block")}`,
  emptyMessage: (n: number) => `dropped ${plural(n, "empty message")}`,
  thinkingDropped: (n: number) => `dropped ${plural(n, "thinking block")}`,
  thinkingKept: (n: number) => `${plural(n, "thinking block")} → reasoning_content`,
  redactedThinking: (n: number) => `dropped ${plural(n, "redacted_thinking block")}`,
  serverBlock: (n: number) => `dropped ${plural(n, "server tool block")}`,
  toolAttachment: (n: number) => `moved ${plural(n, "tool result attachment")} into a user message`,
  cacheControl: (n: number) => `dropped ${plural(n, "cache_control marker")}`,
};
type Counter = keyof typeof COUNTED_NOTES;

interface State {
  options: ToOpenAIRequestOptions;
  changes: string[];
  counts: Record<Counter, number>;
}

type Json = Record<string, unknown>;
type Block = Json & { type: string };
type ToolMessage = Extract<ChatMessage, { role: "tool" }>;

/**
 * Translates an Anthropic Messages request into an OpenAI Chat Completions request. The output is
 * built from a whitelist; tool schemas and strings are shared with the input, never copied.
 * Throws {@linkcode InvalidRequestError} naming the path of anything it cannot translate.
 *
 * @example
 * ```ts
 * const { request, changes } = toOpenAIRequest(body, { model: "gpt-4o", providerName: "openai" });
 * ```
 */
export function toOpenAIRequest(
  req: MessagesRequest,
  options: ToOpenAIRequestOptions,
): TranslatedRequest {
  const counts = Object.fromEntries(Object.keys(COUNTED_NOTES).map((key) => [key, 0]));
  const state: State = { options, changes: [], counts: counts as Record<Counter, number> };
  const messages: ChatMessage[] = [];
  const system = joinSystem(req.system, "system", state);
  if (system !== "") messages.push({ role: "system", content: system });
  translateMessages(req.messages, state, messages);
  const request: ChatCompletionRequest = { model: options.model, messages };
  const reasoningModel = options.reasoningModel ?? isOpenAIReasoningModel(options.model);
  copyParameters(req, request, { reasoningModel, state });
  translateToolFields(req, request, state);
  const consumed = setReasoningEffort(req, request, { reasoningModel, state });
  for (const key in req) {
    if (TRANSLATED_FIELDS.has(key) || key === consumed || req[key] === undefined) continue;
    state.changes.push(`dropped ${key}`);
  }
  applyDrop(request, options.drop, state);
  for (const key of Object.keys(COUNTED_NOTES) as Counter[]) {
    if (state.counts[key] > 0) state.changes.push(COUNTED_NOTES[key](state.counts[key]));
  }
  return { request, changes: state.changes };
}

function translateMessages(messages: unknown, state: State, out: ChatMessage[]): void {
  if (!Array.isArray(messages)) throw invalid("messages", "expected an array of messages");
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const path = `messages.${i}`;
    if (!isObject(message)) throw invalid(path, "expected a message object");
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
function joinSystem(system: unknown, path: string, state: State): string {
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
function translateUser(content: unknown, path: string, state: State, out: ChatMessage[]): void {
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
    } else if (block.type === "image") parts.push(imagePart(block, blockPath));
    else if (block.type === "document") parts.push(documentPart(block, blockPath, state));
    else throw unsupportedBlock(block, blockPath, "a user message");
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
  state: State,
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
      const part = toolResultPart(blockAt(inner, k, innerPath, state), innerPath, state);
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

function toolResultPart(block: Block, path: string, state: State): ChatContentPart {
  if (block.type === "text") return { type: "text", text: textOf(block, path) };
  if (block.type === "image") return imagePart(block, path);
  if (block.type === "document") return documentPart(block, path, state);
  throw unsupportedBlock(block, path, "a tool_result");
}

/** Joins text blocks into `content`, tool_use into `tool_calls`, thinking into `reasoning_content`. */
function translateAssistant(content: unknown, path: string, state: State, out: ChatMessage[]) {
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
      const thinking = stringAt(block, "thinking", blockPath);
      if (keepThinking) reasoning.push(thinking);
      state.counts[keepThinking ? "thinkingKept" : "thinkingDropped"]++;
    } else if (block.type === "redacted_thinking") state.counts.redactedThinking++;
    else if (SERVER_BLOCK_TYPES.has(block.type)) state.counts.serverBlock++;
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

function imagePart(block: Block, path: string): ChatContentPart {
  const source = objectAt(block, "source", path);
  if (source.type === "base64") {
    return { type: "image_url", image_url: { url: dataUrl(source, `${path}.source`) } };
  }
  if (source.type === "url") {
    return { type: "image_url", image_url: { url: stringAt(source, "url", `${path}.source`) } };
  }
  throw invalid(`${path}.source.type`, `unsupported image source type ${quote(source.type)}`);
}

/** Text documents become text parts; base64 PDFs become `file` parts when the provider takes them. */
function documentPart(block: Block, path: string, state: State): ChatContentPart {
  const source = objectAt(block, "source", path);
  const title = typeof block.title === "string" && block.title !== "" ? block.title : undefined;
  if (source.type === "text" || source.type === "content") {
    const text = documentText(source, `${path}.source`, state);
    return { type: "text", text: title === undefined ? text : `${title}\n\n${text}` };
  }
  if (!(state.options.supportsDocuments ?? false)) {
    const name = state.options.providerName;
    const provider = name === undefined ? "the upstream provider" : `provider ${quote(name)}`;
    throw invalid(path, `documents are not supported by ${provider}`);
  }
  if (source.type !== "base64") {
    throw invalid(`${path}.source.type`, `unsupported document source type ${quote(source.type)}`);
  }
  const fileData = dataUrl(source, `${path}.source`);
  return { type: "file", file: { filename: title ?? "document.pdf", file_data: fileData } };
}

function documentText(source: Json, path: string, state: State): string {
  if (source.type === "text") return stringAt(source, "data", path);
  if (typeof source.content === "string") return source.content;
  const blocks = blocksOf(source.content, `${path}.content`);
  const texts: string[] = [];
  for (let k = 0; k < blocks.length; k++) {
    const blockPath = `${path}.content.${k}`;
    texts.push(textOf(blockAt(blocks, k, blockPath, state), blockPath));
  }
  return texts.join("\n\n");
}

function dataUrl(source: Json, path: string): string {
  return `data:${stringAt(source, "media_type", path)};base64,${stringAt(source, "data", path)}`;
}

/** Sets `tools`, `tool_choice` and `parallel_tool_calls`; leaves all three out when no tool is sent. */
function translateToolFields(req: MessagesRequest, out: ChatCompletionRequest, state: State) {
  const tools = translateTools(req.tools, state);
  const choice: unknown = req.tool_choice;
  if (tools.length === 0) {
    if (choice !== undefined) state.changes.push("dropped tool_choice (no tools sent)");
    return;
  }
  out.tools = tools;
  if (choice === undefined) return;
  if (!isObject(choice)) throw invalid("tool_choice", "expected an object");
  let mapped: ChatToolChoice;
  if (choice.type === "auto") mapped = "auto";
  else if (choice.type === "any") mapped = "required";
  else if (choice.type === "none") mapped = "none";
  else if (choice.type === "tool") {
    const name = stringAt(choice, "name", "tool_choice");
    if (!tools.some((tool) => tool.function.name === name)) {
      state.changes.push(`dropped tool_choice: tool ${quote(name)} is not sent`);
      return;
    }
    mapped = { type: "function", function: { name } };
  } else throw invalid("tool_choice.type", `unsupported tool_choice type ${quote(choice.type)}`);
  out.tool_choice = mapped;
  if (choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
}

function translateTools(tools: unknown, state: State): ChatTool[] {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) throw invalid("tools", "expected an array of tools");
  const out: ChatTool[] = [];
  const stripped = new Set<string>();
  for (let i = 0; i < tools.length; i++) {
    const tool: unknown = tools[i];
    if (!isObject(tool)) throw invalid(`tools.${i}`, "expected a tool object");
    const name = stringAt(tool, "name", `tools.${i}`);
    if (tool.cache_control !== undefined) state.counts.cacheControl++;
    const parameters = tool.input_schema;
    if (!isObject(parameters)) {
      const kind = typeof tool.type === "string" ? ` (${tool.type})` : "";
      state.changes.push(`dropped server tool ${quote(name)}${kind}`);
      continue;
    }
    for (const key in tool) if (!TOOL_FIELDS.has(key)) stripped.add(key);
    const description = tool.description;
    const fn: ChatTool["function"] = typeof description === "string"
      ? { name, description, parameters }
      : { name, parameters };
    out.push({ type: "function", function: fn });
  }
  if (stripped.size > 0) state.changes.push(`dropped tool fields ${[...stripped].join(", ")}`);
  return out;
}

function copyParameters(
  req: MessagesRequest,
  out: ChatCompletionRequest,
  { reasoningModel, state }: { reasoningModel: boolean; state: State },
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
    out.stop = req.stop_sequences;
  }
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  const userId = isObject(req.metadata) ? req.metadata.user_id : undefined;
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
  { reasoningModel, state }: { reasoningModel: boolean; state: State },
): string | undefined {
  const { sendReasoningEffort = reasoningModel, maxEffort } = state.options;
  if (!sendReasoningEffort) return undefined;
  const options = maxEffort === undefined ? {} : { maxEffort };
  const effort = effortFor(req, options);
  if (effort === undefined) return undefined;
  out.reasoning_effort = effort;
  if (effortForLevel(req.output_config?.effort, options) === undefined) {
    state.changes.push(`thinking → reasoning_effort ${effort}`);
    return "thinking";
  }
  state.changes.push(`output_config.effort → reasoning_effort ${effort}`);
  for (const key in req.output_config) {
    if (key !== "effort") state.changes.push(`dropped output_config.${key}`);
  }
  return "output_config";
}

/** Removes the configured fields from the output; `model` and `messages` are never removed. */
function applyDrop(out: ChatCompletionRequest, drop: string[] | undefined, state: State): void {
  for (const field of drop ?? []) {
    if (field === "model" || field === "messages") {
      state.changes.push(`kept ${field}: required fields cannot be dropped`);
    } else if (field in out) {
      delete out[field];
      state.changes.push(`dropped ${field} (config)`);
    }
  }
}

function blocksOf(content: unknown, path: string): unknown[] {
  if (!Array.isArray(content)) {
    throw invalid(path, "expected a string or an array of content blocks");
  }
  return content;
}

/** Returns `blocks[index]` as an object with a string `type`, counting its cache marker. */
function blockAt(blocks: unknown[], index: number, path: string, state: State): Block {
  const block: unknown = blocks[index];
  if (!isObject(block)) throw invalid(path, "expected a content block object");
  if (typeof block.type !== "string") throw invalid(`${path}.type`, "expected a string");
  if (block.cache_control !== undefined) state.counts.cacheControl++;
  return block as Block;
}

function textOf(block: Block, path: string): string {
  if (block.type !== "text") throw unsupportedBlock(block, path, "text");
  return stringAt(block, "text", path);
}

function stringAt(object: Json, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== "string") throw invalid(`${path}.${key}`, "expected a string");
  return value;
}

function objectAt(object: Json, key: string, path: string): Json {
  const value = object[key];
  if (!isObject(value)) throw invalid(`${path}.${key}`, "expected an object");
  return value;
}

function collapse(parts: ChatContentPart[]): string | ChatContentPart[] {
  const only = parts.length === 1 ? parts[0] : undefined;
  return only?.type === "text" ? only.text : parts;
}

function unsupportedBlock(block: Block, path: string, where: string): InvalidRequestError {
  return invalid(`${path}.type`, `unsupported content block type ${quote(block.type)} in ${where}`);
}

function invalid(path: string, detail: string): InvalidRequestError {
  return new InvalidRequestError(`${path}: ${detail}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function quote(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
