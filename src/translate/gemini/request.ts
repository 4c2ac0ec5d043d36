// Translates an Anthropic Messages request into a Gemini generateContent request. Pure.
import { resolveToolSearch } from "../anthropic/tool_search.ts";
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import type { GeminiGenerationConfig, GeminiRequest } from "../../wire/gemini_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { plural } from "../../util/plural.ts";
import { BILLING_HEADER_PREFIX } from "../openai/request.ts";
import { invalid, stringAt } from "../openai/request_state.ts";
import { toGeminiContents } from "./contents.ts";
import {
  createGeminiState,
  geminiBlockAt,
  geminiCountedNotes,
  type GeminiRequestState,
  type ToGeminiRequestOptions,
} from "./request_state.ts";
import { cleanGeminiSchema } from "./schema.ts";
import { geminiThinkingConfig } from "./thinking.ts";
import { toGeminiTools } from "./tools.ts";

export type { ToGeminiRequestOptions };

/** The translated request and human-readable notes on what was changed or dropped, for the log. */
export interface TranslatedGeminiRequest {
  request: GeminiRequest;
  changes: string[];
}

/** The largest `maxOutputTokens` any Gemini model takes; larger asks are capped to it. */
export const GEMINI_MAX_OUTPUT_TOKENS = 65536;
/** How many stop sequences Gemini takes. */
const GEMINI_MAX_STOP_SEQUENCES = 5;

/** Top-level request fields that are translated; every other field is dropped with a note. */
const TRANSLATED_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "stop_sequences",
  "temperature",
  "top_p",
  "top_k",
  "max_tokens",
  "stream",
  "thinking",
  "output_config",
]);

/**
 * Translates an Anthropic Messages request into a Gemini request: `system` → `systemInstruction`,
 * messages → `contents`, tools → `functionDeclarations` with cleaned schemas, `tool_choice` →
 * `toolConfig`, thinking and effort → `thinkingConfig`, sampling settings → `generationConfig`.
 * Throws an `InvalidRequestError` naming the path of anything it cannot translate.
 *
 * @example
 * ```ts
 * const { request, changes } = toGeminiRequest(body, {
 *   model: "gemini-2.5-pro",
 *   providerName: "gemini",
 * });
 * ```
 */
export function toGeminiRequest(
  client: MessagesRequest,
  options: ToGeminiRequestOptions,
): TranslatedGeminiRequest {
  const state = createGeminiState(options);
  // Tool search (deferred tools, tool_reference blocks) resolved as on the OpenAI formats.
  const { request: req, changes: searchChanges } = resolveToolSearch(client);
  state.changes.push(...searchChanges);
  const request: GeminiRequest = { contents: toGeminiContents(req.messages, state) };
  const system = joinSystem(req.system, state);
  if (system !== "") request.systemInstruction = { parts: [{ text: system }] };
  Object.assign(request, toGeminiTools(req, state));
  if (!options.countTokens) {
    const generationConfig = generationSettings(req, state, request.tools !== undefined);
    if (Object.keys(generationConfig).length > 0) request.generationConfig = generationConfig;
  }
  for (const key in req) {
    if (TRANSLATED_FIELDS.has(key) || req[key] === undefined) continue;
    state.changes.push(`dropped ${key}`);
  }
  state.changes.push(...geminiCountedNotes(state));
  return { request, changes: state.changes };
}

/** Joins the system prompt (a string or text blocks) with blank lines, without the billing header. */
function joinSystem(system: unknown, state: GeminiRequestState): string {
  if (system === undefined || typeof system === "string") return system ?? "";
  if (!Array.isArray(system)) {
    throw invalid("system", "expected a string or an array of text blocks");
  }
  const texts: string[] = [];
  for (let i = 0; i < system.length; i++) {
    const block = geminiBlockAt(system, i, `system.${i}`, state);
    if (block.type !== "text") throw invalid(`system.${i}.type`, "expected a text block");
    const text = stringAt(block, "text", `system.${i}`);
    if (text.startsWith(BILLING_HEADER_PREFIX)) state.changes.push("removed billing header");
    else if (text !== "") texts.push(text);
  }
  return texts.join("\n\n");
}

function generationSettings(
  req: MessagesRequest,
  state: GeminiRequestState,
  hasTools: boolean,
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const maxTokens = outputLimit(req.max_tokens, state);
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  if (typeof req.temperature === "number") config.temperature = req.temperature;
  if (typeof req.top_p === "number") config.topP = req.top_p;
  if (typeof req.top_k === "number") config.topK = req.top_k;
  if (Array.isArray(req.stop_sequences) && req.stop_sequences.length > 0) {
    const stops = req.stop_sequences.filter((s): s is string => typeof s === "string" && s !== "");
    if (stops.length > GEMINI_MAX_STOP_SEQUENCES) {
      state.changes.push(
        `kept the first ${GEMINI_MAX_STOP_SEQUENCES} of ${
          plural(stops.length, "stop sequence")
        } (Gemini's limit)`,
      );
    }
    if (stops.length > 0) config.stopSequences = stops.slice(0, GEMINI_MAX_STOP_SEQUENCES);
  }
  structuredOutput(req, config, { state, hasTools });
  const thinking = geminiThinkingConfig(req, {
    model: state.options.model,
    ...(state.options.forcedEffort ? { forcedEffort: state.options.forcedEffort } : {}),
  });
  if (thinking.config) {
    config.thinkingConfig = thinking.config;
    if (thinking.note) state.changes.push(thinking.note);
  } else if (
    req.thinking !== undefined && isRecord(req.thinking) && req.thinking.type !== "disabled"
  ) {
    state.changes.push(
      `dropped thinking (model "${state.options.model}" has no thinking settings)`,
    );
  }
  return config;
}

/** `max_tokens`, capped by the model options and by Gemini's largest output. */
function outputLimit(maxTokens: unknown, state: GeminiRequestState): number | undefined {
  if (typeof maxTokens !== "number") return undefined;
  const cap = Math.min(state.options.maxTokens ?? Infinity, GEMINI_MAX_OUTPUT_TOKENS);
  if (maxTokens <= cap) return maxTokens;
  state.changes.push(`max_tokens capped ${maxTokens} → ${cap}`);
  return cap;
}

/**
 * `output_config.format` (a JSON schema) → JSON output with the cleaned schema. Gemini refuses
 * JSON output together with function calling, so with tools the format is dropped with a note.
 */
function structuredOutput(
  req: MessagesRequest,
  config: GeminiGenerationConfig,
  { state, hasTools }: { state: GeminiRequestState; hasTools: boolean },
): void {
  const output = isRecord(req.output_config) ? req.output_config : undefined;
  for (const key in output) {
    if (key !== "effort" && key !== "format") state.changes.push(`dropped output_config.${key}`);
  }
  const format = output?.format;
  if (format === undefined || format === null) return;
  if (!isRecord(format) || format.type !== "json_schema" || !isRecord(format.schema)) {
    throw invalid("output_config.format", 'expected { type: "json_schema", schema: { … } }');
  }
  if (hasTools) {
    state.changes.push("dropped output_config.format (Gemini takes no JSON schema with tools)");
    return;
  }
  config.responseMimeType = "application/json";
  config.responseSchema = cleanGeminiSchema(format.schema);
  state.changes.push("output_config.format → responseSchema");
}
