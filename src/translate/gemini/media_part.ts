// Builds Gemini parts from Anthropic text, image, document and search-result blocks. Pure.
import type { GeminiPart } from "../../wire/gemini_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { invalid, objectAt, quote, stringAt, unsupportedBlock } from "../openai/request_state.ts";
import { type GeminiBlock, geminiBlockAt, type GeminiRequestState } from "./request_state.ts";

/** MIME types by file extension, for URLs (Gemini wants a MIME type with every file). */
const URL_MIME_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

/**
 * The part for a text, image, document or search-result block; `where` names the place for the
 * error on any other block (e.g. "a user message"). Text documents and search results become text.
 */
export function geminiMediaPart(
  block: GeminiBlock,
  path: string,
  state: GeminiRequestState,
  where: string,
): GeminiPart {
  switch (block.type) {
    case "text":
      return { text: stringAt(block, "text", path) };
    case "image":
      return filePart(objectAt(block, "source", path), `${path}.source`, "image");
    case "document":
      return documentPart(block, path, state);
    case "search_result":
      state.counts.searchResults++;
      return { text: searchResultText(block, path, state) };
    default:
      throw unsupportedBlock(block, path, where);
  }
}

function documentPart(block: GeminiBlock, path: string, state: GeminiRequestState): GeminiPart {
  const source = objectAt(block, "source", path);
  const title = typeof block.title === "string" && block.title !== "" ? block.title : undefined;
  if (source.type === "text" || source.type === "content") {
    const text = documentText(source, `${path}.source`, state);
    return { text: title === undefined ? text : `${title}\n\n${text}` };
  }
  return filePart(source, `${path}.source`, "document");
}

/** Base64 data as `inlineData`, a URL as `fileData`; other sources are refused. */
function filePart(
  source: Record<string, unknown>,
  path: string,
  kind: "image" | "document",
): GeminiPart {
  if (source.type === "base64") {
    const data = stringAt(source, "data", path);
    const mimeType = typeof source.media_type === "string" && source.media_type !== ""
      ? source.media_type
      : kind === "document"
      ? "application/pdf"
      : stringAt(source, "media_type", path);
    return { inlineData: { mimeType, data } };
  }
  if (source.type === "url") {
    const url = stringAt(source, "url", path);
    const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
    const mimeType = (extension && URL_MIME_TYPES[extension]) ??
      (kind === "document" ? "application/pdf" : undefined);
    return { fileData: mimeType ? { mimeType, fileUri: url } : { fileUri: url } };
  }
  throw invalid(`${path}.type`, `unsupported ${kind} source type ${quote(source.type)}`);
}

function documentText(
  source: Record<string, unknown>,
  path: string,
  state: GeminiRequestState,
): string {
  if (source.type === "text") return stringAt(source, "data", path);
  if (typeof source.content === "string") return source.content;
  return blockTexts(source.content, `${path}.content`, state);
}

function searchResultText(block: GeminiBlock, path: string, state: GeminiRequestState): string {
  const title = typeof block.title === "string" ? block.title : "";
  const source = typeof block.source === "string" ? block.source : "";
  const head = [title, source && source !== title ? `(${source})` : ""].filter(Boolean).join(" ");
  const body = typeof block.content === "string"
    ? block.content
    : blockTexts(block.content, `${path}.content`, state);
  return head === "" ? body : `${head}\n\n${body}`;
}

/** The texts of an array of text blocks, joined by blank lines. */
function blockTexts(content: unknown, path: string, state: GeminiRequestState): string {
  if (!Array.isArray(content)) throw invalid(path, "expected a string or an array of text blocks");
  const texts: string[] = [];
  for (let k = 0; k < content.length; k++) {
    const block = geminiBlockAt(content, k, `${path}.${k}`, state);
    if (block.type !== "text") throw unsupportedBlock(block, `${path}.${k}`, "text");
    texts.push(stringAt(block, "text", `${path}.${k}`));
  }
  return texts.join("\n\n");
}

/** Whether a part carries a file (inline or by URI) rather than text. */
export function isFilePart(part: GeminiPart): boolean {
  return isRecord(part.inlineData) || isRecord(part.fileData);
}
