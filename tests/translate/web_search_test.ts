import assert from "node:assert/strict";
import type { Tool } from "../../src/wire/anthropic_types.ts";
import { messageToEvents } from "../../src/translate/anthropic/message_events.ts";
import {
  filterHits,
  findWebSearchTool,
  forcedWebSearchTool,
  inDomain,
  MAX_QUERY_CHARS,
  resultExtract,
  searchDomains,
  webSearchMessage,
  webSearchQuery,
} from "../../src/translate/web_search.ts";
import { CLAUDE_CODE_SEARCH_TOOL, webSearchRequest } from "../helpers/web_search_request.ts";

const SEARCH_TOOL = CLAUDE_CODE_SEARCH_TOOL;
const BASH: Tool = { name: "Bash", input_schema: { type: "object", properties: {} } };

const searchRequest = () => webSearchRequest("deno 2.9 release notes");

const OPTIONS = {
  messageId: "msg_1",
  toolUseId: "srvtoolu_1",
  model: "claude-sonnet-4-6",
  toolName: "web_search",
  query: "deno 2.9 release notes",
  backend: "searxng",
};

Deno.test("findWebSearchTool finds both dated web search tool types and nothing else", () => {
  assert.equal(findWebSearchTool({ tools: [BASH, SEARCH_TOOL] }), SEARCH_TOOL);
  const newer = { type: "web_search_20260209", name: "web_search" };
  assert.equal(findWebSearchTool({ tools: [newer] }), newer);
  assert.equal(
    findWebSearchTool({ tools: [{ type: "web_fetch_20250910", name: "web_fetch" }] }),
    undefined,
  );
  assert.equal(findWebSearchTool({ tools: [BASH] }), undefined);
  assert.equal(findWebSearchTool({}), undefined);
});

Deno.test("forcedWebSearchTool is set only when tool_choice makes the model search", () => {
  assert.equal(forcedWebSearchTool(searchRequest()), SEARCH_TOOL);
  assert.equal(
    forcedWebSearchTool({ tools: [SEARCH_TOOL], tool_choice: { type: "any" } }),
    SEARCH_TOOL,
  );
  // The model may choose another tool, or none: only a model can answer that.
  assert.equal(
    forcedWebSearchTool({ tools: [SEARCH_TOOL, BASH], tool_choice: { type: "any" } }),
    undefined,
  );
  assert.equal(
    forcedWebSearchTool({ tools: [SEARCH_TOOL], tool_choice: { type: "auto" } }),
    undefined,
  );
  assert.equal(forcedWebSearchTool({ tools: [SEARCH_TOOL] }), undefined);
  // Claude Code 2.1.3xx sends its WebSearch prompt with tool_choice auto and the one tool.
  const prompt = (
    text: string,
  ) => [{ role: "user" as const, content: [{ type: "text" as const, text }] }];
  assert.equal(
    forcedWebSearchTool({
      tools: [SEARCH_TOOL],
      tool_choice: { type: "auto" },
      messages: prompt("Perform a web search for the query: pong facts"),
    }),
    SEARCH_TOOL,
  );
  assert.equal(
    forcedWebSearchTool({
      tools: [SEARCH_TOOL, BASH],
      tool_choice: { type: "auto" },
      messages: prompt("Perform a web search for the query: pong facts"),
    }),
    undefined,
  );
  assert.equal(
    forcedWebSearchTool({
      tools: [SEARCH_TOOL],
      tool_choice: { type: "auto" },
      messages: prompt("What is new in Deno?"),
    }),
    undefined,
  );
  assert.equal(
    forcedWebSearchTool({
      tools: [SEARCH_TOOL, BASH],
      tool_choice: { type: "tool", name: "Bash" },
    }),
    undefined,
  );
});

Deno.test("webSearchQuery takes the last user text without Claude Code's prefix", () => {
  assert.equal(webSearchQuery(searchRequest().messages), "deno 2.9 release notes");
  assert.equal(
    webSearchQuery([
      { role: "user", content: "first question" },
      { role: "assistant", content: "an answer" },
      { role: "user", content: "  weather   in\nOslo  " },
    ]),
    "weather in Oslo",
  );
  assert.equal(webSearchQuery([{ role: "assistant", content: "no user here" }]), "");
  assert.equal(
    webSearchQuery([{
      role: "user",
      content: [{ type: "image", source: { type: "url", url: "https://x.test/a.png" } }],
    }]),
    "",
  );
});

Deno.test("webSearchQuery cuts a long query at a word within the limit", () => {
  const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
  const query = webSearchQuery([{ role: "user", content: words }]);
  assert.ok(query.length <= MAX_QUERY_CHARS, `${query.length}`);
  assert.ok(words.startsWith(query));
  assert.match(query, /word\d+$/);
  assert.ok(words.charAt(query.length) === " ", "cut at a word boundary");
});

Deno.test("inDomain matches the domain and its subdomains, not look-alikes", () => {
  assert.ok(inDomain("https://deno.com/blog", "deno.com"));
  assert.ok(inDomain("https://docs.deno.com/runtime", "deno.com"));
  assert.ok(inDomain("https://DOCS.Deno.com/", "https://deno.com/"));
  assert.ok(!inDomain("https://notdeno.com/", "deno.com"));
  assert.ok(!inDomain("https://deno.com.evil.test/", "deno.com"));
  assert.ok(!inDomain("not a url", "deno.com"));
});

Deno.test("filterHits keeps allowed domains and removes blocked ones", () => {
  const hits = [
    { title: "a", url: "https://deno.com/a" },
    { title: "b", url: "https://docs.deno.com/b" },
    { title: "c", url: "https://example.org/c" },
  ];
  assert.deepEqual(
    filterHits(hits, { allowed: ["deno.com"], blocked: [] }).map((h) => h.title),
    ["a", "b"],
  );
  assert.deepEqual(
    filterHits(hits, { allowed: [], blocked: ["docs.deno.com"] }).map((h) => h.title),
    ["a", "c"],
  );
  assert.equal(filterHits(hits, { allowed: [], blocked: [] }).length, 3);
});

Deno.test("searchDomains reads the tool's domain lists, ignoring non-strings", () => {
  assert.deepEqual(
    searchDomains({ ...SEARCH_TOOL, allowed_domains: ["deno.com", 3, ""], blocked_domains: "x" }),
    { allowed: ["deno.com"], blocked: [] },
  );
});

Deno.test("webSearchMessage answers with the query, the results and a digest a model can read", () => {
  const message = webSearchMessage({
    hits: [
      {
        title: "Deno 2.9",
        url: "https://deno.com/blog/v2.9",
        snippet: "Deno 2.9 brings façades",
        age: "3 days ago",
      },
      { title: "", url: "https://github.com/denoland/deno/releases" },
    ],
  }, OPTIONS);
  assert.equal(message.stop_reason, "end_turn");
  assert.deepEqual(message.usage.server_tool_use, { web_search_requests: 1 });
  const [use, result, text] = message.content;
  assert.deepEqual(use, {
    type: "server_tool_use",
    id: "srvtoolu_1",
    name: "web_search",
    input: { query: "deno 2.9 release notes" },
  });
  assert.equal(result?.type, "web_search_tool_result");
  if (result?.type !== "web_search_tool_result" || !Array.isArray(result.content)) {
    throw new Error("expected results");
  }
  assert.equal(result.tool_use_id, "srvtoolu_1");
  assert.deepEqual(result.content.map((r) => [r.title, r.url, r.page_age]), [
    ["Deno 2.9", "https://deno.com/blog/v2.9", "3 days ago"],
    ["", "https://github.com/denoland/deno/releases", null],
  ]);
  assert.equal(resultExtract(result.content[0]!), "Deno 2.9 brings façades");
  assert.equal(text?.type, "text");
  if (text?.type !== "text") throw new Error("expected text");
  assert.match(text.text, /^Results for "deno 2\.9 release notes" \(searched with searxng\):/);
  assert.match(
    text.text,
    /1\. Deno 2\.9\n {3}https:\/\/deno\.com\/blog\/v2\.9\n {3}3 days ago\n {3}Deno 2\.9 brings façades/,
  );
  // An untitled result is listed by its URL.
  assert.match(text.text, /2\. https:\/\/github\.com\/denoland\/deno\/releases\n/);
});

Deno.test("webSearchMessage reports a failed search as a web_search_tool_result error", () => {
  const message = webSearchMessage({
    error: "too_many_requests",
    detail: "brave answered HTTP 429",
  }, {
    ...OPTIONS,
    backend: "brave",
  });
  assert.deepEqual(message.content[1], {
    type: "web_search_tool_result",
    tool_use_id: "srvtoolu_1",
    content: { type: "web_search_tool_result_error", error_code: "too_many_requests" },
  });
  assert.deepEqual(message.content[2], {
    type: "text",
    text: "Web search failed: brave answered HTTP 429",
  });
  assert.deepEqual(message.usage.server_tool_use, { web_search_requests: 0 });
});

Deno.test("webSearchMessage says when nothing was found", () => {
  const message = webSearchMessage({ hits: [] }, OPTIONS);
  assert.deepEqual(message.content[1], {
    type: "web_search_tool_result",
    tool_use_id: "srvtoolu_1",
    content: [],
  });
  assert.deepEqual(message.content[2], {
    type: "text",
    text: 'No results for "deno 2.9 release notes" (searched with searxng).',
  });
});

Deno.test("messageToEvents streams a searched answer the way Anthropic does", () => {
  const message = webSearchMessage({ hits: [{ title: "t", url: "https://a.test/" }] }, OPTIONS);
  const events = messageToEvents(message);
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "content_block_start",
    "content_block_stop",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  // The query arrives as input_json_delta on an empty server_tool_use, like a tool call.
  assert.deepEqual(events[1], {
    type: "content_block_start",
    index: 0,
    content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} },
  });
  assert.deepEqual(events[2], {
    type: "content_block_delta",
    index: 0,
    delta: { type: "input_json_delta", partial_json: '{"query":"deno 2.9 release notes"}' },
  });
  // The results come whole in content_block_start.
  assert.deepEqual(events[4], {
    type: "content_block_start",
    index: 1,
    content_block: message.content[1],
  });
});

Deno.test("resultExtract gives an empty string for content it did not make", () => {
  assert.equal(resultExtract({ encrypted_content: "EqgfCioIARgBIiQ3YTAw" }), "");
  assert.equal(resultExtract({}), "");
});
