// Gemini API wire types (generateContent, streamGenerateContent, countTokens, errors), as sent on the wire.

/** Inline bytes: an image, a PDF or another file, base64-encoded. */
export interface GeminiBlob {
  mimeType: string;
  data: string;
}

/** A file referred to by URI (the Files API, or a URL the model may fetch). */
export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
}

/** A function call the model made. */
export interface GeminiFunctionCall {
  /** Set by some models; when set, the response must carry the same id. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

/** A part of a function response (Gemini 3: images and files returned by a tool). */
export interface GeminiFunctionResponsePart {
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
}

/** The result of a function call, sent back by the user. */
export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** A JSON object: `{ output }` on success, `{ error }` on failure, by Gemini's convention. */
  response: Record<string, unknown>;
  parts?: GeminiFunctionResponsePart[];
}

/** One part of a content: exactly one data field, plus the thought flag and signature. */
export interface GeminiPart {
  text?: string;
  /** The part is a thought summary, not part of the answer. */
  thought?: boolean;
  /** An opaque signature of the model's reasoning; must come back on the same part. */
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  [key: string]: unknown;
}

/** A turn of the conversation. */
export interface GeminiContent {
  role?: "user" | "model";
  parts: GeminiPart[];
}

/** A function the model may call; `parameters` is the OpenAPI-style schema subset. */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** The tools of a request. */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  [key: string]: unknown;
}

/** How the model chooses functions. */
export interface GeminiToolConfig {
  functionCallingConfig: {
    mode: "AUTO" | "ANY" | "NONE" | "VALIDATED";
    allowedFunctionNames?: string[];
  };
}

/** A Gemini 3 thinking level. */
export type GeminiThinkingLevel = "minimal" | "low" | "medium" | "high";

/** How much the model thinks and whether thought summaries come back. */
export interface GeminiThinkingConfig {
  /** Gemini 2.5: a token budget; -1 lets the model decide, 0 turns thinking off (Flash). */
  thinkingBudget?: number;
  /** Gemini 3 and later; never sent together with `thinkingBudget`. */
  thinkingLevel?: GeminiThinkingLevel;
  includeThoughts?: boolean;
}

/** Sampling and output settings. */
export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
}

/** A `generateContent` / `streamGenerateContent` request body. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

/** Why the model stopped (known values; others may come). */
export type GeminiFinishReason =
  | "FINISH_REASON_UNSPECIFIED"
  | "STOP"
  | "MAX_TOKENS"
  | "SAFETY"
  | "RECITATION"
  | "LANGUAGE"
  | "OTHER"
  | "BLOCKLIST"
  | "PROHIBITED_CONTENT"
  | "SPII"
  | "MALFORMED_FUNCTION_CALL"
  | "IMAGE_SAFETY"
  | "IMAGE_PROHIBITED_CONTENT"
  | "IMAGE_RECITATION"
  | "IMAGE_OTHER"
  | "NO_IMAGE"
  | "UNEXPECTED_TOOL_CALL"
  | "TOO_MANY_TOOL_CALLS"
  | "MISSING_THOUGHT_SIGNATURE"
  | "MALFORMED_RESPONSE"
  | (string & Record<never, never>);

/** One answer candidate. */
export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: GeminiFinishReason;
  finishMessage?: string;
  index?: number;
  [key: string]: unknown;
}

/** Token counts; `promptTokenCount` includes `cachedContentTokenCount`. */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
  [key: string]: unknown;
}

/** A `generateContent` answer, or one chunk of a `streamGenerateContent` answer. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; [key: string]: unknown };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** An error reported inside a stream. */
  error?: GeminiErrorDetail;
}

/** A `countTokens` request body. */
export interface GeminiCountTokensRequest {
  generateContentRequest: GeminiRequest & { model: string };
}

/** A `countTokens` answer. */
export interface GeminiCountTokensResponse {
  totalTokens?: number;
  cachedContentTokenCount?: number;
}

/** The `error` of a Google API error body. */
export interface GeminiErrorDetail {
  code?: number;
  message?: string;
  /** The gRPC status name, e.g. "RESOURCE_EXHAUSTED". */
  status?: string;
  /** Typed details: `google.rpc.RetryInfo` (`retryDelay: "37s"`), `ErrorInfo` (`reason`), … */
  details?: Array<{ "@type"?: string; [key: string]: unknown }>;
}

/** A Google API error body. */
export interface GeminiErrorBody {
  error: GeminiErrorDetail;
}
