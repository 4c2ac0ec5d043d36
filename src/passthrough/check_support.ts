// Refuses a Messages request that needs a feature the provider (or the model) lacks. Pure.
import { InvalidRequestError } from "../errors.ts";
import type { ProviderFeature } from "../providers/provider_format.ts";
import type { ContentBlock, MessagesRequestFields } from "../wire/anthropic_types.ts";

/** What {@linkcode checkSupport} needs to know about the provider and the model. */
export interface SupportOptions {
  /** The provider the request goes to: named in errors; only its own wrapped signatures survive. */
  provider: string;
  /** The upstream model name. */
  model: string;
  /**
   * What the provider cannot take: a request that needs it is refused with a 400; tool search is
   * resolved by the cleaning instead (deferred tools sent once referenced, references as text).
   */
  unsupported?: readonly ProviderFeature[];
  /** Refuse images because of the model's options rather than the provider. */
  modelRefusesImages?: boolean;
}

/** Refuses a request that needs a feature the provider lacks, naming where it is needed. */
export function checkSupport(request: MessagesRequestFields, options: SupportOptions): void {
  const unsupported = new Set(options.unsupported ?? []);
  const choice = request.tool_choice as { type?: string } | undefined;
  if (unsupported.has("tool_choice") && choice !== undefined && choice.type !== "auto") {
    throw new InvalidRequestError(
      `tool_choice: provider "${options.provider}" does not support tool_choice ` +
        `(got type ${JSON.stringify(choice.type ?? null)})`,
    );
  }
  const images = unsupported.has("images") || options.modelRefusesImages === true;
  if (!images && !unsupported.has("documents")) return;
  request.messages.forEach((message, i) => {
    if (typeof message.content === "string") return;
    message.content.forEach((block, j) => {
      const kinds = blockKinds(block);
      const path = `messages.${i}.content.${j}`;
      if (images && kinds.has("image")) {
        throw new InvalidRequestError(
          options.modelRefusesImages && !unsupported.has("images")
            ? `${path}: model "${options.model}" does not accept images (model_options images = false)`
            : `${path}: provider "${options.provider}" does not accept images`,
        );
      }
      if (unsupported.has("documents") && kinds.has("document")) {
        throw new InvalidRequestError(
          `${path}: provider "${options.provider}" does not accept documents`,
        );
      }
    });
  });
}

/** The media kinds a block carries, including inside a tool result. */
function blockKinds(block: ContentBlock): Set<string> {
  const kinds = new Set<string>([block.type]);
  if (block.type === "tool_result" && Array.isArray(block.content)) {
    for (const inner of block.content) kinds.add(inner.type);
  }
  return kinds;
}
