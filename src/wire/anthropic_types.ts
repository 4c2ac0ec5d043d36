// Anthropic Messages API wire types: requests, responses, stream events and errors.

/** Prompt-cache marker that Anthropic clients attach to blocks. */
export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
}

/** A text content block. */
export interface TextBlock {
  type: "text";
  text: string;
  cache_control?: CacheControl;
  citations?: unknown;
}

/** Where an image or document comes from. */
export type MediaSource =
  | { type: "base64"; media_type: string; data: string }
  | { type: "url"; url: string }
  | { type: "text"; media_type?: string; data: string }
  | { type: "file"; file_id: string }
  | { type: "content"; content: unknown };

/** An image content block. */
export interface ImageBlock {
  type: "image";
  source: MediaSource;
  cache_control?: CacheControl;
}

/** A document (PDF or text) content block. */
export interface DocumentBlock {
  type: "document";
  source: MediaSource;
  title?: string;
  context?: string;
  cache_control?: CacheControl;
}

/** An assistant tool call. */
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  cache_control?: CacheControl;
}

/** A tool a tool search loaded (Claude Code's ToolSearch answers with these, inside a `tool_result`). */
export interface ToolReferenceBlock {
  type: "tool_reference";
  tool_name: string;
}

/** The result of a tool call, sent by the user. */
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | Array<TextBlock | ImageBlock | DocumentBlock | ToolReferenceBlock>;
  is_error?: boolean;
  cache_control?: CacheControl;
}

/** An extended-thinking block. */
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
}

/** A redacted extended-thinking block. */
export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}

/** A server tool call or result (web search and the like), passed through opaquely. */
export interface ServerToolBlock {
  type: "server_tool_use" | "web_search_tool_result";
  [key: string]: unknown;
}

/** Any content block in a request message. */
export type ContentBlock =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock
  | ServerToolBlock
  | ToolReferenceBlock;

/** One message of the conversation; Claude Code also sends `system` messages mid-conversation. */
export interface Message {
  role: "user" | "assistant" | "system";
  content: string | ContentBlock[];
  /** Settings for the turn from here on (beta `per-turn-control-2026-07-01`). */
  output_config?: { effort?: string; [key: string]: unknown };
}

/** A tool definition; server tools (e.g. `web_search_20250305`) have a `type` and no `input_schema`. */
export interface Tool {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  type?: string;
  cache_control?: CacheControl;
  [key: string]: unknown;
}

/** How the model must choose tools. */
export type ToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

/** How thinking is shown: "summarized", "omitted" (empty text, signature only), "updates", … */
export type ThinkingDisplay = string;

/** Extended-thinking configuration. */
export type ThinkingConfig =
  | { type: "enabled"; budget_tokens: number; display?: ThinkingDisplay }
  | { type: "adaptive"; budget_tokens?: number; display?: ThinkingDisplay }
  | { type: "disabled" };

/** The fields shared by `/v1/messages` and `/v1/messages/count_tokens` request bodies. */
export interface MessagesRequestFields {
  model: string;
  messages: Message[];
  system?: string | TextBlock[];
  tools?: Tool[];
  tool_choice?: ToolChoice;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
  metadata?: { user_id?: string; [key: string]: unknown };
  thinking?: ThinkingConfig;
  /** `effort`, and `format` for structured output (`{type: "json_schema", schema}`). */
  output_config?: { effort?: string; format?: unknown; [key: string]: unknown };
  context_management?: unknown;
  [key: string]: unknown;
}

/** A `POST /v1/messages` request body. */
export interface MessagesRequest extends MessagesRequestFields {
  max_tokens: number;
}

/** A `POST /v1/messages/count_tokens` request body. */
export interface CountTokensRequest extends MessagesRequestFields {
  max_tokens?: number;
}

/** Why the model stopped. */
export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal";

/** Token accounting on a response. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  /** Server tools run for the answer (web searches). */
  server_tool_use?: { web_search_requests: number };
  /** Thinking tokens among the output tokens (beta `thinking-token-count-2026-05-13`). */
  output_tokens_details?: { thinking_tokens: number };
}

/** A server tool call in a response (the query of a web search). */
export interface ServerToolUseBlock {
  type: "server_tool_use";
  id: string;
  name: string;
  input: unknown;
}

/** Why a web search gave no results. */
export type WebSearchErrorCode =
  | "invalid_tool_input"
  | "unavailable"
  | "max_uses_exceeded"
  | "too_many_requests"
  | "query_too_long";

/** One web search result. */
export interface WebSearchResult {
  type: "web_search_result";
  title: string;
  url: string;
  encrypted_content: string;
  page_age: string | null;
}

/** The results of a web search, or why it failed. */
export interface WebSearchToolResultBlock {
  type: "web_search_tool_result";
  tool_use_id: string;
  content: WebSearchResult[] | {
    type: "web_search_tool_result_error";
    error_code: WebSearchErrorCode;
  };
}

/** A content block in a response. */
export type ResponseBlock =
  | TextBlock
  | ToolUseBlock
  | ThinkingBlock
  | RedactedThinkingBlock
  | ServerToolUseBlock
  | WebSearchToolResultBlock;

/** A non-streaming `POST /v1/messages` response. */
export interface MessagesResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ResponseBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

/** The Anthropic error types. */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

/** The Anthropic error envelope. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

/** A delta inside `content_block_delta`. */
export type ContentDelta =
  | { type: "text_delta"; text: string }
  | { type: "input_json_delta"; partial_json: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string };

/** Every Anthropic streaming event. */
export type StreamEvent =
  | { type: "message_start"; message: MessagesResponse }
  | { type: "content_block_start"; index: number; content_block: ResponseBlock }
  | { type: "content_block_delta"; index: number; delta: ContentDelta }
  | { type: "content_block_stop"; index: number }
  | {
    type: "message_delta";
    delta: { stop_reason: StopReason | null; stop_sequence: string | null };
    usage: Partial<Usage> & { output_tokens: number };
  }
  | { type: "message_stop" }
  | { type: "ping" }
  | AnthropicErrorBody;
