// What an Anthropic answer said, for the request log: one shape for translated and passed-through streams.

/** The stop reason, usage and error of an answer (streamed or whole), for the request log. */
export interface StreamSummary {
  /** The stop reason sent in `message_delta`; `null` when the stream failed or was cancelled. */
  stopReason: string | null;
  usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number };
  /** Why the answer ended abnormally: an Anthropic error type, or `client_closed`. */
  error?: { type: string; message: string };
}
