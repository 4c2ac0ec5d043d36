// Auto mode's safety check on translated routes: Claude Code 2.1.337's own classifier requests (recorded) reach
// the sonnet route of Chat Completions, Responses and Gemini providers and come back as verdicts it reads, and
// no route makes up the server-side check's verdicts.
import assert from "node:assert/strict";
import type { MessagesResponse } from "../../src/wire/anthropic_types.ts";
import type { GeminiRequest } from "../../src/wire/gemini_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { FAKE_GEMINI_KEY, fakeGeminiModel } from "../helpers/fake_gemini_model.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { fakeResponsesModel, type ResponsesRequestBody } from "../helpers/fake_responses_model.ts";
import { testConfig, withProxyStack } from "../helpers/proxy.ts";
import {
  loadRecordedRequest,
  type RecordedClaudeRequest,
  sendRecorded,
} from "../helpers/recorded_request.ts";

/** The first stage of the check in its yes/no wording: 64 tokens, stopping at `</block>`. */
const BLOCK_CHECK = loadRecordedRequest("auto-mode-check-block-2.1.337.request.json");
/** Its second stage: reasoning in `<thinking>` first, 8192 tokens, no stop sequence. */
const BLOCK_SECOND_STAGE = loadRecordedRequest(
  "auto-mode-check-block-second-stage-2.1.337.request.json",
);
/** The first stage in the 0-100 severity wording. */
const SEVERITY_CHECK = loadRecordedRequest("auto-mode-check-severity-2.1.337.request.json");
/** A main-loop turn of the terminal UI: it carries the `safeguards` the server-side check reads. */
const INTERACTIVE_TURN = loadRecordedRequest("interactive-first-turn-2.1.337.request.json");

/** A model's answer to the first stage that goes on past the stop sequence, as models do. */
const ALLOW_AND_MORE = "<block>no</block>\n\nThe command only reaches a closed local port.";

/**
 * The verdict Claude Code 2.1.337 reads from a check's answer (its own parsing, from its source):
 * a first stage in the yes/no wording allows only with `end_turn` or `stop_sequence` and the text
 * exactly `<block>no` or `<block>no</block>`; otherwise the one `<block>yes|no` outside
 * `<thinking>` decides; in the severity wording a grade below 50 allows. Undefined: no verdict.
 */
function verdictOf(message: MessagesResponse, firstStage: boolean): "allow" | "block" | undefined {
  const text = message.content.flatMap((b) => b.type === "text" ? [b.text] : []).join("");
  const severity = /<severity>(\d+)<\/severity>/.exec(text);
  if (severity) return Number(severity[1]) < 50 ? "allow" : "block";
  if (firstStage && /<block>no\b/.test(text)) {
    const stopped = message.stop_reason === "end_turn" || message.stop_reason === "stop_sequence";
    const exact = ["<block>no", "<block>no</block>"].includes(text.trim());
    return stopped && exact ? "allow" : undefined;
  }
  const outside = text.replace(/<thinking>[\s\S]*?<\/thinking>/g, "");
  const found = new Set(
    [...outside.matchAll(/<block>(yes|no)\b/gi)].map((m) => m[1]!.toLowerCase()),
  );
  if (found.size !== 1) return undefined;
  return found.has("yes") ? "block" : "allow";
}

/** `[models]` with the families apart: the checks (claude-sonnet-5) must take the sonnet route. */
function families(opus: string, sonnet: string): Record<string, string> {
  return { "*opus*": opus, "*sonnet*": sonnet, "*": opus };
}

/** A Chat Completions provider that honours `stop` as OpenAI's API does: the text ends before it. */
function chatHonouringStop(text: string) {
  return fakeModel((request: ChatCompletionRequest) => {
    const stops = request.stop ?? [];
    const at = Math.min(...stops.map((s) => text.indexOf(s)).filter((i) => i >= 0));
    return { text: Number.isFinite(at) ? text.slice(0, at) : text };
  });
}

/** Sends a recorded check through the proxy and returns its (whole) answer. */
async function check(
  recorded: RecordedClaudeRequest,
  proxyUrl: string,
): Promise<MessagesResponse> {
  const response = await sendRecorded(proxyUrl, recorded);
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text);
}

Deno.test("auto mode's check reaches the sonnet route of a Chat Completions provider with its stop sequence, and Claude Code reads the allow", async () => {
  await withProxyStack({
    upstream: chatHonouringStop(ALLOW_AND_MORE),
    config: (url) => testConfig(url, { models: families("big-model", "mid-model") }),
  }, async ({ mock, proxy }) => {
    assert.equal(BLOCK_CHECK.body.model, "claude-sonnet-5");
    const message = await check(BLOCK_CHECK, proxy.url);
    const sent = mock.requests[0]!.json<ChatCompletionRequest>();
    assert.equal(sent.model, "mid-model");
    assert.deepEqual(sent.stop, ["</block>"]);
    assert.equal(sent.max_tokens, 64);
    assert.equal(sent.stream, undefined, "the check is not streamed");
    assert.match(String(sent.messages[0]?.content), /^You are a security monitor/);
    assert.equal(message.model, "claude-sonnet-5");
    assert.deepEqual(message.content, [{ type: "text", text: "<block>no" }]);
    assert.equal(verdictOf(message, true), "allow");
  });
});

Deno.test("auto mode's check goes to an OpenAI reasoning model without stop and with its least reasoning, and its answer ends at </block> as Anthropic's would", async () => {
  await withProxyStack({
    upstream: fakeModel(() => ({ text: ALLOW_AND_MORE })),
    config: (url) =>
      testConfig(url, {
        provider: { name: "openai", base_url: `${url}/v1`, api_key: "sk-test-key-123" },
        models: families("o3", "o4-mini"),
      }),
  }, async ({ mock, proxy }) => {
    const message = await check(BLOCK_CHECK, proxy.url);
    assert.equal(mock.requests[0]!.path, "/v1/chat/completions");
    const sent = mock.requests[0]!.json<ChatCompletionRequest>();
    assert.equal(sent.model, "o4-mini");
    assert.equal(sent.stop, undefined, "OpenAI's reasoning models refuse stop");
    assert.equal(sent.reasoning_effort, "low", "thinking disabled: o4-mini's least reasoning");
    assert.equal(sent.max_completion_tokens, 64);
    assert.deepEqual(message.content, [{ type: "text", text: "<block>no" }]);
    assert.equal(message.stop_reason, "stop_sequence");
    assert.equal(message.stop_sequence, "</block>");
    assert.equal(verdictOf(message, true), "allow");
  });
});

Deno.test("auto mode's check on the Responses API goes without reasoning, and its answer ends at </block>", async () => {
  await withProxyStack({
    upstream: fakeResponsesModel(() => ({ text: ALLOW_AND_MORE })),
    config: (url) =>
      testConfig(url, {
        provider: { name: "openai", base_url: `${url}/v1`, api_key: "sk-test-key-123" },
        models: families("gpt-5.5", "gpt-5.4-mini"),
      }),
  }, async ({ mock, proxy }) => {
    const message = await check(BLOCK_CHECK, proxy.url);
    assert.equal(mock.requests[0]!.path, "/v1/responses");
    const sent = mock.requests[0]!.json<ResponsesRequestBody>();
    assert.equal(sent.model, "gpt-5.4-mini");
    assert.equal(sent.stop, undefined, "the Responses API has no stop sequences");
    assert.equal((sent.reasoning as { effort?: string } | undefined)?.effort, "none");
    assert.equal(sent.max_output_tokens, 64);
    assert.deepEqual(message.content, [{ type: "text", text: "<block>no" }]);
    assert.equal(message.stop_reason, "stop_sequence");
    assert.equal(verdictOf(message, true), "allow");
  });
});

Deno.test("auto mode's check reaches a Gemini model with its stop sequence and the least thinking", async () => {
  await withProxyStack({
    upstream: fakeGeminiModel((request: GeminiRequest) => {
      const stops = request.generationConfig?.stopSequences ?? [];
      const at = stops.map((s) => ALLOW_AND_MORE.indexOf(s)).find((i) => i >= 0);
      return { text: at === undefined ? ALLOW_AND_MORE : ALLOW_AND_MORE.slice(0, at) };
    }),
    config: (url) =>
      testConfig(url, {
        provider: { name: "gemini", base_url: url, api_key: FAKE_GEMINI_KEY, format: "gemini" },
        models: families("gemini-3-pro-preview", "gemini-3-flash-preview"),
      }),
  }, async ({ mock, proxy }) => {
    const message = await check(BLOCK_CHECK, proxy.url);
    const request = mock.requests[0]!;
    assert.match(request.path, /^\/v1beta\/models\/gemini-3-flash-preview:generateContent/);
    const config = request.json<GeminiRequest>().generationConfig;
    assert.deepEqual(config?.stopSequences, ["</block>"]);
    assert.equal(config?.maxOutputTokens, 64);
    assert.equal(config?.thinkingConfig?.includeThoughts, undefined, "no thoughts asked for");
    assert.ok(config?.thinkingConfig?.thinkingLevel, "the least thinking the model allows");
    assert.equal(verdictOf(message, true), "allow");
  });
});

/** The scripted providers of the three translated API kinds, each answering `text`. */
const ROUTES = [
  {
    name: "Chat Completions",
    upstream: (text: string) => fakeModel(() => ({ text })),
    config: (url: string) => testConfig(url, { models: families("big-model", "mid-model") }),
  },
  {
    name: "Responses",
    upstream: (text: string) => fakeResponsesModel(() => ({ text })),
    config: (url: string) =>
      testConfig(url, {
        provider: { name: "openai", base_url: `${url}/v1`, api_key: "sk-test-key-123" },
        models: families("gpt-5.5", "gpt-5.4-mini"),
      }),
  },
  {
    name: "Gemini",
    upstream: (text: string) => fakeGeminiModel(() => ({ text })),
    config: (url: string) =>
      testConfig(url, {
        provider: { name: "gemini", base_url: url, api_key: FAKE_GEMINI_KEY, format: "gemini" },
        models: families("gemini-3-pro-preview", "gemini-3-flash-preview"),
      }),
  },
];

for (const route of ROUTES) {
  Deno.test(`auto mode's check in the severity wording, and a second stage that blocks, reach Claude Code intact through ${route.name}`, async () => {
    const grade = "<severity>12</severity>";
    await withProxyStack({ upstream: route.upstream(grade), config: route.config }, async (
      { proxy },
    ) => {
      const message = await check(SEVERITY_CHECK, proxy.url);
      assert.deepEqual(message.content, [{ type: "text", text: grade }]);
      assert.equal(verdictOf(message, true), "allow");
    });
    const blocked = "<thinking>It fetches a script from the network and runs it.</thinking>" +
      "<block>yes</block><category>Code From External</category>" +
      "<reason>[Code From External] pipes a downloaded script into sh</reason>";
    await withProxyStack({ upstream: route.upstream(blocked), config: route.config }, async (
      { proxy },
    ) => {
      const message = await check(BLOCK_SECOND_STAGE, proxy.url);
      assert.equal(message.stop_reason, "end_turn");
      assert.deepEqual(message.content, [{ type: "text", text: blocked }]);
      assert.equal(verdictOf(message, false), "block");
    });
  });

  Deno.test(`a main-loop turn's safeguards stay with the proxy on ${route.name}, and no safety verdict is made up`, async () => {
    await withProxyStack({ upstream: route.upstream("pong"), config: route.config }, async (
      { mock, proxy },
    ) => {
      assert.ok(INTERACTIVE_TURN.body.safeguards, "the recorded turn asks for the server's check");
      const response = await sendRecorded(proxy.url, INTERACTIVE_TURN);
      const text = await response.text();
      assert.equal(response.status, 200, text);
      assert.doesNotMatch(mock.requests[0]!.body, /classifier_context|dangerous_tool_use/);
      // Claude Code reads safeguard_results on message_delta; without them it checks locally.
      assert.doesNotMatch(text, /safeguard/);
    });
  });
}

Deno.test("verdictOf reads answers the way Claude Code 2.1.337 does", () => {
  const message = (text: string, stop: MessagesResponse["stop_reason"] = "end_turn") =>
    ({
      id: "m",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5",
      content: [{ type: "text", text }],
      stop_reason: stop,
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    }) satisfies MessagesResponse;
  assert.equal(verdictOf(message("<block>no"), true), "allow");
  assert.equal(verdictOf(message(ALLOW_AND_MORE), true), undefined, "more text: no fast allow");
  assert.equal(verdictOf(message("<block>no", "max_tokens"), true), undefined);
  assert.equal(verdictOf(message("<block>yes"), true), "block");
  assert.equal(verdictOf(message(ALLOW_AND_MORE), false), "allow");
  assert.equal(verdictOf(message("<severity>80</severity>"), true), "block");
  assert.equal(verdictOf(message("ok"), false), undefined);
});
