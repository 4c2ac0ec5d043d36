// The translator as a library (`@claude-proxy/claude-proxy/translate`): Anthropic Messages ⇄ OpenAI
// Chat Completions (and, through Chat Completions, the OpenAI Responses API), and ⇄ Gemini's own API,
// for requests, responses and streams. Pure: no I/O, ids and signatures passed in.

export {
  toOpenAIRequest,
  type ToOpenAIRequestOptions,
  type TranslatedRequest,
} from "./openai/request.ts";
export { mapFinishReason, type ResponseContext, toAnthropicResponse } from "./openai/response.ts";
export {
  type StreamErrorType,
  StreamTranslator,
  type StreamTranslatorOptions,
} from "./openai/stream.ts";
export type { StreamSummary } from "./anthropic/stream_summary.ts";
export {
  anthropicEventStream,
  type AnthropicEventStreamOptions,
  DEFAULT_PING_INTERVAL_MS,
} from "./openai/stream_pipeline.ts";
export type { ChunkSource } from "../wire/chunk_source.ts";
export { fromResponsesResponse, toResponsesRequest } from "./responses/responses.ts";
export { responsesChunkTransform } from "./responses/responses_stream.ts";
export {
  toGeminiRequest,
  type ToGeminiRequestOptions,
  type TranslatedGeminiRequest,
} from "./gemini/request.ts";
export { fromGeminiResponse } from "./gemini/response.ts";
export { GeminiStreamTranslator, type GeminiStreamTranslatorOptions } from "./gemini/stream.ts";
export { fromGeminiError } from "./gemini/errors.ts";
export { encodeSseEvent, PING_FRAME } from "./anthropic/sse.ts";
export { messageToEvents } from "./anthropic/message_events.ts";
export { fromUpstreamError } from "./anthropic/errors.ts";
export { makeSignature, parseSignature } from "./anthropic/signature.ts";
export type * from "../wire/anthropic_types.ts";
export type * from "../wire/openai_types.ts";
export type * from "../wire/responses_types.ts";
export type * from "../wire/gemini_types.ts";
