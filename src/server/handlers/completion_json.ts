// Reads a whole upstream answer as a Chat Completions response; anything else is a 502 naming why.
import { UpstreamError } from "../../errors.ts";
import { anthropicEnvelope, fromUpstreamError } from "../../translate/anthropic/errors.ts";
import { completionShapeProblem } from "../../translate/openai/completion_shape.ts";
import { isRecord } from "../../util/is_record.ts";
import type { ChatCompletionResponse } from "../../wire/openai_types.ts";

/**
 * Parses a successful upstream answer: `decode` converts another API's shape (Responses) first; a
 * 200 that is not JSON, not an object, carries an error or no choices, or is malformed is a 502.
 */
export function readCompletion(
  text: string,
  decode?: (json: Record<string, unknown>) => ChatCompletionResponse | undefined,
): ChatCompletionResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const looksHtml = /^\s*</.test(text);
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned ${looksHtml ? "an HTML page" : "invalid JSON"} instead of a completion: ${
        text.slice(0, 200)
      }`,
    );
  }
  if (!isRecord(json)) {
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned JSON that is not an object instead of a completion: ${text.slice(0, 200)}`,
    );
  }
  const decoded = decode?.(json);
  if (decoded) return decoded;
  if (json.error != null || !Array.isArray(json.choices)) {
    const envelope = anthropicEnvelope(text);
    if (envelope) throw new UpstreamError(502, envelope.error.type, envelope.error.message);
    const mapped = fromUpstreamError(502, text);
    throw new UpstreamError(502, "api_error", mapped.body.error.message);
  }
  const problem = completionShapeProblem(json);
  if (problem) {
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned a malformed completion: ${problem}`,
    );
  }
  return json as unknown as ChatCompletionResponse;
}
