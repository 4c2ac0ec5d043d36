// Recorded Claude Code requests (tests/fixtures/claude-code/, both supported versions) through the proxy to mock
// Chat Completions, Responses and Gemini providers: each gets a whole answer, and its real tools reach the provider.
import assert from "node:assert/strict";
import type { GeminiRequest } from "../../src/wire/gemini_types.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { FAKE_GEMINI_KEY, fakeGeminiModel } from "../helpers/fake_gemini_model.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { fakeResponsesModel, type ResponsesRequestBody } from "../helpers/fake_responses_model.ts";
import type { MockHandler, RecordedRequest } from "../helpers/mock_upstream.ts";
import { testConfig, type TestConfigSource, withProxyStack } from "../helpers/proxy.ts";
import { loadRecordedRequest, sendRecorded } from "../helpers/recorded_request.ts";
import { assertAnthropicGrammar, parseAnthropicSse } from "../helpers/streams.ts";

/**
 * Every kind of request the versions were seen sending: the first turn (`-p` and the terminal
 * UI), the session title, a tool-search turn, a subagent, and, in 2.1.337's terminal UI, auto
 * mode's safety check (both wordings, both stages) and `/compact`.
 */
const FIXTURES = [
  "first-turn.request.json",
  "first-turn-2.1.337.request.json",
  "interactive-first-turn-2.1.337.request.json",
  "session-title.request.json",
  "session-title-2.1.337.request.json",
  "tool-search-second-turn-2.1.337.request.json",
  "subagent-2.1.337.request.json",
  "auto-mode-check-block-2.1.337.request.json",
  "auto-mode-check-block-second-stage-2.1.337.request.json",
  "auto-mode-check-severity-2.1.337.request.json",
  "auto-mode-check-severity-second-stage-2.1.337.request.json",
  "compaction-2.1.337.request.json",
];

/** A translated route: its scripted provider, and what a request the provider got holds. */
interface TranslatedRoute {
  name: string;
  /** The upstream model every Claude model is routed to. */
  model: string;
  upstream: MockHandler;
  config(url: string): TestConfigSource;
  /** The model the provider was asked for and the names of the tools it was given. */
  read(request: RecordedRequest): { model: string; tools: string[] };
}

const ANSWER = '{"title": "Pong"}';

const ROUTES: TranslatedRoute[] = [
  {
    name: "Chat Completions",
    model: "fake-model",
    upstream: fakeModel(() => ({ text: ANSWER })),
    config: (url) => testConfig(url, { models: { "*": "fake-model" } }),
    read(request) {
      const body = request.json<ChatCompletionRequest>();
      return { model: body.model, tools: body.tools?.map((t) => t.function.name) ?? [] };
    },
  },
  {
    name: "Responses",
    model: "gpt-5.2",
    upstream: fakeResponsesModel(() => ({ text: ANSWER })),
    config: (url) =>
      testConfig(url, {
        provider: { name: "openai-responses", base_url: `${url}/v1`, api_key: "sk-test-key-123" },
        models: { "*": "gpt-5.2" },
      }),
    read(request) {
      const body = request.json<ResponsesRequestBody>();
      return { model: body.model, tools: body.tools?.flatMap((t) => t.name ?? []) ?? [] };
    },
  },
  {
    name: "Gemini",
    model: "gemini-3-flash-preview",
    upstream: fakeGeminiModel(() => ({ text: ANSWER })),
    config: (url) =>
      testConfig(url, {
        provider: { name: "gemini", base_url: url, api_key: FAKE_GEMINI_KEY, format: "gemini" },
        models: { "*": "gemini-3-flash-preview" },
      }),
    read(request) {
      const body = request.json<GeminiRequest>();
      const model = decodeURIComponent(/\/models\/([^:]+):/.exec(request.path)?.[1] ?? "");
      const tools = body.tools?.flatMap((t) => t.functionDeclarations ?? []).map((f) => f.name);
      return { model, tools: tools ?? [] };
    },
  },
];

for (const route of ROUTES) {
  for (const name of FIXTURES) {
    Deno.test(`the recorded Claude Code request ${name} gets a whole answer through ${route.name}`, async () => {
      const recorded = loadRecordedRequest(name);
      await withProxyStack(route, async ({ mock, proxy }) => {
        const response = await sendRecorded(proxy.url, recorded);
        const text = await response.text();
        assert.equal(response.status, 200, text);
        if (recorded.body.stream) assertAnthropicGrammar(parseAnthropicSse(text));
        else assert.equal(JSON.parse(text).type, "message");
        assert.equal(mock.requests.length, 1, "one request upstream");
        const sent = route.read(mock.requests[0]!);
        assert.equal(sent.model, route.model);
        // Every real tool reaches the provider (the placeholder of deferred tools is not a tool).
        const real = (recorded.body.tools ?? [])
          .filter((t) => !("defer_loading" in t && t.defer_loading)).map((t) => t.name);
        for (const tool of real) {
          assert.ok(sent.tools.includes(tool), `${tool} reached the provider`);
        }
      });
    });
  }
}
