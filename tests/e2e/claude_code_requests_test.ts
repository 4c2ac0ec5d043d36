// Recorded Claude Code requests (tests/fixtures/claude-code/, both supported versions) through the proxy to a
// mock OpenAI provider: each gets a whole Anthropic stream, and the deferred tools reach the provider.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { testConfig, withProxyStack } from "../helpers/proxy.ts";
import { assertAnthropicGrammar, parseAnthropicSse } from "../helpers/streams.ts";

interface Recorded {
  headers: Record<string, string>;
  body: { model: string; stream?: boolean; tools?: { name: string; defer_loading?: boolean }[] };
}

const FIXTURES = [
  "first-turn.request.json",
  "first-turn-2.1.337.request.json",
  "interactive-first-turn-2.1.337.request.json",
  "session-title.request.json",
  "session-title-2.1.337.request.json",
  "tool-search-second-turn-2.1.337.request.json",
  "subagent-2.1.337.request.json",
];

function load(name: string): Recorded {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/claude-code/${name}`, import.meta.url), "utf8"),
  );
}

for (const name of FIXTURES) {
  Deno.test(`the recorded Claude Code request ${name} gets a whole answer through a translated route`, async () => {
    const recorded = load(name);
    await withProxyStack({
      upstream: fakeModel(() => ({ text: '{"title": "Pong"}' })),
      config: (url) => testConfig(url, { models: { "*": "fake-model" } }),
    }, async ({ mock, proxy }) => {
      const headers = { ...recorded.headers };
      for (const drop of ["host", "content-length", "connection", "accept-encoding"]) {
        delete headers[drop];
      }
      const response = await fetch(`${proxy.url}/v1/messages?beta=true`, {
        method: "POST",
        headers,
        body: JSON.stringify(recorded.body),
      });
      const text = await response.text();
      assert.equal(response.status, 200, text);
      if (recorded.body.stream) assertAnthropicGrammar(parseAnthropicSse(text));
      else assert.equal(JSON.parse(text).type, "message");
      const sent = mock.requests[0]!.json<ChatCompletionRequest>();
      assert.equal(sent.model, "fake-model");
      // Every real tool reaches the provider (the placeholder of deferred tools is not a tool).
      const real = (recorded.body.tools ?? []).filter((t) => !t.defer_loading).map((t) => t.name);
      const upstream = new Set(sent.tools?.map((t) => t.function.name) ?? []);
      for (const tool of real) assert.ok(upstream.has(tool), `${tool} reached the provider`);
    });
  });
}
