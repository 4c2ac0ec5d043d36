// Translates a whole Gemini generateContent answer into an Anthropic message. Pure.
//
// The answer runs through the same state machine as a stream (one chunk, then the end), so both
// follow the same rules for blocks, signatures, tool ids, stop reasons and usage.
import { UpstreamError } from "../../errors.ts";
import type { MessagesResponse, ResponseBlock, StreamEvent } from "../../wire/anthropic_types.ts";
import type { GeminiResponse } from "../../wire/gemini_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { GeminiStreamTranslator, type GeminiStreamTranslatorOptions } from "./stream.ts";

/**
 * Translates a Gemini answer into an Anthropic message. Throws an `UpstreamError` when the answer
 * is not a Gemini answer (502), when Gemini blocked the prompt (400) or when it stopped the answer
 * for a reason Anthropic has no stop reason for (400 for its filters, 502 otherwise).
 *
 * @example
 * ```ts
 * const message = fromGeminiResponse(json, {
 *   model: "claude-sonnet-4-5",
 *   messageId: "msg_01",
 *   signatureOrigin: "gemini",
 *   newToolId: () => "toolu_01",
 * });
 * ```
 */
export function fromGeminiResponse(
  response: unknown,
  options: GeminiStreamTranslatorOptions,
): MessagesResponse {
  const problem = responseShapeProblem(response);
  if (problem) {
    throw new UpstreamError(
      502,
      "api_error",
      `Upstream returned a malformed Gemini answer: ${problem}`,
    );
  }
  const translator = new GeminiStreamTranslator(options);
  const events = [...translator.push(response as GeminiResponse), ...translator.finish()];
  const failed = events.find((event) => event.type === "error");
  if (failed?.type === "error") {
    throw new UpstreamError(translator.errorStatus ?? 502, failed.error.type, failed.error.message);
  }
  return messageFromEvents(events);
}

/** What is wrong with the shape of a Gemini answer, or undefined when nothing is. */
function responseShapeProblem(response: unknown): string | undefined {
  if (!isRecord(response)) return "expected a JSON object";
  const { candidates, promptFeedback } = response;
  if (candidates === undefined) {
    return isRecord(promptFeedback) ? undefined : "no candidates and no promptFeedback";
  }
  if (!Array.isArray(candidates)) return "candidates is not an array";
  const first = candidates[0];
  if (first === undefined) return isRecord(promptFeedback) ? undefined : "candidates is empty";
  if (!isRecord(first)) return "candidates.0 is not an object";
  const content = first.content;
  if (content !== undefined && !isRecord(content)) return "candidates.0.content is not an object";
  const parts = isRecord(content) ? content.parts : undefined;
  if (parts !== undefined && !Array.isArray(parts)) {
    return "candidates.0.content.parts is not an array";
  }
  return undefined;
}

/** Folds the events of one whole stream into the message they describe. */
function messageFromEvents(events: StreamEvent[]): MessagesResponse {
  let message: MessagesResponse | undefined;
  const content: ResponseBlock[] = [];
  const inputs = new Map<number, string>();
  for (const event of events) {
    switch (event.type) {
      case "message_start":
        message = { ...event.message, content };
        break;
      case "content_block_start":
        content[event.index] = { ...event.content_block };
        break;
      case "content_block_delta": {
        const block = content[event.index];
        const d = event.delta;
        if (d.type === "text_delta" && block?.type === "text") block.text += d.text;
        else if (d.type === "thinking_delta" && block?.type === "thinking") {
          block.thinking += d.thinking;
        } else if (d.type === "signature_delta" && block?.type === "thinking") {
          block.signature = d.signature;
        } else if (d.type === "input_json_delta") {
          inputs.set(event.index, (inputs.get(event.index) ?? "") + d.partial_json);
        }
        break;
      }
      case "message_delta":
        if (message) {
          message.stop_reason = event.delta.stop_reason;
          message.stop_sequence = event.delta.stop_sequence;
          message.usage = { ...message.usage, ...event.usage };
        }
        break;
      default:
        break;
    }
  }
  for (const [index, json] of inputs) {
    const block = content[index];
    if (block?.type === "tool_use") block.input = JSON.parse(json);
  }
  if (!message) throw new TypeError("Cannot fold events: no message_start");
  return message;
}
