// The OpenAI Responses route: the finished Chat Completions request converted for /responses, and the
// answer converted back, whole or streamed.
import { fromResponsesResponse, toResponsesRequest } from "../../translate/responses/responses.ts";
import { responsesChunkTransform } from "../../translate/responses/responses_stream.ts";
import { openaiHandler } from "./openai_forward.ts";

/** Answers a request routed to an OpenAI Responses provider (`format = "openai-responses"`). */
export const openaiResponses = openaiHandler({
  path: "/responses",
  encode(request, { log }) {
    const converted = toResponsesRequest(request);
    // A retry converts again: its changes are noted once.
    for (const change of converted.changes) log.noteOnce(change);
    return converted.request;
  },
  chunks: (quirks) => responsesChunkTransform(quirks),
  // A Responses answer carries `error: null`; one with an error has no output to convert.
  decode: (json) =>
    json.error == null && Array.isArray(json.output) ? fromResponsesResponse(json) : undefined,
});
