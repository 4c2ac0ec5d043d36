// Tests for the content parts built from Anthropic text, image and document blocks.
import assert from "node:assert/strict";
import { toOpenAIContentPart } from "../../../src/translate/openai/content_part.ts";
import type { ToOpenAIRequestOptions } from "../../../src/translate/openai/request.ts";
import { type Block, createRequestState } from "../../../src/translate/openai/request_state.ts";
import { invalidRequestMessage } from "../../helpers/invalid_request.ts";

const PNG = { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } as const;
const PDF = {
  type: "document",
  title: "report.pdf",
  source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" },
};
const PATH = "messages.3.content.1";

/** Builds the part for `block` as the second block of the fourth message, a user message. */
function part(block: Record<string, unknown>, options: Partial<ToOpenAIRequestOptions> = {}) {
  const state = createRequestState({ model: "gpt-4o", ...options });
  return toOpenAIContentPart(block as Block, { path: PATH, state, where: "a user message" });
}

Deno.test("toOpenAIContentPart turns a text block into a text part", () => {
  assert.deepEqual(part({ type: "text", text: "what is this?" }), {
    type: "text",
    text: "what is this?",
  });
});

Deno.test("toOpenAIContentPart turns base64 and url images into image_url parts", () => {
  assert.deepEqual(part({ type: "image", source: PNG }), {
    type: "image_url",
    image_url: { url: "data:image/png;base64,iVBORw0KGgo=" },
  });
  const url = { type: "url", url: "https://example.com/cat.jpg" };
  assert.deepEqual(part({ type: "image", source: url }), {
    type: "image_url",
    image_url: { url: "https://example.com/cat.jpg" },
  });
});

Deno.test("toOpenAIContentPart refuses an image with a file source, naming the path", () => {
  const message = invalidRequestMessage(() =>
    part({ type: "image", source: { type: "file", file_id: "f" } })
  );
  assert.equal(message, 'messages.3.content.1.source.type: unsupported image source type "file"');
});

Deno.test("toOpenAIContentPart refuses PDF documents by default, naming the path and provider", () => {
  const named = invalidRequestMessage(() => part(PDF, { providerName: "deepseek" }));
  assert.equal(named, 'messages.3.content.1: documents are not supported by provider "deepseek"');
  const unnamed = invalidRequestMessage(() => part(PDF));
  assert.equal(
    unnamed,
    "messages.3.content.1: documents are not supported by the upstream provider",
  );
});

Deno.test("toOpenAIContentPart sends PDF documents as file parts when the provider supports them", () => {
  assert.deepEqual(part(PDF, { supportsDocuments: true }), {
    type: "file",
    file: { filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0x" },
  });
});

Deno.test("toOpenAIContentPart always turns text documents into text parts", () => {
  const plain = { type: "text", media_type: "text/plain", data: "body" };
  assert.deepEqual(part({ type: "document", source: plain }), { type: "text", text: "body" });
  const titled = { type: "document", title: "Notes", source: { type: "content", content: "more" } };
  assert.deepEqual(part(titled), { type: "text", text: "Notes\n\nmore" });
  const blocks = [{ type: "text", text: "one" }, { type: "text", text: "two" }];
  assert.deepEqual(part({ type: "document", source: { type: "content", content: blocks } }), {
    type: "text",
    text: "one\n\ntwo",
  });
});

Deno.test("toOpenAIContentPart refuses other block types, naming the path and where they are", () => {
  const message = invalidRequestMessage(() => part({ type: "tool_use", id: "t", name: "n" }));
  assert.equal(
    message,
    'messages.3.content.1.type: unsupported content block type "tool_use" in a user message',
  );
});
