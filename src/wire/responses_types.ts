// OpenAI Responses API wire types: the request the proxy sends and the response object it reads.

/** A part of a user or developer message's content. */
export type ResponsesInputPart =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail: string }
  | { type: "input_file"; filename?: string; file_data?: string; file_id?: string };

/** A message input item; string content is shorthand for one `input_text` part. */
export interface ResponsesInputMessage {
  type?: "message";
  role: "user" | "assistant" | "system" | "developer";
  content: string | ResponsesInputPart[];
}

/** A function call the assistant made earlier, replayed as input (no `id`: nothing is stored). */
export interface ResponsesFunctionCallInput {
  type: "function_call";
  call_id: string;
  name: string;
  arguments: string;
}

/** The result of a function call, sent back to the model. */
export interface ResponsesFunctionCallOutput {
  type: "function_call_output";
  call_id: string;
  output: string;
}

/** One item of a Responses request's `input`. */
export type ResponsesInputItem =
  | ResponsesInputMessage
  | ResponsesFunctionCallInput
  | ResponsesFunctionCallOutput;

/** A function tool definition (flat, unlike Chat Completions). */
export interface ResponsesFunctionTool {
  type: "function";
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict: boolean;
}

/** How the model must choose tools. */
export type ResponsesToolChoice = "auto" | "required" | "none" | { type: "function"; name: string };

/** Reasoning settings: effort, and whether to return a summary of the reasoning. */
export interface ResponsesReasoning {
  effort?: string;
  summary?: "auto" | "concise" | "detailed";
  [key: string]: unknown;
}

/** The structured output a Responses request asks for (`text.format`). */
export type ResponsesTextFormat =
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict: boolean };

/** A `POST /responses` request body. */
export interface ResponsesRequest {
  model: string;
  input: ResponsesInputItem[];
  instructions?: string;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  stream?: boolean;
  tools?: ResponsesFunctionTool[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean;
  reasoning?: ResponsesReasoning;
  text?: { format: ResponsesTextFormat };
  user?: string;
  store: boolean;
  [key: string]: unknown;
}

/** A part of an output `message` item. */
export type ResponsesOutputPart =
  | { type: "output_text"; text: string; annotations?: unknown[]; [key: string]: unknown }
  | { type: "refusal"; refusal: string; [key: string]: unknown };

/** An assistant message in a response's `output`. */
export interface ResponsesOutputMessage {
  type: "message";
  id?: string;
  role?: "assistant";
  status?: string;
  content: ResponsesOutputPart[];
  [key: string]: unknown;
}

/** A function call in a response's `output`. */
export interface ResponsesOutputFunctionCall {
  type: "function_call";
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: string;
  [key: string]: unknown;
}

/** A reasoning item in a response's `output`: summaries, and the raw text where the provider gives it. */
export interface ResponsesOutputReasoning {
  type: "reasoning";
  id?: string;
  summary?: Array<{ type: "summary_text"; text: string }>;
  content?: Array<{ type: "reasoning_text"; text: string }>;
  encrypted_content?: string | null;
  [key: string]: unknown;
}

/** One item of a response's `output`. */
export type ResponsesOutputItem =
  | ResponsesOutputMessage
  | ResponsesOutputFunctionCall
  | ResponsesOutputReasoning
  | { type: string; [key: string]: unknown };

/** Token accounting on a response. */
export interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  input_tokens_details?: { cached_tokens?: number | null; [key: string]: unknown } | null;
  output_tokens_details?: { reasoning_tokens?: number | null; [key: string]: unknown } | null;
  [key: string]: unknown;
}

/** A `response` object, as returned by `POST /responses` and carried by `response.completed`. */
export interface ResponsesResponse {
  id?: string;
  object?: "response";
  model?: string;
  status?: "completed" | "incomplete" | "failed" | "in_progress" | "queued" | "cancelled" | string;
  incomplete_details?: { reason?: string; [key: string]: unknown } | null;
  error?: { code?: string | null; message?: string; [key: string]: unknown } | null;
  output: ResponsesOutputItem[];
  usage?: ResponsesUsage | null;
  [key: string]: unknown;
}
