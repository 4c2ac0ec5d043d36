// The OpenAI Chat Completions route: the translated request goes to /chat/completions as it is.
import { openaiHandler } from "./openai_forward.ts";

/** Answers a request routed to an OpenAI Chat Completions provider. */
export const openaiChat = openaiHandler({
  path: "/chat/completions",
  encode: (request) => request,
  chunks: (quirks) => quirks,
});
