// Estimates the input tokens of an Anthropic request for `POST /v1/messages/count_tokens`.
import type {
  ContentBlock,
  CountTokensRequest,
  DocumentBlock,
  ImageBlock,
  TextBlock,
  Tool,
  ToolChoice,
} from "../wire/anthropic_types.ts";
import { type ImageSize, imageSize } from "./image_size.ts";
import { jsonText } from "../util/json_text.ts";
import { pdfPageCount } from "./pdf_pages.ts";
import { type PieceCount, pieceCounter } from "./piece_counter.ts";
import { countTexts, TextMemo } from "./text_counter.ts";

/** Counts the tokens of one piece of text. */
export type TextCounter = (text: string) => number;

/** Fixed cost of a request: conversation start and the primed assistant turn. */
export const REQUEST_OVERHEAD_TOKENS = 3;
/** Per message: the role marker and turn separators around its content. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Per tool_use or tool_result block: its id and the markup around it. */
export const TOOL_BLOCK_OVERHEAD_TOKENS = 8;
/** Per tool definition: the markup around its name, description and schema. */
export const TOOL_DEFINITION_OVERHEAD_TOKENS = 8;
/** Tool-use system prompt Anthropic adds for Claude 4 models with `tool_choice` auto or none. */
export const TOOLS_PREAMBLE_TOKENS = 346;
/** The same preamble with `tool_choice` any or tool. */
export const TOOLS_PREAMBLE_FORCED_TOKENS = 313;

/** Anthropic bills an image as about width * height / 750 tokens after resizing. */
const IMAGE_PIXELS_PER_TOKEN = 750;
/** Images are scaled down so that the long edge is at most this many pixels. */
const IMAGE_MAX_LONG_EDGE = 1568;
/**
 * ... and so that they cost at most about this many tokens (1.2 megapixels): Anthropic resizes
 * past "~1,600 tokens" and recommends 1.15 megapixels to avoid that resize.
 */
const IMAGE_MAX_TOKENS = 1600;
/** URL, file and unreadable images: assume the largest size an image can cost. */
export const DEFAULT_IMAGE_TOKENS = IMAGE_MAX_TOKENS;

/**
 * A PDF page costs its text (Anthropic documents 1,500–3,000 tokens per page) plus a page image
 * (about 1,500 tokens at the resize limit); we take the low end of the text range.
 */
export const PDF_TOKENS_PER_PAGE = 3000;
/** When no `/Type /Page` object is visible (compressed object streams), guess pages by size. */
const PDF_BYTES_PER_PAGE = 50_000;
/** URL and file documents: assume one PDF page. */
export const DEFAULT_DOCUMENT_TOKENS = PDF_TOKENS_PER_PAGE;
/** Non-PDF base64 documents (plain text): about four bytes per token. */
const BYTES_PER_TEXT_TOKEN = 4;

/** Fields that hold opaque data (base64, signatures, ciphertext) and are never counted as text. */
const OPAQUE_FIELDS = new Set(["data", "signature", "encrypted_content", "encrypted_index"]);

/** Options for {@linkcode countTokens}. */
export interface CountTokensOptions {
  /** Stops a long count when the client has gone away. */
  signal?: AbortSignal;
}

/**
 * Counts the input tokens of a request with the o200k tokenizer, loaded on first use. Work grows
 * linearly with the request's text, and a long count gives the event loop a turn every 10 ms
 * (see {@linkcode countTexts}).
 *
 * @example
 * await countTokens({ model: "claude-sonnet-4", messages: [{ role: "user", content: "Hi" }] });
 */
export async function countTokens(
  req: CountTokensRequest,
  options: CountTokensOptions = {},
): Promise<number> {
  const count = await loadCounter();
  const { tokens, texts } = requestTexts(req);
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  return tokens + await countTexts(texts, count, { memo: MEMO, ...signal });
}

/** Counts the input tokens of a request with the given text counter; pure. */
export function countTokensWith(encode: TextCounter, req: CountTokensRequest): number {
  const { tokens, texts } = requestTexts(req);
  let total = tokens;
  for (const text of texts) total += encode(text);
  return total;
}

/** Returns the tokens of an image of the given size, or the default when the size is unknown. */
export function imageTokens(size: ImageSize | undefined): number {
  if (size === undefined) return DEFAULT_IMAGE_TOKENS;
  const { width, height } = size;
  const maxPixels = IMAGE_MAX_TOKENS * IMAGE_PIXELS_PER_TOKEN;
  const scale = Math.min(
    1,
    IMAGE_MAX_LONG_EDGE / Math.max(width, height),
    Math.sqrt(maxPixels / (width * height)),
  );
  const scaledWidth = Math.max(1, Math.floor(width * scale));
  const scaledHeight = Math.max(1, Math.floor(height * scale));
  return Math.ceil(scaledWidth * scaledHeight / IMAGE_PIXELS_PER_TOKEN);
}

/** What a request costs besides its texts, and the texts to tokenize. */
interface RequestTexts {
  tokens: number;
  texts: string[];
}

/**
 * Walks a request once, with an explicit stack (a tool_result or document nested any depth deep
 * costs no call stack), into fixed costs and the texts to count. Tool inputs and schemas become
 * their JSON text.
 */
function requestTexts(req: CountTokensRequest): RequestTexts {
  const out: RequestTexts = { tokens: REQUEST_OVERHEAD_TOKENS, texts: [] };
  addSystem(out, req.system);
  const blocks: unknown[] = [];
  for (const message of Array.isArray(req.messages) ? req.messages : []) {
    out.tokens += MESSAGE_OVERHEAD_TOKENS;
    addContent(out, message?.content, blocks);
    while (blocks.length > 0) addBlock(out, blocks.pop() as ContentBlock, blocks);
  }
  addTools(out, req.tools, req.tool_choice);
  return out;
}

function addText(out: RequestTexts, text: unknown): void {
  if (typeof text === "string" && text.length > 0) out.texts.push(text);
}

function addSystem(out: RequestTexts, system: unknown): void {
  if (typeof system === "string") return addText(out, system);
  if (!Array.isArray(system)) return;
  for (const block of system as TextBlock[]) addText(out, block?.text);
}

/** A string is text; an array's blocks go on `blocks`, in reverse so they pop in order. */
function addContent(out: RequestTexts, content: unknown, blocks: unknown[]): void {
  if (typeof content === "string") return addText(out, content);
  if (!Array.isArray(content)) return;
  for (let i = content.length - 1; i >= 0; i--) blocks.push(content[i]);
}

function addBlock(out: RequestTexts, block: ContentBlock, blocks: unknown[]): void {
  switch (block?.type) {
    case "text":
      return addText(out, block.text);
    case "image":
      out.tokens += countImage(block);
      return;
    case "document":
      return addDocument(out, block, blocks);
    case "tool_use":
      out.tokens += TOOL_BLOCK_OVERHEAD_TOKENS;
      addText(out, block.name);
      return addText(out, jsonText(block.input ?? {}));
    case "tool_result":
      out.tokens += TOOL_BLOCK_OVERHEAD_TOKENS;
      return addContent(out, block.content, blocks);
    case "thinking":
      return addText(out, block.thinking);
    case "redacted_thinking":
      return; // encrypted: no text reaches an OpenAI-compatible upstream
    default:
      return addOpaque(out, block);
  }
}

function countImage(block: ImageBlock): number {
  const source = block.source;
  if (source?.type !== "base64" || typeof source.data !== "string") return DEFAULT_IMAGE_TOKENS;
  return imageTokens(imageSize(source.data));
}

function addDocument(out: RequestTexts, block: DocumentBlock, blocks: unknown[]): void {
  const source = block.source;
  addText(out, block.title);
  addText(out, block.context);
  switch (source?.type) {
    case "text":
      return addText(out, source.data);
    case "content":
      return addContent(out, source.content, blocks);
    case "base64":
      if (typeof source.data !== "string") return;
      out.tokens += source.media_type === "application/pdf"
        ? pdfTokens(source.data)
        : Math.ceil(source.data.length * 3 / 4 / BYTES_PER_TEXT_TOKEN);
      return;
    default:
      out.tokens += DEFAULT_DOCUMENT_TOKENS;
  }
}

/** Server tool blocks and unknown blocks: their strings, skipping opaque fields, at any depth. */
function addOpaque(out: RequestTexts, block: unknown): void {
  const stack = [block];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") addText(out, value);
    else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value).filter(([key]) => !OPAQUE_FIELDS.has(key));
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]![1]);
    }
  }
}

function addTools(out: RequestTexts, tools: unknown, choice: unknown): void {
  if (!Array.isArray(tools) || tools.length === 0) return;
  const type = (choice as ToolChoice | undefined)?.type;
  const forced = type === "any" || type === "tool";
  out.tokens += forced ? TOOLS_PREAMBLE_FORCED_TOKENS : TOOLS_PREAMBLE_TOKENS;
  for (const tool of tools as Tool[]) {
    out.tokens += TOOL_DEFINITION_OVERHEAD_TOKENS;
    addText(out, tool?.name);
    addText(out, tool?.description);
    addText(out, tool?.type);
    if (tool?.input_schema !== undefined) addText(out, jsonText(tool.input_schema));
  }
}

/** Estimates a base64 PDF from its page count. */
function pdfTokens(base64: string): number {
  const pages = pdfPageCount(base64) ??
    Math.max(1, Math.ceil(base64.length * 3 / 4 / PDF_BYTES_PER_PAGE));
  return pages * PDF_TOKENS_PER_PAGE;
}

const MEMO = new TextMemo();
let counterPromise: Promise<PieceCount> | undefined;

/**
 * Loads gpt-tokenizer's default (o200k_base) encoding once. Special-token text such as
 * `<|endoftext|>` is counted as plain text instead of throwing. Text is counted by the encoder's
 * own pieces, each looked up once and none longer than 128 characters (see
 * {@linkcode pieceCounter}).
 */
function loadCounter(): Promise<PieceCount> {
  counterPromise ??= Promise.all([
    import("gpt-tokenizer"),
    import("gpt-tokenizer/encodingParams/constants"),
  ]).then(
    ([tokenizer, { O200K_TOKEN_SPLIT_REGEX }]) => {
      const options = { disallowedSpecial: new Set<string>() };
      const count = (piece: string) => tokenizer.countTokens(piece, options);
      return pieceCounter(count, O200K_TOKEN_SPLIT_REGEX);
    },
    (error: unknown) => {
      counterPromise = undefined;
      throw error;
    },
  );
  return counterPromise;
}
