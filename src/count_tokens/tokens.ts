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
import { pieceCounter } from "./piece_counter.ts";

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

/**
 * Counts the input tokens of a request with the o200k tokenizer, loaded on first use.
 *
 * @example
 * await countTokens({ model: "claude-sonnet-4", messages: [{ role: "user", content: "Hi" }] });
 */
export async function countTokens(req: CountTokensRequest): Promise<number> {
  const count = await loadCounter();
  return countTokensWith(count, req);
}

/** Counts the input tokens of a request with the given text counter; pure. */
export function countTokensWith(encode: TextCounter, req: CountTokensRequest): number {
  let total = REQUEST_OVERHEAD_TOKENS + countSystem(encode, req.system);
  for (const message of Array.isArray(req.messages) ? req.messages : []) {
    total += MESSAGE_OVERHEAD_TOKENS + countContent(encode, message?.content);
  }
  return total + countTools(encode, req.tools, req.tool_choice);
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

function countText(encode: TextCounter, text: unknown): number {
  return typeof text === "string" && text.length > 0 ? encode(text) : 0;
}

function countSystem(encode: TextCounter, system: unknown): number {
  if (typeof system === "string") return countText(encode, system);
  if (!Array.isArray(system)) return 0;
  let total = 0;
  for (const block of system as TextBlock[]) total += countText(encode, block?.text);
  return total;
}

function countContent(encode: TextCounter, content: unknown): number {
  if (typeof content === "string") return countText(encode, content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const block of content as ContentBlock[]) total += countBlock(encode, block);
  return total;
}

function countBlock(encode: TextCounter, block: ContentBlock): number {
  switch (block?.type) {
    case "text":
      return countText(encode, block.text);
    case "image":
      return countImage(block);
    case "document":
      return countDocument(encode, block);
    case "tool_use":
      return TOOL_BLOCK_OVERHEAD_TOKENS + countText(encode, block.name) +
        countText(encode, JSON.stringify(block.input ?? {}));
    case "tool_result":
      return TOOL_BLOCK_OVERHEAD_TOKENS + countContent(encode, block.content);
    case "thinking":
      return countText(encode, block.thinking);
    case "redacted_thinking":
      return 0; // encrypted: no text reaches an OpenAI-compatible upstream
    default:
      return countOpaque(encode, block);
  }
}

function countImage(block: ImageBlock): number {
  const source = block.source;
  if (source?.type !== "base64" || typeof source.data !== "string") return DEFAULT_IMAGE_TOKENS;
  return imageTokens(imageSize(source.data));
}

function countDocument(encode: TextCounter, block: DocumentBlock): number {
  const source = block.source;
  const meta = countText(encode, block.title) + countText(encode, block.context);
  switch (source?.type) {
    case "text":
      return meta + countText(encode, source.data);
    case "content":
      return meta + countContent(encode, source.content);
    case "base64":
      if (typeof source.data !== "string") return meta;
      if (source.media_type === "application/pdf") return meta + pdfTokens(source.data);
      return meta + Math.ceil(source.data.length * 3 / 4 / BYTES_PER_TEXT_TOKEN);
    default:
      return meta + DEFAULT_DOCUMENT_TOKENS;
  }
}

/** Server tool blocks and unknown blocks: counts their strings, skipping opaque fields. */
function countOpaque(encode: TextCounter, value: unknown): number {
  if (typeof value === "string") return countText(encode, value);
  if (typeof value !== "object" || value === null) return 0;
  let total = 0;
  if (Array.isArray(value)) {
    for (const item of value) total += countOpaque(encode, item);
    return total;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!OPAQUE_FIELDS.has(key)) total += countOpaque(encode, item);
  }
  return total;
}

function countTools(
  encode: TextCounter,
  tools: unknown,
  choice: unknown,
): number {
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  const type = (choice as ToolChoice | undefined)?.type;
  const forced = type === "any" || type === "tool";
  let total = forced ? TOOLS_PREAMBLE_FORCED_TOKENS : TOOLS_PREAMBLE_TOKENS;
  for (const tool of tools as Tool[]) {
    total += TOOL_DEFINITION_OVERHEAD_TOKENS + countText(encode, tool?.name) +
      countText(encode, tool?.description) + countText(encode, tool?.type);
    if (tool?.input_schema !== undefined) {
      total += countText(encode, JSON.stringify(tool.input_schema));
    }
  }
  return total;
}

/** Estimates a base64 PDF from its page count. */
function pdfTokens(base64: string): number {
  const pages = pdfPageCount(base64) ??
    Math.max(1, Math.ceil(base64.length * 3 / 4 / PDF_BYTES_PER_PAGE));
  return pages * PDF_TOKENS_PER_PAGE;
}

/** Base64 characters decoded per step while scanning a PDF (1.5 MiB of data). */
const PDF_SCAN_CHARS = 2 * 1024 * 1024;
const PDF_PAGE_PATTERN = /\/Type\s*\/Page(?![A-Za-z])/g;
/** Characters carried between steps so a marker split by a step boundary is still seen. */
const PDF_SCAN_OVERLAP = 32;

/** Counts `/Type /Page` objects in a base64 PDF, or undefined when none is visible. */
function pdfPageCount(base64: string): number | undefined {
  let pages = 0;
  let tail = "";
  for (let start = 0; start < base64.length; start += PDF_SCAN_CHARS) {
    let binary: string;
    try {
      binary = tail + atob(base64.slice(start, start + PDF_SCAN_CHARS));
    } catch {
      return undefined;
    }
    for (const match of binary.matchAll(PDF_PAGE_PATTERN)) {
      if (match.index + match[0].length > tail.length) pages++;
    }
    tail = binary.slice(-PDF_SCAN_OVERLAP);
  }
  return pages > 0 ? pages : undefined;
}

/** Strings shorter than this are counted directly; longer ones are memoized. */
const MEMO_MIN_CHARS = 256;
/** Total characters of memoized keys kept before the oldest entries are dropped. */
const MEMO_MAX_CHARS = 4 * 1024 * 1024;

let counterPromise: Promise<TextCounter> | undefined;

/**
 * Loads gpt-tokenizer's default (o200k_base) encoding once. Special-token text such as
 * `<|endoftext|>` is counted as plain text instead of throwing. Text is counted by the encoder's
 * own pieces, each looked up once (see {@linkcode pieceCounter}); Claude Code resends the same
 * system prompt and tool definitions on every call, so long strings are memoized whole too.
 */
function loadCounter(): Promise<TextCounter> {
  counterPromise ??= Promise.all([
    import("gpt-tokenizer"),
    import("gpt-tokenizer/encodingParams/constants"),
  ]).then(
    ([tokenizer, { O200K_TOKEN_SPLIT_REGEX }]) => {
      const options = { disallowedSpecial: new Set<string>() };
      const count = (piece: string) => tokenizer.countTokens(piece, options);
      return memoize(pieceCounter(count, O200K_TOKEN_SPLIT_REGEX));
    },
    (error: unknown) => {
      counterPromise = undefined;
      throw error;
    },
  );
  return counterPromise;
}

function memoize(count: TextCounter): TextCounter {
  const memo = new Map<string, number>();
  let memoChars = 0;
  return (text) => {
    if (text.length < MEMO_MIN_CHARS || text.length > MEMO_MAX_CHARS) return count(text);
    const known = memo.get(text);
    if (known !== undefined) { // move to the back so the least recently used goes first
      memo.delete(text);
      memo.set(text, known);
      return known;
    }
    const tokens = count(text);
    memo.set(text, tokens);
    memoChars += text.length;
    for (const key of memo.keys()) {
      if (memoChars <= MEMO_MAX_CHARS) break;
      memo.delete(key);
      memoChars -= key.length;
    }
    return tokens;
  };
}
