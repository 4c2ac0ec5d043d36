// Web search requests (Claude Code's WebSearch tool) answered by the proxy from a search backend.
import assert from "node:assert/strict";
import type Anthropic from "@anthropic-ai/sdk";
import type {
  MessageCreateParamsNonStreaming,
  MessageStreamEvent,
} from "@anthropic-ai/sdk/resources/messages";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { resultExtract } from "../../src/translate/web_search.ts";
import { NOT_SET_UP } from "../../src/server/handlers/web_search.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { jsonResponse, type RecordedRequest, streamResponse } from "../helpers/mock_upstream.ts";
import { configFromToml } from "../helpers/proxy.ts";
import { withSdkStack } from "../helpers/sdk_stack.ts";
import { webSearchRequest } from "../helpers/web_search_request.ts";

const searchRequest = (extra: Partial<MessagesRequest> = {}) =>
  webSearchRequest("deno 2.9 release", extra);

/** A SearXNG answer (`format=json`), trimmed to the fields the proxy reads. */
const SEARXNG_ANSWER = {
  query: "deno 2.9 release",
  number_of_results: 3,
  results: [
    {
      url: "https://deno.com/blog/v2.9",
      title: "Deno 2.9",
      content: "Deno 2.9 is out with faster npm installs.",
      publishedDate: "2026-11-18T00:00:00",
    },
    {
      url: "https://github.com/denoland/deno/releases/tag/v2.9.0",
      title: "Release v2.9.0 · denoland/deno",
      content: "Changelog for 2.9.0.",
      publishedDate: null,
    },
    { url: "https://spam.example/deno", title: "Deno deals", content: "Buy now." },
  ],
};

/** One mock serving both a model (which must not be called) and a SearXNG instance at /searx. */
function upstream(search: (req: RecordedRequest) => Response = () => jsonResponse(SEARXNG_ANSWER)) {
  return (req: RecordedRequest) =>
    req.path.startsWith("/searx/")
      ? search(req)
      : jsonResponse({ error: { message: "the model was called" } }, 500);
}

function config(url: string, webSearch = true, provider = `name = "custom"\nbase_url = "${url}"`) {
  return configFromToml(`
[provider]
${provider}
api_key = "sk-test-secret-key-123456"
[upstream]
retries = 0
${webSearch ? `[web_search]\nbackend = "searxng"\nbase_url = "${url}/searx/"\nmax_results = 2` : ""}
`);
}

/** Sends `request` as a non-streaming create (the proxy's types are looser than the SDK's). */
function create(client: Anthropic, request: MessagesRequest) {
  const body = { ...request, max_tokens: 1024 }; // the SDK refuses long non-streaming requests
  return client.messages.create(body as unknown as MessageCreateParamsNonStreaming);
}

const searches = (requests: readonly RecordedRequest[]) =>
  requests.filter((r) => r.path.startsWith("/searx/"));

Deno.test("a forced web search is answered from the search backend without calling the model", async () => {
  await withSdkStack(
    { upstream: upstream(), config: (url) => config(url) },
    async (client, { mock, proxy }) => {
      const message = await create(client, searchRequest());
      assert.equal(mock.requests.length, 1, "one search, no model call");
      const sent = new URL(mock.requests[0]!.path, "http://x");
      assert.equal(sent.pathname, "/searx/search");
      assert.equal(sent.searchParams.get("q"), "deno 2.9 release");
      assert.equal(sent.searchParams.get("format"), "json");
      assert.equal(message.model, "claude-sonnet-4-6");
      assert.equal(message.stop_reason, "end_turn");
      assert.deepEqual(message.content.map((b) => b.type), [
        "server_tool_use",
        "web_search_tool_result",
        "text",
      ]);
      const [use, result, text] = message.content;
      assert.ok(use?.type === "server_tool_use" && result?.type === "web_search_tool_result");
      assert.deepEqual(use.input, { query: "deno 2.9 release" });
      assert.equal(result.tool_use_id, use.id);
      assert.match(use.id, /^srvtoolu_/);
      assert.ok(Array.isArray(result.content));
      // max_results = 2 caps the three SearXNG results.
      assert.deepEqual(result.content.map((r) => [r.title, r.url, r.page_age]), [
        ["Deno 2.9", "https://deno.com/blog/v2.9", "2026-11-18T00:00:00"],
        [
          "Release v2.9.0 · denoland/deno",
          "https://github.com/denoland/deno/releases/tag/v2.9.0",
          null,
        ],
      ]);
      assert.equal(resultExtract(result.content[0]!), "Deno 2.9 is out with faster npm installs.");
      assert.ok(text?.type === "text");
      assert.match(text.text, /Deno 2\.9 is out with faster npm installs\./);
      assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record?.status, 200);
      assert.equal(record?.upstream_model, "web search (searxng)");
      assert.deepEqual(record?.changes, ["answered by web search (searxng): 2 results"]);
    },
  );
});

Deno.test("a streamed web search answer reads like Anthropic's through the SDK", async () => {
  await withSdkStack({ upstream: upstream(), config: (url) => config(url) }, async (client) => {
    const stream = client.messages.stream(
      searchRequest() as unknown as MessageCreateParamsNonStreaming,
    );
    const events: MessageStreamEvent[] = [];
    stream.on("streamEvent", (event) => events.push(event));
    const message = await stream.finalMessage();
    assert.deepEqual(message.content.map((b) => b.type), [
      "server_tool_use",
      "web_search_tool_result",
      "text",
    ]);
    // The SDK rebuilt the query from its input_json_delta, as Claude Code does for its progress line.
    const use = message.content[0];
    assert.ok(use?.type === "server_tool_use");
    assert.deepEqual(use.input, { query: "deno 2.9 release" });
    assert.equal(events[0]?.type, "message_start");
    assert.equal(events.at(-1)?.type, "message_stop");
    const starts = events.flatMap((e) =>
      e.type === "content_block_start" ? [e.content_block.type] : []
    );
    assert.deepEqual(starts, ["server_tool_use", "web_search_tool_result", "text"]);
  });
});

Deno.test("the search request carries the tool's allowed domain and the answer keeps only that domain", async () => {
  await withSdkStack(
    { upstream: upstream(), config: (url) => config(url) },
    async (client, { mock }) => {
      const request = searchRequest({
        tools: [{ type: "web_search_20250305", name: "web_search", allowed_domains: ["deno.com"] }],
      });
      const message = await create(client, request);
      const q = new URL(mock.requests[0]!.path, "http://x").searchParams.get("q");
      assert.equal(q, "deno 2.9 release site:deno.com");
      const result = message.content[1];
      assert.ok(result?.type === "web_search_tool_result" && Array.isArray(result.content));
      assert.deepEqual(result.content.map((r) => r.url), ["https://deno.com/blog/v2.9"]);
    },
  );
});

Deno.test("a backend that refuses answers with a web_search_tool_result error and why", async () => {
  const busy = () => jsonResponse({ error: "slow down" }, 429);
  await withSdkStack(
    { upstream: upstream(busy), config: (url) => config(url) },
    async (client, { proxy }) => {
      const message = await create(client, searchRequest());
      const result = message.content[1];
      assert.ok(result?.type === "web_search_tool_result");
      assert.deepEqual(result.content, {
        type: "web_search_tool_result_error",
        error_code: "too_many_requests",
      });
      const text = message.content[2];
      assert.ok(text?.type === "text");
      assert.match(text.text, /^Web search failed: .*429/);
      const [record] = await proxy.waitForRecords(1);
      assert.equal(record?.status, 200);
      assert.equal(record?.error_type, "too_many_requests");
      assert.deepEqual(record?.changes, ["web search (searxng) failed: too_many_requests"]);
    },
  );
});

Deno.test("without a [web_search] table the answer says no search backend is set up", async () => {
  await withSdkStack(
    { upstream: upstream(), config: (url) => config(url, false) },
    async (client, { mock }) => {
      const message = await create(client, searchRequest());
      assert.equal(mock.requests.length, 0, "neither a search nor a model call");
      assert.deepEqual(message.content[1], {
        type: "web_search_tool_result",
        tool_use_id: (message.content[0] as { id: string }).id,
        content: { type: "web_search_tool_result_error", error_code: "unavailable" },
      });
      assert.deepEqual(message.content[2], {
        type: "text",
        text: `Web search failed: ${NOT_SET_UP}`,
      });
    },
  );
});

Deno.test("a request that only offers web search among other tools still goes to the model", async () => {
  const model = fakeModel(() => ({ text: "No search needed." }));
  const mixed = (req: RecordedRequest) =>
    req.path.startsWith("/searx/") ? jsonResponse(SEARXNG_ANSWER) : model(req);
  await withSdkStack(
    { upstream: mixed, config: (url) => config(url) },
    async (client, { mock }) => {
      const message = await create(client, {
        ...searchRequest(),
        tools: [
          { type: "web_search_20250305", name: "web_search" },
          { name: "Bash", input_schema: { type: "object", properties: {} } },
        ],
        tool_choice: { type: "auto" },
      });
      assert.equal(message.content.length, 1);
      assert.equal((message.content[0] as { text?: string }).text, "No search needed.");
      assert.equal(searches(mock.requests).length, 0);
      const sent = mock.requests[0]!.json<{ tools: Array<{ function: { name: string } }> }>();
      assert.deepEqual(sent.tools.map((t) => t.function.name), ["Bash"]);
    },
  );
});

Deno.test("an Anthropic-format provider lacking web search gets its search answered by the proxy", async () => {
  await withSdkStack({
    upstream: upstream(),
    config: (url) => config(url, true, `name = "deepseek-anthropic"\nbase_url = "${url}"`),
  }, async (client, { mock }) => {
    const message = await create(client, searchRequest());
    assert.equal(searches(mock.requests).length, 1);
    assert.equal(mock.requests.length, 1);
    assert.equal(message.content[1]?.type, "web_search_tool_result");
  });
});

Deno.test("Anthropic itself gets the web search request unchanged", async () => {
  const anthropic = (req: RecordedRequest) =>
    req.path === "/v1/messages"
      ? streamResponse([
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_a","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":0}}}\n\n',
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}}\n\n',
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ], { headers: { "content-type": "text/event-stream" } })
      : jsonResponse(SEARXNG_ANSWER);
  await withSdkStack({
    upstream: anthropic,
    config: (url) => config(url, true, `name = "anthropic"\nbase_url = "${url}"`),
  }, async (client, { mock }) => {
    await client.messages.stream(searchRequest() as unknown as MessageCreateParamsNonStreaming)
      .finalMessage();
    assert.deepEqual(mock.requests.map((r) => r.path), ["/v1/messages"]);
    const sent = mock.requests[0]!.json<MessagesRequest>();
    assert.deepEqual(sent.tools, searchRequest().tools);
    assert.deepEqual(sent.tool_choice, { type: "tool", name: "web_search" });
  });
});
