// Converts a finished Chat Completions request to an OpenAI Responses request, and a Responses answer back. Pure.
import { UpstreamError } from "../../errors.ts";
import type {
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatContentPart,
  ChatMessage,
  ChatResponseFormat,
  ChatResponseMessage,
  ChatTool,
  ChatToolCall,
  ChatToolChoice,
  ChatUsage,
} from "../../wire/openai_types.ts";
import type {
  ResponsesFunctionTool,
  ResponsesInputItem,
  ResponsesInputPart,
  ResponsesOutputMessage,
  ResponsesOutputReasoning,
  ResponsesReasoning,
  ResponsesRequest,
  ResponsesResponse,
  ResponsesTextFormat,
  ResponsesToolChoice,
  ResponsesUsage,
} from "../../wire/responses_types.ts";
import { upstreamErrorMessage } from "../anthropic/errors.ts";
import { isRecord } from "../../util/is_record.ts";

/** The smallest `max_output_tokens` the Responses API accepts. */
export const MIN_OUTPUT_TOKENS = 16;

/** Chat Completions keys that are converted or dropped, never copied raw. */
const CHAT_KEYS = new Set([
  "model",
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "stream",
  "stream_options",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning_effort",
  "user",
  "store",
  "response_format",
]);

/** Chat-only keys with no Responses equivalent; dropped with a note. */
const DROPPED_KEYS = ["n", "logprobs", "top_logprobs"];

/**
 * Converts a Chat Completions request to a Responses request, with notes on what was changed.
 *
 * Leading system messages become `instructions`; tool calls and results become `function_call` and
 * `function_call_output` items; tools are sent with `strict: false`; `response_format` becomes
 * `text.format`; nothing is stored upstream.
 */
export function toResponsesRequest(
  chat: ChatCompletionRequest,
): { request: ResponsesRequest; changes: string[] } {
  const changes: string[] = [];
  const { instructions, input } = convertMessages(chat.messages);
  const request: ResponsesRequest = { model: chat.model, input, store: false };
  if (instructions !== undefined) request.instructions = instructions;

  for (const [key, value] of Object.entries(chat)) {
    if (CHAT_KEYS.has(key) || value === undefined) continue;
    if (DROPPED_KEYS.includes(key)) {
      changes.push(`dropped ${key} (not supported by the Responses API)`);
      continue;
    }
    if (key === "input" || key === "instructions") continue;
    request[key] = value;
  }

  const maxTokens = chat.max_completion_tokens ?? chat.max_tokens;
  if (maxTokens !== undefined) {
    if (maxTokens < MIN_OUTPUT_TOKENS) {
      changes.push(
        `raised max_output_tokens from ${maxTokens} to ${MIN_OUTPUT_TOKENS} (the Responses API minimum)`,
      );
    }
    request.max_output_tokens = Math.max(maxTokens, MIN_OUTPUT_TOKENS);
  }
  if (chat.temperature !== undefined) request.temperature = chat.temperature;
  if (chat.top_p !== undefined) request.top_p = chat.top_p;
  if (chat.stream !== undefined) request.stream = chat.stream;
  if (chat.parallel_tool_calls !== undefined) {
    request.parallel_tool_calls = chat.parallel_tool_calls;
  }
  if (chat.user !== undefined) request.user = chat.user;
  if (chat.stop !== undefined && chat.stop.length > 0) {
    changes.push("stop applied to the answer (the Responses API has no stop sequences)");
  }
  if (chat.reasoning_effort !== undefined) {
    const fromOptions = isRecord(chat.reasoning) ? chat.reasoning : {};
    const reasoning: ResponsesReasoning = {
      effort: chat.reasoning_effort,
      summary: "auto",
      ...fromOptions,
    };
    request.reasoning = reasoning;
  }
  if (chat.response_format !== undefined) {
    const text = isRecord(request.text) ? request.text : {};
    request.text = { ...text, format: textFormat(chat.response_format) };
  }
  if (chat.tools !== undefined) request.tools = chat.tools.map(convertTool);
  if (chat.tool_choice !== undefined) request.tool_choice = convertToolChoice(chat.tool_choice);
  if (chat.store === true) changes.push("sent store: false (the proxy keeps no upstream state)");
  return { request, changes };
}

function convertMessages(
  messages: ChatMessage[],
): { instructions: string | undefined; input: ResponsesInputItem[] } {
  const leading: string[] = [];
  let start = 0;
  while (start < messages.length) {
    const message = messages[start]!;
    if (message.role !== "system" && message.role !== "developer") break;
    leading.push(message.content);
    start++;
  }
  const input: ResponsesInputItem[] = [];
  for (const message of messages.slice(start)) {
    switch (message.role) {
      case "system":
      case "developer":
        input.push({ role: "developer", content: message.content });
        break;
      case "user":
        input.push({
          role: "user",
          content: typeof message.content === "string"
            ? message.content
            : message.content.map(convertPart),
        });
        break;
      case "assistant":
        if (typeof message.content === "string" && message.content !== "") {
          input.push({ role: "assistant", content: message.content });
        }
        for (const call of message.tool_calls ?? []) {
          input.push({
            type: "function_call",
            call_id: call.id,
            name: call.function.name,
            arguments: call.function.arguments,
          });
        }
        break;
      case "tool":
        input.push({
          type: "function_call_output",
          call_id: message.tool_call_id,
          output: message.content,
        });
        break;
    }
  }
  return { instructions: leading.length > 0 ? leading.join("\n\n") : undefined, input };
}

function convertPart(part: ChatContentPart): ResponsesInputPart {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: part.text };
    case "image_url":
      return {
        type: "input_image",
        image_url: part.image_url.url,
        detail: part.image_url.detail ?? "auto",
      };
    case "file": {
      const out: Extract<ResponsesInputPart, { type: "input_file" }> = { type: "input_file" };
      if (part.file.filename !== undefined) out.filename = part.file.filename;
      if (part.file.file_data !== undefined) out.file_data = part.file.file_data;
      if (part.file.file_id !== undefined) out.file_id = part.file.file_id;
      return out;
    }
  }
}

/** A Chat Completions `response_format` as the Responses API's `text.format`. */
function textFormat(format: ChatResponseFormat): ResponsesTextFormat {
  if (format.type === "json_object") return { type: "json_object" };
  const { name, schema, strict } = format.json_schema;
  return { type: "json_schema", name, schema, strict };
}

function convertTool(tool: ChatTool): ResponsesFunctionTool {
  const out: ResponsesFunctionTool = {
    type: "function",
    name: tool.function.name,
    parameters: tool.function.parameters,
    strict: false,
  };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  return out;
}

function convertToolChoice(choice: ChatToolChoice): ResponsesToolChoice {
  if (typeof choice === "string") return choice;
  return { type: "function", name: choice.function.name };
}

/**
 * Converts a non-streaming Responses answer into a Chat Completions answer.
 *
 * Throws an `UpstreamError` when the body has no `output` array or its status is `failed`.
 */
export function fromResponsesResponse(body: unknown): ChatCompletionResponse {
  const response = checkedResponse(body);
  let text: string | undefined;
  let refusal: string | undefined;
  const reasoning: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const item of response.output) {
    if (!isRecord(item)) continue;
    if (item.type === "message") {
      const content: unknown = (item as ResponsesOutputMessage).content;
      for (const part of Array.isArray(content) ? content : []) {
        if (part?.type === "output_text" && typeof part.text === "string") {
          text = (text ?? "") + part.text;
        } else if (part?.type === "refusal" && typeof part.refusal === "string") {
          refusal = (refusal ?? "") + part.refusal;
        }
      }
    } else if (item.type === "reasoning") {
      reasoning.push(...reasoningTexts(item as ResponsesOutputReasoning));
    } else if (item.type === "function_call") {
      const call = item as Record<string, unknown>;
      const id = [call.call_id, call.id].find((value) => typeof value === "string");
      toolCalls.push({
        id: (id as string | undefined) ?? "",
        type: "function",
        function: {
          name: typeof call.name === "string" ? call.name : "",
          arguments: typeof call.arguments === "string"
            ? call.arguments
            : isRecord(call.arguments)
            ? JSON.stringify(call.arguments)
            : "",
        },
      });
    }
  }

  const message: ChatResponseMessage = { role: "assistant", content: text ?? null };
  if (refusal !== undefined) message.refusal = refusal;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join("\n\n");
  if (toolCalls.length > 0) message.tool_calls = toolCalls;

  const result: ChatCompletionResponse = {
    choices: [{ index: 0, message, finish_reason: finishReason(response, toolCalls.length > 0) }],
  };
  if (typeof response.id === "string") result.id = response.id;
  if (typeof response.model === "string") result.model = response.model;
  if (isRecord(response.usage)) result.usage = chatUsageFromResponses(response.usage);
  return result;
}

function checkedResponse(body: unknown): ResponsesResponse {
  if (!isRecord(body) || !Array.isArray(body.output)) {
    const text = JSON.stringify(body) ?? String(body);
    const hasError = isRecord(body) && body.error !== undefined && body.error !== null;
    throw new UpstreamError(
      502,
      "api_error",
      hasError
        ? `Upstream returned an error instead of a response: ${upstreamErrorMessage(text)}`
        : `Upstream returned a body without an output array: ${text.slice(0, 200)}`,
    );
  }
  const response = body as ResponsesResponse;
  if (response.status === "failed") {
    const error = isRecord(response.error) ? response.error : {};
    const message = typeof error.message === "string" && error.message !== ""
      ? error.message
      : "no error message";
    const code = typeof error.code === "string" ? ` (code "${error.code}")` : "";
    throw new UpstreamError(502, "api_error", `Upstream response failed: ${message}${code}`);
  }
  return response;
}

/** Summary texts, or the raw reasoning text when there is no summary. */
function reasoningTexts(item: ResponsesOutputReasoning): string[] {
  const texts = (parts: unknown): string[] =>
    Array.isArray(parts)
      ? parts.flatMap((p) =>
        isRecord(p) && typeof p.text === "string" && p.text !== "" ? [p.text] : []
      )
      : [];
  const summary = texts(item.summary);
  return summary.length > 0 ? summary : texts(item.content);
}

function finishReason(response: ResponsesResponse, hasToolCalls: boolean): string {
  if (hasToolCalls) return "tool_calls";
  return response.status === "incomplete"
    ? incompleteFinishReason(response.incomplete_details?.reason)
    : "stop";
}

/** The Chat Completions finish_reason for an incomplete answer's `incomplete_details.reason`. */
export function incompleteFinishReason(reason: unknown): string {
  switch (reason) {
    case "max_output_tokens":
      return "length";
    case "content_filter":
      return "content_filter";
    default:
      return "stop";
  }
}

/** Responses usage as Chat Completions usage (input/output tokens, cached and reasoning details). */
export function chatUsageFromResponses(usage: ResponsesUsage): ChatUsage {
  const out: ChatUsage = {};
  if (typeof usage.input_tokens === "number") out.prompt_tokens = usage.input_tokens;
  if (typeof usage.output_tokens === "number") out.completion_tokens = usage.output_tokens;
  if (typeof usage.total_tokens === "number") out.total_tokens = usage.total_tokens;
  const cached = usage.input_tokens_details?.cached_tokens;
  if (typeof cached === "number") out.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = usage.output_tokens_details?.reasoning_tokens;
  if (typeof reasoning === "number") {
    out.completion_tokens_details = { reasoning_tokens: reasoning };
  }
  return out;
}
