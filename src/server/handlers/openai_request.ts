// The Chat Completions request for a route: the provider's quirks around the translation, the model's
// options, images refused where the model takes none.
import { InvalidRequestError } from "../../errors.ts";
import { applyAnthropicQuirks, applyRequestQuirks } from "../../quirks/apply_quirks.ts";
import { quirksByName } from "../../quirks/registry.ts";
import { findPreset } from "../../providers/presets.ts";
import type { Quirk, QuirkRequestContext } from "../../quirks/quirk.ts";
import type { Route } from "../../routing/route.ts";
import { toOpenAIRequest } from "../../translate/openai/request.ts";
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import type { ChatCompletionRequest } from "../../wire/openai_types.ts";
import type { RequestLog } from "../request_log.ts";

/** A translated request and what produced it, for sending, retrying and reading the answer. */
export interface OpenAIRequest {
  /** The Chat Completions request to send. */
  request: ChatCompletionRequest;
  /** The client's request after the history quirks. */
  body: MessagesRequest;
  quirks: readonly Quirk[];
  /** What the request and answer quirks see; their notes go to the log. */
  quirkContext: QuirkRequestContext;
}

/** What {@linkcode openaiRequest} needs: the client's body, its route, the log and `[params] drop`. */
export interface OpenAIRequestOptions {
  route: Route;
  log: RequestLog;
  drop: string[];
}

/**
 * Translates `client` for the route's provider: history quirks, the translation, the model's
 * options (max_tokens cap, forced effort), then the request quirks. Every change is noted in the log.
 */
export function openaiRequest(
  client: MessagesRequest,
  options: OpenAIRequestOptions,
): OpenAIRequest {
  const { route, log } = options;
  const { provider } = route;
  const quirks = quirksByName(provider.quirks);
  const context = {
    provider: provider.name,
    model: route.model,
    note: (change: string) => log.note(change),
  };
  const body = applyAnthropicQuirks(quirks, client, context);
  checkImages(body, route);
  const translated = toOpenAIRequest(body, {
    model: route.model,
    ...(route.options.reasoning !== undefined ? { reasoningModel: route.options.reasoning } : {}),
    ...(provider.sendReasoningEffort ? { sendReasoningEffort: true } : {}),
    maxEffort: provider.maxEffort,
    reasoningHistory: provider.reasoningHistory,
    supportsDocuments: provider.supportsDocuments,
    providerName: provider.name,
    drop: options.drop,
    structuredOutput: findPreset(provider.preset)?.structuredOutput ?? "instruction",
  });
  for (const change of translated.changes) log.note(change);
  for (const change of applyModelOptions(translated.request, route)) log.note(change);
  const quirkContext = { ...context, anthropic: body };
  const request = applyRequestQuirks(quirks, translated.request, quirkContext);
  return { request, body, quirks, quirkContext };
}

/** Caps max_tokens and forces the reasoning effort from the per-model options; returns the changes. */
function applyModelOptions(request: ChatCompletionRequest, route: Route): string[] {
  const changes: string[] = [];
  const cap = route.options.maxTokens;
  if (cap !== undefined) {
    for (const field of ["max_tokens", "max_completion_tokens"] as const) {
      const value = request[field];
      if (typeof value === "number" && value > cap) {
        request[field] = cap;
        changes.push(`max_tokens capped ${value} → ${cap}`);
      }
    }
  }
  const effort = route.options.reasoningEffort;
  if (effort !== undefined && request.reasoning_effort !== effort) {
    request.reasoning_effort = effort;
    changes.push(`reasoning_effort set to ${effort} by model options`);
  }
  return changes;
}

/** Refuses images for models configured without image support, naming where the image is. */
function checkImages(body: MessagesRequest, route: Route): void {
  if (route.options.images !== false) return;
  body.messages.forEach((message, i) => {
    if (typeof message.content === "string") return;
    message.content.forEach((block, j) => {
      const nested = block.type === "tool_result" && Array.isArray(block.content) &&
        block.content.some((b) => b.type === "image");
      if (block.type === "image" || nested) {
        throw new InvalidRequestError(
          `messages.${i}.content.${j}: model "${route.model}" does not accept images ` +
            `(model_options images = false)`,
        );
      }
    });
  });
}
