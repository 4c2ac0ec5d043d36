// End to end with the real Claude Code CLI: its WebSearch tool through the proxy, which answers the
// search request from a mock SearXNG while the model's turns go to a mock OpenAI upstream.
import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { CLAUDE_CODE_VERSIONS, claudeCodeTest, runClaudeCode } from "../helpers/claude_cli.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { jsonResponse, type RecordedRequest } from "../helpers/mock_upstream.ts";
import { testConfig } from "../helpers/proxy.ts";

const QUERY = "claude-proxy web search marker";
const EXTRACT = "The marker page says websearch-e2e-5c21 is the answer.";
const URL_FOUND = "https://docs.example.org/marker";

/** What the mock SearXNG finds. */
const SEARXNG_ANSWER = {
  query: QUERY,
  results: [
    { url: URL_FOUND, title: "Marker page", content: EXTRACT },
    { url: "https://blocked.example.com/x", title: "Blocked page", content: "Never shown." },
  ],
};

const isSearch = (req: RecordedRequest) => req.path.startsWith("/searx/");

for (const version of CLAUDE_CODE_VERSIONS) {
  Deno.test({
    name: `Claude Code ${version}'s WebSearch tool gets results from the proxy's search backend`,
    ...claudeCodeTest(version),
    fn: async () => {
      const model = fakeModel((request) => {
        const result = request.messages.findLast((m) => m.role === "tool");
        if (result && result.tool_call_id === "call_search_1") {
          return { text: `Search said: ${String(result.content)}` };
        }
        if (request.tools?.some((t) => t.function.name === "WebSearch")) {
          return {
            toolCalls: [{
              id: "call_search_1",
              name: "WebSearch",
              arguments: { query: QUERY, blocked_domains: ["blocked.example.com"] },
            }],
          };
        }
        // Newer Claude Code defers WebSearch: the model loads it with ToolSearch first.
        if (request.tools?.some((t) => t.function.name === "ToolSearch") && !result) {
          return {
            toolCalls: [{
              id: "call_tool_search_1",
              name: "ToolSearch",
              arguments: { query: "select:WebSearch", max_results: 1 },
            }],
          };
        }
        return { text: "unexpected request" };
      });
      const run = await runClaudeCode({
        version,
        upstream: (req) => isSearch(req) ? jsonResponse(SEARXNG_ANSWER) : model(req),
        config: (url) =>
          testConfig(url, {
            models: { "*": "fake-model" },
            web_search: { backend: "searxng", base_url: `${url}/searx` },
          }),
        prompt: "Search the web for the marker and tell me what it says.",
        args: ["--allowedTools", "WebSearch,ToolSearch"],
      });
      assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
      // The search went to the backend with Claude Code's query, once.
      const searches = run.mock.requests.filter(isSearch);
      assert.equal(searches.length, 1);
      assert.equal(new URL(searches[0]!.path, "http://x").searchParams.get("q"), QUERY);
      // The model never saw the search request itself: every model call is a main-loop turn.
      const turns = run.mock.requests.filter((r) => !isSearch(r)).map((r) =>
        r.json<ChatCompletionRequest>()
      );
      for (const turn of turns) {
        assert.ok(
          turn.tools?.some((t) =>
            t.function.name === "WebSearch" || t.function.name === "ToolSearch"
          ),
          "a main-loop turn",
        );
      }
      // Claude Code turned the proxy's answer into its tool result: the extract and the links,
      // without the blocked domain.
      const result = turns.at(-1)?.messages.findLast((m) => m.role === "tool");
      assert.ok(result && result.role === "tool", "the last turn carries the WebSearch result");
      assert.equal(result.tool_call_id, "call_search_1");
      const content = String(result.content);
      assert.match(content, new RegExp(`Web search results for query: "${QUERY}"`));
      assert.ok(content.includes(EXTRACT), content);
      assert.ok(content.includes(URL_FOUND), content);
      assert.ok(!content.includes("blocked.example.com"), content);
      assert.match(run.stdout, /websearch-e2e-5c21/);
      const logged = run.proxy.records.find((r) => r.upstream_model === "web search (searxng)");
      assert.ok(logged, "the search request is in the log");
      assert.deepEqual(logged.changes, ["answered by web search (searxng): 1 result"]);
    },
  });
}
