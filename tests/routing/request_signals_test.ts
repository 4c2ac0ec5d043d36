// What the router reads in a request, parsed or as text: thinking, tools, images, subagents, the size estimate.
import assert from "node:assert/strict";
import {
  BYTES_PER_TOKEN,
  estimateInputTokens,
  IMAGE_TOKENS,
  PDF_TOKENS_PER_PAGE,
  requestSignals,
} from "../../src/routing/request_signals.ts";
import type { MessagesRequestFields } from "../../src/wire/anthropic_types.ts";

const FIRST_TURN = new URL("../fixtures/claude-code/first-turn.request.json", import.meta.url);
const encoder = new TextEncoder();

/** The signals of `body` both ways: parsed, and as the text of a body forwarded unparsed. */
function bothWays(
  body: MessagesRequestFields,
  headers: HeadersInit = {},
  text = JSON.stringify(body),
) {
  const source = { headers: new Headers(headers), text, byteLength: encoder.encode(text).length };
  return [
    requestSignals(body.model, { ...source, body }),
    requestSignals(body.model, source),
  ] as const;
}

function claudeCodeTurn(): { headers: Record<string, string>; body: MessagesRequestFields } {
  return JSON.parse(Deno.readTextFileSync(FIRST_TURN));
}

Deno.test("requestSignals reads Claude Code's adaptive thinking parsed and as text alike", () => {
  const { body } = claudeCodeTurn();
  for (const signals of bothWays(body)) {
    assert.equal(signals.thinking(), "adaptive");
    assert.equal(signals.subagent(), undefined);
    assert.equal(signals.webSearch(), false);
    assert.equal(signals.images(), false);
  }
});

Deno.test("requestSignals finds thinking written budget first, with spaces, as Python writes JSON", () => {
  const body: MessagesRequestFields = {
    model: "m",
    messages: [{ role: "user", content: "hi" }],
    thinking: { type: "enabled", budget_tokens: 2048 },
  };
  const text = '{"model": "m", "messages": [{"role": "user", "content": "hi"}], ' +
    '"thinking": {"budget_tokens": 2048, "type": "enabled"}}';
  for (const signals of bothWays(body, {}, text)) assert.equal(signals.thinking(), "enabled");
});

Deno.test("requestSignals sees no thinking, image or tool in words that only mention them", () => {
  const words = '"thinking":{"type":"enabled"} "type":"image" "type":"web_search_20250305"';
  const body: MessagesRequestFields = {
    model: "m",
    messages: [
      { role: "user", content: words },
      { role: "assistant", content: [{ type: "thinking", thinking: words, signature: "s" }] },
    ],
    thinking: { type: "disabled" },
  };
  for (const signals of bothWays(body)) {
    assert.equal(signals.thinking(), undefined);
    assert.equal(signals.images(), false);
    assert.equal(signals.webSearch(), false);
  }
});

Deno.test("requestSignals finds images in messages and in tool results", () => {
  const image = {
    type: "image" as const,
    source: { type: "base64" as const, media_type: "image/png", data: "iVBO" },
  };
  const direct: MessagesRequestFields = {
    model: "m",
    messages: [{ role: "user", content: [image, { type: "text", text: "what is it" }] }],
  };
  const nested: MessagesRequestFields = {
    model: "m",
    messages: [{
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t1", content: [image] }],
    }],
  };
  for (const body of [direct, nested]) {
    for (const signals of bothWays(body)) assert.equal(signals.images(), true);
  }
});

Deno.test("requestSignals finds the web search server tool, not a client tool named WebSearch", () => {
  const server: MessagesRequestFields = {
    model: "m",
    messages: [{ role: "user", content: "news" }],
    tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 8 }],
  };
  const client: MessagesRequestFields = {
    model: "m",
    messages: [{ role: "user", content: "news" }],
    tools: [{ name: "WebSearch", input_schema: { type: "object" } }],
  };
  for (const signals of bothWays(server)) assert.equal(signals.webSearch(), true);
  for (const signals of bothWays(client)) assert.equal(signals.webSearch(), false);
});

Deno.test("requestSignals knows a subagent by its header, or by the billing block's flag", () => {
  const { body } = claudeCodeTurn();
  for (const signals of bothWays(body, { "x-claude-code-agent-id": "a1b2" })) {
    assert.equal(signals.subagent(), "x-claude-code-agent-id");
  }
  const system = body.system as Array<{ type: "text"; text: string }>;
  const flagged = {
    ...body,
    system: [
      { type: "text" as const, text: `${system[0]!.text} cc_is_subagent=true;` },
      ...system.slice(1),
    ],
  };
  for (const signals of bothWays(flagged)) assert.equal(signals.subagent(), "cc_is_subagent");
});

Deno.test("requestSignals does not take the flag from a message that quotes it", () => {
  const body: MessagesRequestFields = {
    model: "m",
    system: [{
      type: "text",
      text: "x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;",
    }],
    messages: [{ role: "user", content: "what does cc_is_subagent=true; mean?" }],
  };
  for (const signals of bothWays(body)) assert.equal(signals.subagent(), undefined);
});

Deno.test("requestSignals works out each signal once", () => {
  let reads = 0;
  const body = {
    model: "m",
    messages: [],
    get thinking() {
      reads++;
      return { type: "adaptive" };
    },
  } as unknown as MessagesRequestFields;
  const signals = requestSignals("m", { headers: new Headers(), text: "{}", byteLength: 2, body });
  signals.thinking();
  signals.thinking();
  assert.equal(reads, 1);
});

Deno.test("estimateInputTokens divides the bytes by three", () => {
  const { body } = claudeCodeTurn();
  const text = JSON.stringify(body);
  const bytes = encoder.encode(text).length;
  assert.equal(BYTES_PER_TOKEN, 3);
  assert.equal(estimateInputTokens(text, bytes), Math.ceil(bytes / 3));
});

Deno.test("estimateInputTokens counts a base64 image as an image, whatever its size", () => {
  const data = "iVBORw0KGgo" + "A".repeat(3_000_000);
  const body = {
    model: "m",
    messages: [{
      role: "user",
      content: [{ type: "image", source: { type: "base64", media_type: "image/png", data } }],
    }],
  };
  const text = JSON.stringify(body);
  const estimate = estimateInputTokens(text, text.length);
  assert.equal(estimate, Math.ceil((text.length - data.length) / 3) + IMAGE_TOKENS);
});

Deno.test("estimateInputTokens counts a PDF by its pages and opaque data as nothing", () => {
  const pdf = "JVBERi0xLjQK" + "B".repeat(200_000);
  const opaque = "EqQBCkYIBxgC" + "C".repeat(5_000);
  const text = JSON.stringify({
    messages: [{
      role: "user",
      content: [
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: pdf } },
      ],
    }, { role: "assistant", content: [{ type: "redacted_thinking", data: opaque }] }],
  });
  const pages = Math.ceil((pdf.length * 3) / 4 / 50_000);
  const rest = text.length - pdf.length - opaque.length;
  assert.equal(
    estimateInputTokens(text, text.length),
    Math.ceil(rest / 3) + pages * PDF_TOKENS_PER_PAGE,
  );
});

Deno.test("estimateInputTokens counts short or plain-text data as text", () => {
  const plain = "Hello, world. ".repeat(200);
  const text = JSON.stringify({
    content: [{
      type: "document",
      source: { type: "text", media_type: "text/plain", data: plain },
    }],
  });
  assert.equal(estimateInputTokens(text, text.length), Math.ceil(text.length / 3));
});

Deno.test("requestSignals knows Claude Code 2.1.337's recorded subagent request both ways, its main turns as none", () => {
  const read = (name: string) =>
    JSON.parse(
      Deno.readTextFileSync(
        new URL(`../fixtures/claude-code/${name}.request.json`, import.meta.url),
      ),
    ) as { headers: Record<string, string>; body: MessagesRequestFields };
  const subagent = read("subagent-2.1.337");
  for (const signals of bothWays(subagent.body, subagent.headers)) {
    assert.equal(signals.subagent(), "x-claude-code-agent-id");
  }
  const { "x-claude-code-agent-id": _, ...withoutHeader } = subagent.headers;
  for (const signals of bothWays(subagent.body, withoutHeader)) {
    assert.equal(signals.subagent(), "cc_is_subagent");
  }
  for (const name of ["interactive-first-turn-2.1.337", "session-title-2.1.337", "first-turn"]) {
    const turn = read(name);
    for (const signals of bothWays(turn.body, turn.headers)) {
      assert.equal(signals.subagent(), undefined);
    }
  }
});
