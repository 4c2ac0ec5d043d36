// Tests for the Anthropic-format request cleaning and the thinking-signature origin marks.
import assert from "node:assert/strict";
import { InvalidRequestError } from "../../src/errors.ts";
import { findPreset } from "../../src/providers/presets.ts";
import { cleanAnthropicRequest, type CleanOptions } from "../../src/passthrough/anthropic_clean.ts";
import { upstreamRequestBody } from "../../src/passthrough/body_bytes.ts";
import { filterBetas } from "../../src/passthrough/filter_betas.ts";
import type { Message, MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { makeSignature, wrapSignature } from "../../src/translate/anthropic/signature.ts";

const FIRST_TURN = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);

function request(extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  };
}

function clientBody(text: string) {
  return { text, bytes: new TextEncoder().encode(text) };
}

const BASE: CleanOptions = { provider: "anthropic", model: "claude-sonnet-4-5" };

function assistant(...content: Array<Record<string, unknown>>): Message {
  return { role: "assistant", content: content as unknown as Message["content"] };
}

function freeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(freeze);
    Object.freeze(value);
  }
  return value;
}

Deno.test("cleanAnthropicRequest changes nothing and shares the body when nothing applies", () => {
  const body = freeze(request({ context_management: { edits: [] } }));
  const result = cleanAnthropicRequest(body, BASE);
  assert.equal(result.changed, false);
  assert.deepEqual(result.changes, []);
  assert.equal(result.body.messages, body.messages);
  assert.deepEqual(result.body.context_management, { edits: [] });
});

Deno.test("cleanAnthropicRequest drops top-level, nested, per-element and anywhere paths", () => {
  const body = freeze(request({
    context_management: { edits: [] },
    output_config: { effort: "high", format: "x" },
    system: [{ type: "text", text: "s", cache_control: { type: "ephemeral" } }],
    tools: [
      { name: "a", input_schema: {}, defer_loading: true },
      { name: "b", input_schema: {} },
    ],
    messages: [{
      role: "user",
      content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }],
    }],
  }));
  const result = cleanAnthropicRequest(body, {
    ...BASE,
    dropFields: [
      "context_management",
      "output_config.format",
      "tools[].defer_loading",
      "..cache_control",
    ],
  });
  assert.equal(result.changed, true);
  assert.equal(result.body.context_management, undefined);
  assert.deepEqual(result.body.output_config, { effort: "high" });
  assert.deepEqual(result.body.tools, [
    { name: "a", input_schema: {} },
    { name: "b", input_schema: {} },
  ]);
  assert.doesNotMatch(JSON.stringify(result.body), /cache_control/);
  assert.deepEqual(result.changes, [
    "dropped context_management",
    "dropped output_config.format",
    "dropped tools[].defer_loading",
    "dropped ..cache_control (2×)",
  ]);
  assert.equal(body.tools?.[0]?.defer_loading, true, "the client's body is untouched");
});

Deno.test("cleanAnthropicRequest removes Claude Code's billing block and keeps the rest of system", async () => {
  const body = JSON.parse(await Deno.readTextFile(FIRST_TURN)).body as MessagesRequest;
  const preset = findPreset("deepseek-anthropic")!;
  const result = cleanAnthropicRequest(body, {
    provider: "deepseek-anthropic",
    model: "deepseek-v4-pro",
    dropFields: preset.dropFields!,
  });
  const system = result.body.system as Array<{ text: string }>;
  assert.equal(system.length, (body.system as unknown[]).length - 1);
  assert.doesNotMatch(system.map((b) => b.text).join(""), /x-anthropic-billing-header/);
  assert.equal(result.body.context_management, undefined);
  assert.deepEqual(result.body.output_config, body.output_config);
  assert.equal(result.body.messages, body.messages, "messages are shared, not copied");
});

Deno.test("cleanAnthropicRequest leaves Claude Code's first turn alone for Anthropic itself", async () => {
  const client = clientBody(JSON.stringify(JSON.parse(await Deno.readTextFile(FIRST_TURN)).body));
  const body = JSON.parse(client.text);
  const result = cleanAnthropicRequest(body, { ...BASE, model: body.model });
  assert.equal(result.changed, false);
  assert.equal(upstreamRequestBody(client, body, result), client.bytes);
});

Deno.test("cleanAnthropicRequest refuses images, documents and tool_choice a provider lacks", () => {
  const image = { type: "image", source: { type: "base64", media_type: "image/png", data: "AA" } };
  const document = { type: "document", source: { type: "url", url: "https://x/y.pdf" } };
  const options = { ...BASE, provider: "minimax", unsupported: ["images", "documents"] as const };
  const withImage = request({
    messages: [{ role: "user", content: [{ type: "text", text: "see" }, image] as never }],
  });
  assert.throws(
    () => cleanAnthropicRequest(withImage, { ...options, unsupported: [...options.unsupported] }),
    (error: unknown) =>
      error instanceof InvalidRequestError &&
      error.message === 'messages.0.content.1: provider "minimax" does not accept images',
  );
  const nested = request({
    messages: [{
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t", content: [document] }] as never,
    }],
  });
  assert.throws(
    () => cleanAnthropicRequest(nested, { ...options, unsupported: ["documents"] }),
    /messages\.0\.content\.0: provider "minimax" does not accept documents/,
  );
  const forced = request({ tool_choice: { type: "any" } });
  assert.throws(
    () => cleanAnthropicRequest(forced, { ...BASE, unsupported: ["tool_choice"] }),
    /tool_choice: provider "anthropic" does not support tool_choice \(got type "any"\)/,
  );
});

Deno.test("cleanAnthropicRequest drops tool_choice auto instead of refusing it", () => {
  const result = cleanAnthropicRequest(request({ tool_choice: { type: "auto" } }), {
    ...BASE,
    unsupported: ["tool_choice"],
  });
  assert.equal(result.body.tool_choice, undefined);
  assert.equal(result.changed, true);
});

Deno.test("cleanAnthropicRequest names the model options when they refuse images", () => {
  const body = request({
    messages: [{
      role: "user",
      content: [{ type: "image", source: { type: "url", url: "https://x/a.png" } }],
    }],
  });
  assert.throws(
    () => cleanAnthropicRequest(body, { ...BASE, model: "glm-4.5-air", modelRefusesImages: true }),
    /model "glm-4\.5-air" does not accept images \(model_options images = false\)/,
  );
});

Deno.test("cleanAnthropicRequest caps max_tokens", () => {
  const result = cleanAnthropicRequest(request({ max_tokens: 64000 }), {
    ...BASE,
    maxTokens: 8192,
  });
  assert.equal(result.body.max_tokens, 8192);
  assert.deepEqual(result.changes, ["max_tokens capped 64000 → 8192"]);
});

Deno.test("cleanAnthropicRequest unwraps the provider's own signatures and drops foreign ones", () => {
  const body = freeze(request({
    messages: [
      { role: "user", content: "q1" },
      assistant(
        { type: "thinking", thinking: "mine", signature: wrapSignature("anthropic", "SIG-A") },
        { type: "redacted_thinking", data: wrapSignature("anthropic", "DATA-A") },
        { type: "thinking", thinking: "theirs", signature: wrapSignature("deepseek", "SIG-D") },
        { type: "thinking", thinking: "made", signature: makeSignature("openai") },
        { type: "thinking", thinking: "raw", signature: "EqQBCkYIBxgC" },
        { type: "text", text: "a1" },
      ),
      { role: "user", content: "q2" },
    ],
  }));
  const result = cleanAnthropicRequest(body, BASE);
  assert.deepEqual(
    result.body.messages[1],
    assistant(
      { type: "thinking", thinking: "mine", signature: "SIG-A" },
      { type: "redacted_thinking", data: "DATA-A" },
      { type: "thinking", thinking: "raw", signature: "EqQBCkYIBxgC" },
      { type: "text", text: "a1" },
    ),
  );
  assert.equal(result.body.messages[0], body.messages[0], "untouched messages are shared");
  assert.deepEqual(result.changes, [
    'dropped 1 thinking block signed by "deepseek"',
    'dropped 1 thinking block signed by "openai"',
    "restored 2 thinking signatures",
  ]);
});

Deno.test("cleanAnthropicRequest removes a signature that was empty where it was made", () => {
  const body = request({
    messages: [
      { role: "user", content: "q" },
      assistant({ type: "thinking", thinking: "t", signature: wrapSignature("kimi", "") }),
      { role: "user", content: "q2" },
    ],
  });
  const result = cleanAnthropicRequest(body, { ...BASE, provider: "kimi" });
  assert.deepEqual(result.body.messages[1], assistant({ type: "thinking", thinking: "t" }));
});

Deno.test("cleanAnthropicRequest drops an assistant turn left empty and disables thinking for a tool turn", () => {
  const body = request({
    thinking: { type: "adaptive" },
    messages: [
      { role: "user", content: "q" },
      assistant({ type: "thinking", thinking: "t", signature: makeSignature("openai") }),
      { role: "user", content: "run it" },
      assistant(
        { type: "thinking", thinking: "t", signature: wrapSignature("deepseek", "S") },
        { type: "tool_use", id: "toolu_1", name: "Bash", input: {} },
      ),
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }],
      },
    ],
  });
  const result = cleanAnthropicRequest(body, BASE);
  assert.equal(result.body.messages.length, 4);
  assert.deepEqual(result.body.messages.map((m) => m.role), ["user", "user", "assistant", "user"]);
  assert.equal(result.body.thinking, undefined);
  assert.match(result.changes.at(-1)!, /thinking disabled/);
});

Deno.test("cleanAnthropicRequest keeps thinking on when the stripped turn made no tool call", () => {
  const body = request({
    thinking: { type: "enabled", budget_tokens: 2000 },
    messages: [
      { role: "user", content: "q" },
      assistant(
        { type: "thinking", thinking: "t", signature: makeSignature("groq") },
        { type: "text", text: "a" },
      ),
      { role: "user", content: "q2" },
    ],
  });
  assert.deepEqual(cleanAnthropicRequest(body, BASE).body.thinking, body.thinking);
});

// --- Claude Code 2.1.337 on third-party Anthropic endpoints ---

function recorded(name: string): { body: MessagesRequest; beta: string } {
  const url = new URL(`../fixtures/claude-code/${name}`, import.meta.url);
  const { body, headers } = JSON.parse(Deno.readTextFileSync(url));
  return { body, beta: headers["anthropic-beta"] };
}

function presetOptions(name: string, model: string): CleanOptions {
  const preset = findPreset(name)!;
  return {
    provider: name,
    model,
    dropFields: preset.dropFields!,
    unsupported: preset.unsupported!,
  };
}

Deno.test("cleanAnthropicRequest resolves 2.1.337's tool search for a third-party preset", () => {
  const { body } = recorded("tool-search-second-turn-2.1.337.request.json");
  const result = cleanAnthropicRequest(body, presetOptions("zai-anthropic", "glm-4.7"));
  const names = result.body.tools!.map((tool) => tool.name);
  assert.ok(names.includes("CronList"));
  assert.equal(names.includes("DeferredToolPlaceholder"), false);
  assert.ok(result.body.tools!.every((tool) => !("defer_loading" in tool)));
  assert.doesNotMatch(JSON.stringify(result.body.messages), /tool_reference/);
  assert.match(JSON.stringify(result.body.messages), /Tool \\"CronList\\" is now available/);
  assert.ok(result.changes.includes("tool search: tool_reference blocks → text"));
  assert.match(JSON.stringify(body.messages), /tool_reference/, "the client's body is untouched");
});

Deno.test("cleanAnthropicRequest keeps tool search for a provider that has it", () => {
  const { body } = recorded("tool-search-second-turn-2.1.337.request.json");
  const result = cleanAnthropicRequest(body, { ...BASE, dropFields: ["metadata"] });
  assert.equal(result.body.tools, body.tools);
  assert.equal(result.body.messages, body.messages);
});

Deno.test("cleanAnthropicRequest drops 2.1.337's safeguards for third-party presets and filters their betas", () => {
  const { body, beta } = recorded("interactive-first-turn-2.1.337.request.json");
  assert.ok("safeguards" in body);
  const result = cleanAnthropicRequest(
    body,
    presetOptions("deepseek-anthropic", "deepseek-v4-pro"),
  );
  assert.equal("safeguards" in result.body, false);
  assert.ok(result.changes.includes("dropped safeguards"));
  const kept = filterBetas(beta, findPreset("deepseek-anthropic")!.rejectedBetas!)!.split(",");
  for (const dropped of ["advanced-tool-use-2025-11-20", "dangerous-tool-use-2026-09-03"]) {
    assert.equal(kept.includes(dropped), false, dropped);
  }
  assert.ok(kept.includes("claude-code-20250219"));
});
