// Builds OpenAI content parts from Anthropic text, image and document blocks. Pure.
import type { ChatContentPart } from "../../wire/openai_types.ts";
import {
  type Block,
  blockAt,
  blocksOf,
  invalid,
  type Json,
  objectAt,
  quote,
  type RequestState,
  stringAt,
  textOf,
  unsupportedBlock,
} from "./request_state.ts";

/** Options for {@linkcode toOpenAIContentPart}. */
export interface ToOpenAIContentPartOptions {
  /** The block's path in the request, for error messages (e.g. "messages.0.content.1"). */
  path: string;
  state: RequestState;
  /** Where the block is, for the error on other block types (e.g. "a user message"). */
  where: string;
}

/**
 * Turns a text, image or document block into a content part. Text documents become text parts;
 * base64 PDFs become `file` parts when the provider takes them. Any other block is refused.
 */
export function toOpenAIContentPart(
  block: Block,
  { path, state, where }: ToOpenAIContentPartOptions,
): ChatContentPart {
  if (block.type === "text") return { type: "text", text: textOf(block, path) };
  if (block.type === "image") return imagePart(block, path);
  if (block.type === "document") return documentPart(block, path, state);
  throw unsupportedBlock(block, path, where);
}

function imagePart(block: Block, path: string): ChatContentPart {
  const source = objectAt(block, "source", path);
  if (source.type === "base64") {
    return { type: "image_url", image_url: { url: dataUrl(source, `${path}.source`) } };
  }
  if (source.type === "url") {
    return { type: "image_url", image_url: { url: stringAt(source, "url", `${path}.source`) } };
  }
  throw invalid(`${path}.source.type`, `unsupported image source type ${quote(source.type)}`);
}

function documentPart(block: Block, path: string, state: RequestState): ChatContentPart {
  const source = objectAt(block, "source", path);
  const title = typeof block.title === "string" && block.title !== "" ? block.title : undefined;
  if (source.type === "text" || source.type === "content") {
    const text = documentText(source, `${path}.source`, state);
    return { type: "text", text: title === undefined ? text : `${title}\n\n${text}` };
  }
  if (!(state.options.supportsDocuments ?? false)) {
    const name = state.options.providerName;
    const provider = name === undefined ? "the upstream provider" : `provider ${quote(name)}`;
    throw invalid(path, `documents are not supported by ${provider}`);
  }
  if (source.type !== "base64") {
    throw invalid(`${path}.source.type`, `unsupported document source type ${quote(source.type)}`);
  }
  const fileData = dataUrl(source, `${path}.source`);
  return { type: "file", file: { filename: title ?? "document.pdf", file_data: fileData } };
}

function documentText(source: Json, path: string, state: RequestState): string {
  if (source.type === "text") return stringAt(source, "data", path);
  if (typeof source.content === "string") return source.content;
  const blocks = blocksOf(source.content, `${path}.content`);
  const texts: string[] = [];
  for (let k = 0; k < blocks.length; k++) {
    const blockPath = `${path}.content.${k}`;
    texts.push(textOf(blockAt(blocks, k, blockPath, state), blockPath));
  }
  return texts.join("\n\n");
}

function dataUrl(source: Json, path: string): string {
  return `data:${stringAt(source, "media_type", path)};base64,${stringAt(source, "data", path)}`;
}
