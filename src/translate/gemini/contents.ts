// Translates Anthropic messages into Gemini contents: parts, function calls and responses, signatures. Pure.
import type {
  GeminiContent,
  GeminiFunctionResponsePart,
  GeminiPart,
} from "../../wire/gemini_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { blocksOf, invalid, quote, stringAt, unsupportedBlock } from "../openai/request_state.ts";
import { EMPTY_TOOL_RESULT } from "../openai/request.ts";
import { searchResultsText } from "../web_search.ts";
import { geminiMediaPart, isFilePart } from "./media_part.ts";
import {
  type GeminiBlock,
  geminiBlockAt,
  type GeminiRequestState,
  upstreamName,
} from "./request_state.ts";
import { geminiVersion } from "./thinking.ts";
import {
  checksSignatures,
  readToolUseId,
  SKIP_SIGNATURE,
  thoughtSignatureOf,
} from "./thought_signature.ts";

/** Assistant block types run by Anthropic's servers; Gemini cannot use them. */
const SERVER_BLOCK = /^(?:server_tool_use|mcp_tool_use|mcp_tool_result|container_upload)$|_result$/;

/**
 * Translates `messages` into Gemini contents: user → "user", assistant → "model", mid-conversation
 * system messages → user text. Runs of one role are joined into one content, as Gemini reads a
 * conversation as alternating turns. Throws an `InvalidRequestError` naming the path of anything it
 * cannot translate.
 */
export function toGeminiContents(messages: unknown, state: GeminiRequestState): GeminiContent[] {
  if (!Array.isArray(messages)) throw invalid("messages", "expected an array of messages");
  const callNames = toolCallNames(messages, state);
  const contents: GeminiContent[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const path = `messages.${i}`;
    if (!isRecord(message)) throw invalid(path, "expected a message object");
    let content: GeminiContent;
    if (message.role === "user") content = userContent(message.content, path, state, callNames);
    else if (message.role === "assistant") content = modelContent(message.content, path, state);
    else if (message.role === "system") {
      content = userContent(message.content, path, state, callNames);
      if (content.parts.length > 0) state.counts.systemMessage++;
    } else throw invalid(`${path}.role`, `unsupported role ${quote(message.role)}`);
    if (content.parts.length === 0) {
      state.counts.emptyMessage++;
      continue;
    }
    const last = contents.at(-1);
    if (last && last.role === content.role) last.parts.push(...content.parts);
    else contents.push(content);
  }
  return contents;
}

/** Every tool_use id in the history → the function name Gemini knows it by. */
function toolCallNames(messages: unknown[], state: GeminiRequestState): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (!isRecord(message) || message.role !== "assistant" || !Array.isArray(message.content)) {
      continue;
    }
    for (const block of message.content) {
      if (!isRecord(block) || block.type !== "tool_use") continue;
      if (typeof block.id === "string" && typeof block.name === "string") {
        names.set(block.id, upstreamName(state, block.name));
      }
    }
  }
  return names;
}

/**
 * A user turn: function responses first (with their files), then text, images and documents. A
 * tool_result whose call is not in the history becomes text.
 */
function userContent(
  content: unknown,
  path: string,
  state: GeminiRequestState,
  callNames: Map<string, string>,
): GeminiContent {
  if (typeof content === "string") return { role: "user", parts: stringParts(content) };
  const blocks = blocksOf(content, `${path}.content`);
  const responses: GeminiPart[] = [];
  const parts: GeminiPart[] = [];
  for (let j = 0; j < blocks.length; j++) {
    const blockPath = `${path}.content.${j}`;
    const block = geminiBlockAt(blocks, j, blockPath, state);
    if (block.type === "tool_result") {
      functionResponse(block, blockPath, { state, callNames, responses, parts });
    } else if (block.type === "text") {
      parts.push(...textParts(stringAt(block, "text", blockPath), state));
    } else parts.push(geminiMediaPart(block, blockPath, state, "a user message"));
  }
  return { role: "user", parts: responses.concat(parts) };
}

interface ResultTarget {
  state: GeminiRequestState;
  callNames: Map<string, string>;
  /** Where function responses (and, before Gemini 3, their files) go. */
  responses: GeminiPart[];
  /** Where the text of a result without a call goes. */
  parts: GeminiPart[];
}

/**
 * A tool_result as a `functionResponse`: `{ output }`, or `{ error }` when `is_error`. Its images
 * and PDFs ride inside the response on Gemini 3 and later, and follow it as parts before that.
 */
function functionResponse(block: GeminiBlock, path: string, target: ResultTarget): void {
  const { state, callNames } = target;
  const id = stringAt(block, "tool_use_id", path);
  const texts: string[] = [];
  const files: GeminiPart[] = [];
  if (typeof block.content === "string") texts.push(block.content);
  else if (block.content !== undefined && block.content !== null) {
    const inner = blocksOf(block.content, `${path}.content`);
    for (let k = 0; k < inner.length; k++) {
      const innerPath = `${path}.content.${k}`;
      const part = geminiMediaPart(
        geminiBlockAt(inner, k, innerPath, state),
        innerPath,
        state,
        "a tool_result",
      );
      if (isFilePart(part)) files.push(part);
      else if (typeof part.text === "string" && part.text !== "") texts.push(part.text);
    }
  }
  const text = texts.join("\n");
  const name = callNames.get(id);
  if (name === undefined) {
    state.counts.orphanResult++;
    const label = `Result of tool call ${id}${block.is_error === true ? " (error)" : ""}:`;
    target.parts.push({ text: `${label}\n${text || EMPTY_TOOL_RESULT}` }, ...files);
    return;
  }
  const key = block.is_error === true ? "error" : "output";
  const response: GeminiPart["functionResponse"] & object = {
    name,
    response: { [key]: text || EMPTY_TOOL_RESULT },
  };
  const { callId } = readToolUseId(id);
  if (callId !== undefined) response.id = callId;
  if (files.length > 0) {
    state.counts.toolAttachment += files.length;
    if ((geminiVersion(state.options.model)?.major ?? 0) >= 3) {
      response.parts = files.map((part) => part as GeminiFunctionResponsePart);
    } else {
      target.responses.push({ functionResponse: response }, ...files);
      return;
    }
  }
  target.responses.push({ functionResponse: response });
}

/**
 * A model turn: text, signed thought parts, function calls with their signatures. Thinking Gemini
 * did not sign (another provider's, or a summary without a signature) is dropped, as is
 * redacted thinking; the first call of a turn without a signature gets the skip sentinel on models
 * that check signatures.
 */
function modelContent(content: unknown, path: string, state: GeminiRequestState): GeminiContent {
  if (typeof content === "string") return { role: "model", parts: stringParts(content) };
  const blocks = blocksOf(content, `${path}.content`);
  const parts: GeminiPart[] = [];
  let calls = 0;
  for (let j = 0; j < blocks.length; j++) {
    const blockPath = `${path}.content.${j}`;
    const block = geminiBlockAt(blocks, j, blockPath, state);
    if (block.type === "text") parts.push(...textParts(stringAt(block, "text", blockPath), state));
    else if (block.type === "tool_use") parts.push(functionCall(block, blockPath, state, calls++));
    else if (block.type === "thinking") {
      const thought = thoughtPart(block, blockPath, state);
      if (thought) parts.push(thought);
    } else if (block.type === "redacted_thinking") state.counts.redactedThinking++;
    else if (block.type === "web_search_tool_result") {
      parts.push({ text: searchResultsText(block.content) });
      state.counts.searchResults++;
    } else if (SERVER_BLOCK.test(block.type)) state.counts.serverBlock++;
    else throw unsupportedBlock(block, blockPath, "an assistant message");
  }
  return { role: "model", parts };
}

function thoughtPart(
  block: GeminiBlock,
  path: string,
  state: GeminiRequestState,
): GeminiPart | undefined {
  const thinking = stringAt(block, "thinking", path);
  const signature = thoughtSignatureOf(block.signature, state.options.providerName);
  if (signature === undefined) {
    state.counts.thinkingDropped++;
    return undefined;
  }
  state.counts.thoughtKept++;
  return { text: thinking, thought: true, thoughtSignature: signature };
}

function functionCall(
  block: GeminiBlock,
  path: string,
  state: GeminiRequestState,
  position: number,
): GeminiPart {
  const id = stringAt(block, "id", path);
  if (id === "") throw invalid(`${path}.id`, "expected a non-empty string");
  const name = upstreamName(state, stringAt(block, "name", path));
  const args = isRecord(block.input) ? block.input : {};
  const { callId, signature } = readToolUseId(id);
  const part: GeminiPart = { functionCall: { ...(callId ? { id: callId } : {}), name, args } };
  if (signature !== undefined) {
    part.thoughtSignature = signature;
    state.counts.signedCall++;
  } else if (position === 0 && checksSignatures(state.options.model)) {
    part.thoughtSignature = SKIP_SIGNATURE;
    state.counts.unsignedCall++;
  }
  return part;
}

/** A message's string content as a part, or nothing when it is empty (the message is counted). */
function stringParts(text: string): GeminiPart[] {
  return text === "" ? [] : [{ text }];
}

/** A text block as a part, or nothing for an empty text (counted). */
function textParts(text: string, state: GeminiRequestState): GeminiPart[] {
  if (text !== "") return [{ text }];
  state.counts.emptyText++;
  return [];
}
