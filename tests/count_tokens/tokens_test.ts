// Tests for request token counting.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { countTokens as tokenizerCount } from "gpt-tokenizer";
import type { ContentBlock, CountTokensRequest, Tool } from "../../src/wire/anthropic_types.ts";
import {
  countTokens,
  countTokensWith,
  DEFAULT_DOCUMENT_TOKENS,
  DEFAULT_IMAGE_TOKENS,
  imageTokens,
  MESSAGE_OVERHEAD_TOKENS,
  PDF_TOKENS_PER_PAGE,
  REQUEST_OVERHEAD_TOKENS,
  TOOL_BLOCK_OVERHEAD_TOKENS,
  TOOL_DEFINITION_OVERHEAD_TOKENS,
  TOOLS_PREAMBLE_FORCED_TOKENS,
  TOOLS_PREAMBLE_TOKENS,
} from "../../src/count_tokens/tokens.ts";

/** A fake counter: one token per character, so expected totals are plain arithmetic. */
const byChars = (text: string) => text.length;
const EMPTY = REQUEST_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS;

function fixtureBase64(name: string): string {
  const bytes = readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function userSays(content: string | ContentBlock[]): CountTokensRequest {
  return { model: "claude-sonnet-4", messages: [{ role: "user", content }] };
}

function withBlocks(...blocks: ContentBlock[]): number {
  return countTokensWith(byChars, userSays(blocks));
}

const PNG_1000 = fixtureBase64("white_1000x1000.png");

Deno.test("countTokens counts 'hello world' as its 2 o200k tokens plus the overheads", async () => {
  assert.equal(tokenizerCount("hello world"), 2);
  assert.equal(await countTokens(userSays("hello world")), EMPTY + 2);
});

Deno.test("countTokens agrees with the o200k tokenizer piece by piece", async () => {
  const text = "Grüße, 世界! function add(a, b) { return a + b; } 🎉";
  const req: CountTokensRequest = { ...userSays(text), system: "You are terse." };
  const expected = EMPTY + tokenizerCount(text) + tokenizerCount("You are terse.");
  assert.equal(await countTokens(req), expected);
});

Deno.test("countTokens counts special-token text as plain text instead of throwing", async () => {
  const text = "a <|endoftext|> b <|im_start|>";
  assert.throws(() => tokenizerCount(text));
  const asText = tokenizerCount(text, { disallowedSpecial: new Set() });
  assert.ok(asText > 4); // each marker is several plain-text tokens, not one special token
  assert.equal(await countTokens(userSays(text)), EMPTY + asText);
});

Deno.test("countTokensWith counts a string and a block system prompt", () => {
  const base = countTokensWith(byChars, userSays("hi"));
  assert.equal(base, EMPTY + 2);
  assert.equal(countTokensWith(byChars, { ...userSays("hi"), system: "abcde" }), base + 5);
  const blocks = [{ type: "text" as const, text: "abc" }, { type: "text" as const, text: "de" }];
  assert.equal(countTokensWith(byChars, { ...userSays("hi"), system: blocks }), base + 5);
});

Deno.test("countTokensWith adds the overhead and content of every message", () => {
  const req: CountTokensRequest = {
    model: "m",
    messages: [
      { role: "user", content: "abc" },
      { role: "assistant", content: [{ type: "text", text: "de" }] },
      { role: "system", content: "f" },
    ],
  };
  assert.equal(countTokensWith(byChars, req), REQUEST_OVERHEAD_TOKENS + 3 * 4 + 6);
});

Deno.test("countTokensWith counts tool definitions with the tool-use preamble", () => {
  const schema = { type: "object", properties: { path: { type: "string" } } };
  const tool: Tool = { name: "Read", description: "Reads a file", input_schema: schema };
  const perTool = TOOL_DEFINITION_OVERHEAD_TOKENS + 4 + 12 + JSON.stringify(schema).length;
  const base = countTokensWith(byChars, userSays("hi"));
  const one = countTokensWith(byChars, { ...userSays("hi"), tools: [tool] });
  assert.equal(one, base + TOOLS_PREAMBLE_TOKENS + perTool);
  const two = countTokensWith(byChars, { ...userSays("hi"), tools: [tool, tool] });
  assert.equal(two, one + perTool);
  const forced = countTokensWith(byChars, {
    ...userSays("hi"),
    tools: [tool],
    tool_choice: { type: "any" },
  });
  assert.equal(forced, base + TOOLS_PREAMBLE_FORCED_TOKENS + perTool);
  assert.equal(countTokensWith(byChars, { ...userSays("hi"), tools: [] }), base);
});

Deno.test("countTokensWith counts a server tool definition by its name and type", () => {
  const tool: Tool = { type: "web_search_20250305", name: "web_search", max_uses: 5 };
  const base = countTokensWith(byChars, userSays("hi"));
  const expected = base + TOOLS_PREAMBLE_TOKENS + TOOL_DEFINITION_OVERHEAD_TOKENS + 10 + 19;
  assert.equal(countTokensWith(byChars, { ...userSays("hi"), tools: [tool] }), expected);
});

Deno.test("countTokensWith counts tool_use name and input JSON and tool_result content", () => {
  const input = { command: "ls -la" };
  const toolUse = withBlocks({ type: "tool_use", id: "toolu_1", name: "Bash", input });
  assert.equal(toolUse, EMPTY + TOOL_BLOCK_OVERHEAD_TOKENS + 4 + JSON.stringify(input).length);
  const asString = withBlocks({ type: "tool_result", tool_use_id: "toolu_1", content: "file.txt" });
  assert.equal(asString, EMPTY + TOOL_BLOCK_OVERHEAD_TOKENS + 8);
  const asBlocks = withBlocks({
    type: "tool_result",
    tool_use_id: "toolu_1",
    content: [
      { type: "text", text: "file.txt" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1000 } },
    ],
  });
  assert.equal(asBlocks, asString + 1334);
});

Deno.test("countTokensWith counts thinking text and skips redacted thinking", () => {
  const thinking = withBlocks({ type: "thinking", thinking: "hmm", signature: "c2lnbmF0dXJl" });
  assert.equal(thinking, EMPTY + 3);
  assert.equal(withBlocks({ type: "redacted_thinking", data: "ZW5jcnlwdGVk" }), EMPTY);
});

Deno.test("countTokensWith charges a 1000x1000 PNG about 1334 tokens", () => {
  const image = { type: "base64" as const, media_type: "image/png", data: PNG_1000 };
  assert.equal(withBlocks({ type: "image", source: image }), EMPTY + 1334);
});

Deno.test("countTokensWith never passes base64 image or document data to the counter", () => {
  const seen: string[] = [];
  const spy = (text: string) => {
    seen.push(text);
    return text.length;
  };
  countTokensWith(
    spy,
    userSays([
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1000 } },
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
      },
    ]),
  );
  assert.deepEqual(seen, []);
});

Deno.test("countTokensWith uses the default for URL, file and unreadable images", () => {
  assert.equal(DEFAULT_IMAGE_TOKENS, 1600);
  const url = withBlocks({ type: "image", source: { type: "url", url: "https://x/cat.png" } });
  assert.equal(url, EMPTY + DEFAULT_IMAGE_TOKENS);
  const file = withBlocks({ type: "image", source: { type: "file", file_id: "file_1" } });
  assert.equal(file, EMPTY + DEFAULT_IMAGE_TOKENS);
  const junk = { type: "base64" as const, media_type: "image/png", data: btoa("not an image") };
  assert.equal(withBlocks({ type: "image", source: junk }), EMPTY + DEFAULT_IMAGE_TOKENS);
});

Deno.test("imageTokens scales down to a 1568 px long edge and about 1600 tokens", () => {
  assert.equal(imageTokens({ width: 1000, height: 1000 }), 1334);
  assert.equal(imageTokens({ width: 1092, height: 1092 }), 1590); // Anthropic's table: ~1590
  assert.equal(imageTokens({ width: 8000, height: 1000 }), Math.ceil(1568 * 196 / 750));
  const huge = imageTokens({ width: 4000, height: 3000 });
  assert.ok(huge > 1550 && huge <= 1600, `got ${huge}`);
  assert.equal(imageTokens({ width: 1, height: 1 }), 1);
  assert.equal(imageTokens(undefined), DEFAULT_IMAGE_TOKENS);
});

Deno.test("countTokensWith counts text documents and estimates PDFs by page", () => {
  const text = withBlocks({
    type: "document",
    source: { type: "text", media_type: "text/plain", data: "abcdef" },
    title: "T",
  });
  assert.equal(text, EMPTY + 7);
  const pdf = "%PDF-1.4\n1 0 obj << /Type /Pages /Count 3 >> endobj\n" +
    "2 0 obj << /Type /Page >> endobj 3 0 obj <</Type/Page/Parent 1 0 R>> endobj\n" +
    "4 0 obj << /Type /Page >> endobj\n%%EOF";
  const threePages = withBlocks({
    type: "document",
    source: { type: "base64", media_type: "application/pdf", data: btoa(pdf) },
  });
  assert.equal(threePages, EMPTY + 3 * PDF_TOKENS_PER_PAGE);
  const opaque = withBlocks({
    type: "document",
    source: { type: "base64", media_type: "application/pdf", data: btoa("%PDF-1.7 compressed") },
  });
  assert.equal(opaque, EMPTY + PDF_TOKENS_PER_PAGE);
  const url = withBlocks({ type: "document", source: { type: "url", url: "https://x/a.pdf" } });
  assert.equal(url, EMPTY + DEFAULT_DOCUMENT_TOKENS);
});

Deno.test("countTokensWith counts server tool blocks without their encrypted content", () => {
  const result = withBlocks({
    type: "web_search_tool_result",
    tool_use_id: "srvtoolu_1",
    content: [{ type: "web_search_result", title: "Deno", encrypted_content: "x".repeat(500) }],
  });
  const strings = ["web_search_tool_result", "srvtoolu_1", "web_search_result", "Deno"];
  assert.equal(result, EMPTY + strings.join("").length);
});

Deno.test("countTokens gives the real Claude Code request a plausible, tokenized count", async () => {
  const path = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);
  const body = JSON.parse(readFileSync(path, "utf8")).body as CountTokensRequest;
  const first = await countTokens(body);
  const again = await countTokens(body);
  const charsOver4 = Math.ceil(JSON.stringify(body).length / 4);
  assert.equal(again, first);
  assert.ok(first > 10_000 && first < 40_000, `got ${first}`);
  assert.ok(Math.abs(first - charsOver4) > 500, "looks like chars/4, not a tokenizer");
});

Deno.test("countTokens counts every text of the real Claude Code request as the o200k tokenizer does", async () => {
  const path = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);
  const body = JSON.parse(readFileSync(path, "utf8")).body as CountTokensRequest;
  const plain = { disallowedSpecial: new Set<string>() };
  const texts: string[] = [];
  const expected = countTokensWith((text) => {
    texts.push(text);
    return tokenizerCount(text, plain);
  }, body);
  assert.ok(texts.length > 50 && texts.some((text) => text.length > 10_000));
  assert.equal(await countTokens(body), expected);
});

Deno.test("countTokens lets a timer run while it counts a 400,000-letter run, and counts it exactly", async () => {
  await countTokens(userSays("warm up: load the tokenizer"));
  let done = false;
  let timerRanFirst = false;
  const timer = new Promise<void>((resolve) =>
    setTimeout(() => {
      timerRanFirst = !done;
      resolve();
    }, 0)
  );
  const counted = await countTokens(userSays("a".repeat(400_000)));
  done = true;
  await timer;
  assert.ok(timerRanFirst, "the count held the event loop until it was done");
  assert.equal(tokenizerCount("a".repeat(8_000)), 1_000);
  assert.equal(counted, EMPTY + 50_000);
});

Deno.test("countTokensWith counts tool_result blocks nested 100,000 deep", () => {
  let content: ContentBlock[] = [{ type: "text", text: "deepest" }];
  for (let i = 0; i < 100_000; i++) {
    content = [{ type: "tool_result", tool_use_id: "t", content } as ContentBlock];
  }
  assert.equal(withBlocks(...content), EMPTY + 100_000 * TOOL_BLOCK_OVERHEAD_TOKENS + 7);
});

Deno.test("countTokensWith counts an unknown block nested 30,000 deep by its strings", () => {
  let value: unknown = "x";
  for (let i = 0; i < 30_000; i++) value = { inner: [value] };
  assert.equal(withBlocks({ type: "future_block", value } as unknown as ContentBlock), EMPTY + 13);
});

Deno.test("countTokensWith counts a tool schema nested 50,000 levels deep as its JSON text", () => {
  const depth = 50_000;
  const text = '{"type":"object","properties":{"a":'.repeat(depth) + '{"type":"string"}' +
    "}}".repeat(depth);
  const tools = [{ name: "t", input_schema: JSON.parse(text) }] as Tool[];
  const counted = countTokensWith(byChars, { ...userSays("hi"), tools });
  const fixed = EMPTY + 2 + TOOLS_PREAMBLE_TOKENS + TOOL_DEFINITION_OVERHEAD_TOKENS + 1;
  assert.equal(counted, fixed + text.length);
});
