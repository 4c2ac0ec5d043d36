// A scripted Gemini "model" for end-to-end tests: answers generateContent, streamGenerateContent?alt=sse
// and countTokens as Gemini does, and refuses what Gemini 3 refuses (a bad key, unknown schema keywords,
// a function call of the current turn without its thought signature, unmatched function responses).
import { pieces } from "./fake_model.ts";
import { jsonResponse, type RecordedRequest, streamResponse } from "./mock_upstream.ts";
import type {
  GeminiContent,
  GeminiPart,
  GeminiRequest,
  GeminiResponse,
} from "../../src/wire/gemini_types.ts";

/** The key the fake model accepts in `x-goog-api-key`. */
export const FAKE_GEMINI_KEY = "AIza-fake-gemini-key";

/** A function call the fake model makes; `signature` goes on its part. */
export interface FakeGeminiCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
  signature?: string;
}

/** What the fake model says for one request. */
export interface FakeGeminiReply {
  /** Thought summary text (sent only when the request asks for thoughts). */
  thought?: string;
  thoughtSignature?: string;
  text?: string;
  calls?: FakeGeminiCall[];
  /** Default "STOP". */
  finishReason?: string;
}

/** Decides the reply from the request Gemini received and the model in the URL. */
export type FakeGeminiBrain = (request: GeminiRequest, model: string) => FakeGeminiReply;

/** The token count the fake model reports for a request: one per 4 characters of its JSON. */
export function fakeTokenCount(request: unknown): number {
  return Math.ceil(JSON.stringify(request).length / 4);
}

/** Builds a mock handler that answers like the Gemini API. */
export function fakeGeminiModel(brain: FakeGeminiBrain) {
  return (req: RecordedRequest): Response => {
    const match = /^\/v1beta\/models\/([^:/]+):(\w+)(\?alt=sse)?$/.exec(req.path);
    if (!match) return geminiError(404, "NOT_FOUND", `Unknown path ${req.path}`);
    const [, encoded = "", method, sse] = match;
    const model = decodeURIComponent(encoded);
    if (req.headers["x-goog-api-key"] !== FAKE_GEMINI_KEY) {
      return geminiError(
        400,
        "INVALID_ARGUMENT",
        "API key not valid. Please pass a valid API key.",
        [
          { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" },
        ],
      );
    }
    if (method === "countTokens") {
      const body = req.json<{ generateContentRequest: GeminiRequest & { model: string } }>();
      const refusal = refusalOf(body.generateContentRequest);
      if (refusal) return refusal;
      return jsonResponse({ totalTokens: fakeTokenCount(body.generateContentRequest) });
    }
    const request = req.json<GeminiRequest>();
    const refusal = refusalOf(request);
    if (refusal) return refusal;
    const reply = brain(request, model);
    const parts = replyParts(reply, request.generationConfig?.thinkingConfig?.includeThoughts);
    const usage = { promptTokenCount: 42, candidatesTokenCount: 7, thoughtsTokenCount: 11 };
    const finishReason = reply.finishReason ?? "STOP";
    if (method === "generateContent") {
      return jsonResponse(
        {
          candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }],
          usageMetadata: usage,
          modelVersion: model,
          responseId: "fake-response",
        } satisfies GeminiResponse,
      );
    }
    if (method !== "streamGenerateContent" || !sse) {
      return geminiError(400, "INVALID_ARGUMENT", `Unsupported method ${method}`);
    }
    const chunks: GeminiResponse[] = streamedParts(parts).map((part) => ({
      candidates: [{ content: { role: "model", parts: [part] }, index: 0 }],
      usageMetadata: usage,
      modelVersion: model,
    }));
    chunks.push({
      candidates: [{ content: { role: "model", parts: [{ text: "" }] }, finishReason, index: 0 }],
      usageMetadata: usage,
      modelVersion: model,
    });
    const frames = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`);
    return streamResponse(frames, {
      signal: req.signal,
      headers: { "content-type": "text/event-stream" },
    });
  };
}

/** The parts of a reply, in Gemini's order: thought, text, calls. */
function replyParts(reply: FakeGeminiReply, includeThoughts: boolean | undefined): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (reply.thought && includeThoughts) {
    parts.push({
      text: reply.thought,
      thought: true,
      ...(reply.thoughtSignature ? { thoughtSignature: reply.thoughtSignature } : {}),
    });
  }
  if (reply.text) parts.push({ text: reply.text });
  for (const call of reply.calls ?? []) {
    parts.push({
      functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: call.args },
      ...(call.signature ? { thoughtSignature: call.signature } : {}),
    });
  }
  return parts;
}

/** Text and thought parts cut into pieces, as Gemini streams them; calls whole. */
function streamedParts(parts: GeminiPart[]): GeminiPart[] {
  return parts.flatMap((part) => {
    if (typeof part.text !== "string" || part.text === "") return [part];
    const { thoughtSignature, ...rest } = part;
    const cut = pieces(part.text, 5).map((text): GeminiPart => ({ ...rest, text }));
    if (thoughtSignature) cut[cut.length - 1]!.thoughtSignature = thoughtSignature;
    return cut;
  });
}

/** What Gemini refuses in a request, as Gemini words it; undefined for a request it takes. */
function refusalOf(request: GeminiRequest): Response | undefined {
  const declarations = request.tools?.flatMap((tool) => tool.functionDeclarations ?? []) ?? [];
  for (const [i, declaration] of declarations.entries()) {
    const schema = JSON.stringify(declaration.parameters ?? {});
    for (const key of ["$schema", "additionalProperties", "exclusiveMinimum", "propertyNames"]) {
      if (schema.includes(`"${key}"`)) {
        return geminiError(
          400,
          "INVALID_ARGUMENT",
          `Invalid JSON payload received. Unknown name "${key}" at 'tools[0].function_declarations[${i}].parameters': Cannot find field.`,
        );
      }
    }
  }
  const contents = request.contents ?? [];
  for (let i = 1; i < contents.length; i++) {
    if (contents[i]!.role === contents[i - 1]!.role) {
      return geminiError(
        400,
        "INVALID_ARGUMENT",
        "Please ensure that multiturn requests alternate between user and model.",
      );
    }
  }
  return unsignedCall(contents) ?? unmatchedResponses(contents);
}

/** Gemini 3's check: the first call of each step of the current turn carries its signature. */
function unsignedCall(contents: GeminiContent[]): Response | undefined {
  const start = contents.findLastIndex((c) =>
    c.role === "user" && c.parts.some((p) => typeof p.text === "string" && !p.functionResponse)
  );
  for (const [i, content] of contents.entries()) {
    if (i <= start || content.role !== "model") continue;
    const first = content.parts.find((p) => p.functionCall);
    if (first && !first.thoughtSignature) {
      return geminiError(
        400,
        "INVALID_ARGUMENT",
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${
          first.functionCall!.name
        }\` , position ${
          i + 1
        }. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
  }
  return undefined;
}

/** Gemini's check: a turn of function responses answers every call of the turn before it. */
function unmatchedResponses(contents: GeminiContent[]): Response | undefined {
  for (let i = 1; i < contents.length; i++) {
    const responses = contents[i]!.parts.filter((p) => p.functionResponse).length;
    const calls = contents[i - 1]!.parts.filter((p) => p.functionCall).length;
    if (responses > 0 && responses !== calls) {
      return geminiError(
        400,
        "INVALID_ARGUMENT",
        "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
      );
    }
  }
  return undefined;
}

/** A Google API error answer. */
export function geminiError(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): Response {
  return jsonResponse({ error: { code, message, status, ...(details ? { details } : {}) } }, code);
}

/** The text of the last user turn that is not a function response. */
export function lastUserText(request: GeminiRequest): string {
  const last = request.contents.findLast((c) => c.role === "user");
  return last?.parts.map((p) => p.text ?? "").join("") ?? "";
}

/** The function responses of the last turn, by function name. */
export function functionResponses(request: GeminiRequest) {
  return request.contents.at(-1)?.parts.flatMap((p) =>
    p.functionResponse ? [p.functionResponse] : []
  ) ?? [];
}
