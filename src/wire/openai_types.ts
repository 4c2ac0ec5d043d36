// OpenAI Chat Completions wire types: requests, responses, stream chunks and errors.

/** A part of a user message's content. */
export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } }
  | { type: "file"; file: { filename?: string; file_data?: string; file_id?: string } };

/** A function call made by the assistant. */
export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  [key: string]: unknown;
}

/** One message in a Chat Completions request. */
export type ChatMessage =
  | { role: "system" | "developer"; content: string }
  | { role: "user"; content: string | ChatContentPart[] }
  | {
    role: "assistant";
    content: string | null;
    tool_calls?: ChatToolCall[];
    reasoning_content?: string;
    [key: string]: unknown;
  }
  | { role: "tool"; tool_call_id: string; content: string };

/** A function tool definition. */
export interface ChatTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** How the model must choose tools. */
export type ChatToolChoice =
  | "auto"
  | "required"
  | "none"
  | { type: "function"; function: { name: string } };

/** The structured output a Chat Completions request asks for. */
export type ChatResponseFormat =
  | { type: "json_object" }
  | {
    type: "json_schema";
    json_schema: { name: string; schema: Record<string, unknown>; strict: boolean };
  };

/** A `POST /chat/completions` request body. */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: string;
  response_format?: ChatResponseFormat;
  user?: string;
  [key: string]: unknown;
}

/** Token accounting on a completion. */
export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  prompt_cache_hit_tokens?: number;
  [key: string]: unknown;
}

/** The assistant message of a non-streaming choice. */
export interface ChatResponseMessage {
  role?: string;
  content?: string | null | Array<{ type: string; text?: string; thinking?: unknown }>;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: Array<Partial<ChatToolCall> & { function?: { name?: string; arguments?: string } }>;
  refusal?: string | null;
  [key: string]: unknown;
}

/** A non-streaming `chat.completion` response. */
export interface ChatCompletionResponse {
  id?: string;
  model?: string;
  choices: Array<{ index?: number; message: ChatResponseMessage; finish_reason?: string | null }>;
  usage?: ChatUsage | null;
  [key: string]: unknown;
}

/** A tool-call fragment in a stream delta. */
export interface ChatToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string;
  function?: { name?: string | null; arguments?: string | null };
  [key: string]: unknown;
}

/** The delta of a streamed choice. */
export interface ChatDelta {
  role?: string | null;
  content?: string | null | Array<{ type: string; text?: string; thinking?: unknown }>;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: ChatToolCallDelta[] | null;
  refusal?: string | null;
  [key: string]: unknown;
}

/** A `chat.completion.chunk` stream chunk, or an error object some providers send in its place. */
export interface ChatCompletionChunk {
  id?: string;
  model?: string;
  choices?: Array<{ index?: number; delta?: ChatDelta | null; finish_reason?: string | null }>;
  usage?: ChatUsage | null;
  error?: { message?: string; type?: string; code?: unknown; [key: string]: unknown };
  [key: string]: unknown;
}
