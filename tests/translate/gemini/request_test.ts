// Tests for the Anthropic → Gemini request translation: contents, parts, tools, settings, signatures.
import assert from "node:assert/strict";
import { InvalidRequestError } from "../../../src/errors.ts";
import { wrapSignature } from "../../../src/translate/anthropic/signature.ts";
import { encodeToolId } from "../../../src/translate/anthropic/tool_id.ts";
import {
  GEMINI_MAX_OUTPUT_TOKENS,
  toGeminiRequest,
  type ToGeminiRequestOptions,
} from "../../../src/translate/gemini/request.ts";
import { SKIP_SIGNATURE } from "../../../src/translate/gemini/thought_signature.ts";
import type { MessagesRequest } from "../../../src/wire/anthropic_types.ts";

const OPTIONS: ToGeminiRequestOptions = { model: "gemini-2.5-pro", providerName: "gemini" };
const PNG = { type: "base64" as const, media_type: "image/png", data: "iVBORw0KGgo=" };

function translate(body: Partial<MessagesRequest>, options: Partial<ToGeminiRequestOptions> = {}) {
  return toGeminiRequest(
    { model: "claude-sonnet-4-5", max_tokens: 1024, messages: [], ...body } as MessagesRequest,
    { ...OPTIONS, ...options },
  );
}

Deno.test("toGeminiRequest puts the system prompt in systemInstruction without the billing header", () => {
  const { request, changes } = translate({
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1" },
      { type: "text", text: "You are Claude Code." },
      { type: "text", text: "Be brief." },
    ],
    messages: [{ role: "user", content: "Hi" }],
  });
  assert.deepEqual(request.systemInstruction, {
    parts: [{ text: "You are Claude Code.\n\nBe brief." }],
  });
  assert.deepEqual(request.contents, [{ role: "user", parts: [{ text: "Hi" }] }]);
  assert.ok(changes.includes("removed billing header"));
});

Deno.test("toGeminiRequest maps roles to user and model and joins runs of one role", () => {
  const { request, changes } = translate({
    messages: [
      { role: "user", content: "one" },
      { role: "user", content: [{ type: "text", text: "two" }] },
      { role: "assistant", content: "three" },
      { role: "system", content: "be careful" },
      { role: "user", content: "" },
    ],
  });
  assert.deepEqual(request.contents, [
    { role: "user", parts: [{ text: "one" }, { text: "two" }] },
    { role: "model", parts: [{ text: "three" }] },
    { role: "user", parts: [{ text: "be careful" }] },
  ]);
  assert.ok(changes.includes("1 system message → user text"));
  assert.ok(changes.includes("dropped 1 empty message"));
});

Deno.test("toGeminiRequest sends images and PDFs inline and URLs as file data", () => {
  const { request } = translate({
    messages: [{
      role: "user",
      content: [
        { type: "image", source: PNG },
        { type: "image", source: { type: "url", url: "https://example.com/cat.JPG?x=1" } },
        {
          type: "document",
          source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
        },
        { type: "document", title: "Notes", source: { type: "text", data: "plain notes" } },
        { type: "text", text: "Describe them." },
      ],
    }],
  });
  assert.deepEqual(request.contents[0]!.parts, [
    { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
    { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG?x=1" } },
    { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
    { text: "Notes\n\nplain notes" },
    { text: "Describe them." },
  ]);
});

/** A tool round trip: the call (with the id and signature Gemini gave it) and its result. */
function roundTrip(result: unknown, model = "gemini-2.5-pro") {
  const id = encodeToolId({ id: "call-7", signature: "SIG_READ" });
  return translate({
    messages: [
      { role: "user", content: "Read it" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Reading." },
          { type: "tool_use", id, name: "Read", input: { file_path: "/a" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "<system-reminder>ok</system-reminder>" },
          { type: "tool_result", tool_use_id: id, content: result } as never,
        ],
      },
    ],
  }, { model });
}

Deno.test("toGeminiRequest gives the signature and id back on the call and answers with a functionResponse", () => {
  const { request, changes } = roundTrip("file body");
  assert.deepEqual(request.contents[1], {
    role: "model",
    parts: [
      { text: "Reading." },
      {
        functionCall: { id: "call-7", name: "Read", args: { file_path: "/a" } },
        thoughtSignature: "SIG_READ",
      },
    ],
  });
  assert.deepEqual(request.contents[2], {
    role: "user",
    parts: [
      { functionResponse: { name: "Read", response: { output: "file body" }, id: "call-7" } },
      { text: "<system-reminder>ok</system-reminder>" },
    ],
  });
  assert.ok(changes.includes("restored 1 thought signature"));
});

Deno.test("toGeminiRequest sends an error result as { error } and an empty one as (no output)", () => {
  const id = "toolu_plain";
  const { request } = translate({
    messages: [
      { role: "assistant", content: [{ type: "tool_use", id, name: "Bash", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: id, is_error: true, content: "exit 1" },
          { type: "tool_result", tool_use_id: id, content: [] },
        ],
      },
    ],
  });
  assert.deepEqual(request.contents[1]!.parts, [
    { functionResponse: { name: "Bash", response: { error: "exit 1" } } },
    { functionResponse: { name: "Bash", response: { output: "(no output)" } } },
  ]);
});

Deno.test("toGeminiRequest puts a tool result's images inside the response on Gemini 3", () => {
  const result = [{ type: "text", text: "a screenshot" }, { type: "image", source: PNG }];
  const { request, changes } = roundTrip(result, "gemini-3-pro-preview");
  assert.deepEqual(request.contents[2]!.parts[0], {
    functionResponse: {
      name: "Read",
      response: { output: "a screenshot" },
      id: "call-7",
      parts: [{ inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }],
    },
  });
  assert.ok(changes.includes("1 tool result attachment → parts"));
});

Deno.test("toGeminiRequest puts a tool result's images after the response before Gemini 3", () => {
  const result = [{ type: "text", text: "a screenshot" }, { type: "image", source: PNG }];
  const { request } = roundTrip(result, "gemini-2.5-flash");
  assert.deepEqual(request.contents[2]!.parts.slice(0, 2), [
    { functionResponse: { name: "Read", response: { output: "a screenshot" }, id: "call-7" } },
    { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
  ]);
});

Deno.test("toGeminiRequest turns a tool_result whose call is not in the history into text", () => {
  const { request, changes } = translate({
    messages: [{
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_gone", content: "late" }],
    }],
  });
  assert.deepEqual(request.contents, [{
    role: "user",
    parts: [{ text: "Result of tool call toolu_gone:\nlate" }],
  }]);
  assert.ok(changes.includes("1 tool_result without a tool_use → text"));
});

Deno.test("toGeminiRequest marks the first unsigned call of a turn to skip signature checks on Gemini 3", () => {
  const calls = {
    role: "assistant" as const,
    content: [
      { type: "tool_use" as const, id: "toolu_a", name: "Read", input: {} },
      { type: "tool_use" as const, id: "toolu_b", name: "Read", input: {} },
    ],
  };
  const gemini3 = translate({ messages: [calls] }, { model: "gemini-3-pro-preview" });
  assert.deepEqual(gemini3.request.contents[0]!.parts.map((p) => p.thoughtSignature), [
    SKIP_SIGNATURE,
    undefined,
  ]);
  assert.ok(gemini3.changes.includes("1 unsigned function call marked to skip"));
  const gemini25 = translate({ messages: [calls] }, { model: "gemini-2.5-flash" });
  assert.deepEqual(gemini25.request.contents[0]!.parts.map((p) => p.thoughtSignature), [
    undefined,
    undefined,
  ]);
});

Deno.test("toGeminiRequest gives Gemini's own thinking back as signed thought parts and drops the rest", () => {
  const { request, changes } = translate({
    messages: [{
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Mine.", signature: wrapSignature("gemini", "SIG_T") },
        { type: "thinking", thinking: "Claude's.", signature: "EqQBCkYIBxgC" },
        { type: "thinking", thinking: "Other provider.", signature: wrapSignature("openai", "x") },
        { type: "redacted_thinking", data: "xyz" },
        { type: "text", text: "Answer." },
      ],
    }],
  });
  assert.deepEqual(request.contents[0]!.parts, [
    { text: "Mine.", thought: true, thoughtSignature: "SIG_T" },
    { text: "Answer." },
  ]);
  assert.ok(changes.includes("1 signed thinking block → thought parts"));
  assert.ok(changes.includes("dropped 2 thinking blocks Gemini did not sign"));
  assert.ok(changes.includes("dropped 1 redacted_thinking block"));
});

Deno.test("toGeminiRequest declares tools with cleaned schemas and maps tool_choice", () => {
  const tools = [
    {
      name: "Read",
      description: "Reads a file",
      input_schema: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        additionalProperties: false,
        properties: {
          file_path: { type: "string" },
          limit: { type: "integer", exclusiveMinimum: 0 },
        },
        required: ["file_path"],
      },
    },
    { name: "Ping", input_schema: { type: "object", properties: {} } },
    { name: "web_search", type: "web_search_20250305" },
  ];
  const { request, changes } = translate({ tools, tool_choice: { type: "tool", name: "Read" } });
  assert.deepEqual(request.tools, [{
    functionDeclarations: [
      {
        name: "Read",
        description: "Reads a file",
        parameters: {
          type: "object",
          properties: { file_path: { type: "string" }, limit: { type: "integer" } },
          required: ["file_path"],
        },
      },
      { name: "Ping" },
    ],
  }]);
  assert.deepEqual(request.toolConfig, {
    functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["Read"] },
  });
  assert.ok(changes.includes('dropped server tool "web_search" (web_search_20250305)'));
  assert.deepEqual(tools[0]!.input_schema!.additionalProperties, false, "the client's schema");
  for (const [type, mode] of [["auto", "AUTO"], ["any", "ANY"], ["none", "NONE"]] as const) {
    const choice = translate({ tools, tool_choice: { type } }).request.toolConfig;
    assert.deepEqual(choice, { functionCallingConfig: { mode } });
  }
});

Deno.test("toGeminiRequest renames tools, calls and responses with upstreamToolName", () => {
  const long = `mcp__plugin_${"x".repeat(70)}`;
  const { request } = translate({
    tools: [{
      name: long,
      input_schema: { type: "object", properties: { a: { type: "string" } } },
    }],
    tool_choice: { type: "tool", name: long },
    messages: [
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: long, input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
    ],
  }, { upstreamToolName: (name) => name.length > 64 ? "short_name" : name });
  assert.equal(request.tools?.[0]?.functionDeclarations?.[0]?.name, "short_name");
  assert.deepEqual(request.toolConfig?.functionCallingConfig.allowedFunctionNames, ["short_name"]);
  assert.equal(request.contents[0]!.parts[0]!.functionCall?.name, "short_name");
  assert.equal(request.contents[1]!.parts[0]!.functionResponse?.name, "short_name");
});

Deno.test("toGeminiRequest maps sampling settings and caps max_tokens and stop sequences", () => {
  const { request, changes } = translate({
    max_tokens: 128000,
    temperature: 0.2,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ["a", "b", "c", "d", "e", "f"],
    metadata: { user_id: "u" },
  });
  assert.deepEqual(request.generationConfig, {
    maxOutputTokens: GEMINI_MAX_OUTPUT_TOKENS,
    temperature: 0.2,
    topP: 0.9,
    topK: 40,
    stopSequences: ["a", "b", "c", "d", "e"],
    thinkingConfig: { thinkingBudget: 128 },
  });
  assert.ok(changes.includes(`max_tokens capped 128000 → ${GEMINI_MAX_OUTPUT_TOKENS}`));
  assert.ok(changes.includes("kept the first 5 of 6 stop sequences (Gemini's limit)"));
  assert.ok(changes.includes("dropped metadata"));
  const capped = translate({ max_tokens: 32000 }, { maxTokens: 8192 }).request;
  assert.equal(capped.generationConfig?.maxOutputTokens, 8192);
});

Deno.test("toGeminiRequest maps Claude Code's adaptive thinking and effort to a thinking level", () => {
  const { request, changes } = translate({
    thinking: { type: "adaptive" },
    output_config: { effort: "high" },
  }, { model: "gemini-3-pro-preview" });
  assert.deepEqual(request.generationConfig?.thinkingConfig, {
    thinkingLevel: "high",
    includeThoughts: true,
  });
  assert.ok(changes.includes("output_config.effort → thinkingLevel high"));
});

Deno.test("toGeminiRequest sends a JSON schema as the response schema, but not beside tools", () => {
  const schema = {
    type: "object",
    properties: { n: { type: "integer" } },
    additionalProperties: false,
  };
  const format = { type: "json_schema", schema };
  const alone = translate({ output_config: { format } }).request.generationConfig;
  assert.equal(alone?.responseMimeType, "application/json");
  assert.deepEqual(alone?.responseSchema, {
    type: "object",
    properties: { n: { type: "integer" } },
  });
  const withTools = translate({
    output_config: { format },
    tools: [{ name: "T", input_schema: { type: "object", properties: { a: { type: "string" } } } }],
  });
  assert.equal(withTools.request.generationConfig?.responseSchema, undefined);
  assert.ok(
    withTools.changes.includes(
      "dropped output_config.format (Gemini takes no JSON schema with tools)",
    ),
  );
});

Deno.test("toGeminiRequest names the path of what it cannot translate", () => {
  const cases: Array<[Partial<MessagesRequest>, RegExp]> = [
    [{ messages: [{ role: "tool" as never, content: "x" }] }, /^messages\.0\.role: /],
    [
      { messages: [{ role: "user", content: [{ type: "thinking", thinking: "t" } as never] }] },
      /^messages\.0\.content\.0\.type: unsupported content block type "thinking" in a user message$/,
    ],
    [
      {
        messages: [{
          role: "user",
          content: [{ type: "image", source: { type: "file", file_id: "f" } } as never],
        }],
      },
      /^messages\.0\.content\.0\.source\.type: unsupported image source type "file"$/,
    ],
    [
      {
        tool_choice: { type: "sometimes" } as never,
        tools: [{ name: "T", input_schema: { type: "object" } }],
      },
      /^tool_choice\.type: unsupported tool_choice type "sometimes"$/,
    ],
  ];
  for (const [body, message] of cases) {
    assert.throws(() => translate(body), (err: unknown) => {
      assert.ok(err instanceof InvalidRequestError);
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("toGeminiRequest for count_tokens sends no generation settings", () => {
  const { request } = translate(
    { max_tokens: undefined as never, thinking: { type: "adaptive" } },
    {
      countTokens: true,
    },
  );
  assert.equal(request.generationConfig, undefined);
});

Deno.test("toGeminiRequest resolves 2.1.337's tool search: the referenced deferred tool sent, the reference as text", () => {
  const url = new URL(
    "../../fixtures/claude-code/tool-search-second-turn-2.1.337.request.json",
    import.meta.url,
  );
  const body = JSON.parse(Deno.readTextFileSync(url)).body as MessagesRequest;
  const { request, changes } = toGeminiRequest(body, {
    model: "gemini-2.5-pro",
    providerName: "gemini",
  });
  const names = request.tools!.flatMap((tool) => tool.functionDeclarations ?? []).map((f) =>
    f.name
  );
  assert.ok(names.includes("CronList"));
  assert.equal(names.includes("DeferredToolPlaceholder"), false);
  assert.match(JSON.stringify(request.contents), /Tool \\"CronList\\" is now available: /);
  assert.ok(changes.includes("tool search: tool_reference blocks → text"));
});
