// The translator as a library (`@claude-proxy/claude-proxy/translate`): Anthropic Messages ⇄ OpenAI
// Chat Completions (and, through Chat Completions, the OpenAI Responses API) for requests, responses
// and streams. Pure: no I/O, ids and signatures passed in.

export { toOpenAIRequest, type ToOpenAIRequestOptions, type TranslatedRequest } from "./request.ts";
export { mapFinishReason, type ResponseContext, toAnthropicResponse } from "./response.ts";
export {
  type StreamErrorType,
  type StreamSummary,
  StreamTranslator,
  type StreamTranslatorOptions,
} from "./stream.ts";
export {
  anthropicEventStream,
  type AnthropicEventStreamOptions,
  type ChunkSource,
  DEFAULT_PING_INTERVAL_MS,
} from "./stream_pipeline.ts";
export { fromResponsesResponse, toResponsesRequest } from "./responses.ts";
export { responsesChunkTransform } from "./responses_stream.ts";
export { encodeSseEvent, PING_FRAME } from "./sse.ts";
export { messageToEvents } from "./message_events.ts";
export { fromUpstreamError } from "./errors.ts";
export { makeSignature, parseSignature } from "./signature.ts";
export type * from "./anthropic_types.ts";
export type * from "./openai_types.ts";
export type * from "./responses_types.ts";
