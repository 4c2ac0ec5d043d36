// Tests for searchWeb: each backend's request and answer mapping, domain lists, error mapping.
import assert from "node:assert/strict";
import type { WebSearchBackend, WebSearchConfig } from "../../src/config/schema.ts";
import { searchWeb, WebSearchError } from "../../src/web_search/search.ts";
import type { SearchHit } from "../../src/translate/web_search.ts";
import {
  jsonResponse,
  type MockHandler,
  type MockUpstream,
  startMockUpstream,
  streamResponse,
} from "../helpers/mock_upstream.ts";
import { FakeTimers } from "../helpers/fake_timers.ts";

const SANITIZE = { sanitizeOps: true, sanitizeResources: true };
const BRAVE_KEY = "BSAq7xK2mP9vR4tL8nW3yZ6cF1hJ5dG0";
const TAVILY_KEY = "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";
const SEARXNG_TOKEN = "searx-token-7Hq2Lp9Xv4Rt";

function configFor(
  backend: WebSearchBackend,
  baseUrl: string,
  extra: Partial<WebSearchConfig> = {},
): WebSearchConfig {
  const keys: Record<WebSearchBackend, Partial<WebSearchConfig>> = {
    brave: { apiKey: BRAVE_KEY, apiKeyEnv: "BRAVE_API_KEY" },
    tavily: { apiKey: TAVILY_KEY, apiKeyEnv: "TAVILY_API_KEY" },
    searxng: {},
  };
  return { backend, baseUrl, maxResults: 5, timeoutMs: 5_000, ...keys[backend], ...extra };
}

/** Runs `fn` against a mock that answers every request with `handler`, then closes it. */
async function withMock(
  handler: MockHandler,
  fn: (mock: MockUpstream) => Promise<void>,
): Promise<void> {
  const mock = await startMockUpstream(handler);
  try {
    await fn(mock);
  } finally {
    await mock.close();
  }
}

/** Expects `promise` to reject with a WebSearchError and returns it. */
async function searchError(promise: Promise<unknown>): Promise<WebSearchError> {
  let caught: unknown;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof WebSearchError, `expected a WebSearchError, got ${caught}`);
  return caught;
}

/** A handler that never answers (the mock answers 503 once the client leaves). */
function neverAnswer(): Promise<Response> {
  return new Promise<Response>(() => {});
}

function query(path: string): URLSearchParams {
  return new URL(path, "http://mock").searchParams;
}

// A Brave answer shaped like a real one (trimmed): highlights in <strong>, HTML entities.
const BRAVE_ANSWER = {
  type: "search",
  query: { original: "deno 2 release", more_results_available: true },
  mixed: { type: "mixed", main: [{ type: "web", index: 0, all: false }] },
  web: {
    type: "search",
    family_friendly: true,
    results: [
      {
        title: "Announcing <strong>Deno</strong> 2",
        url: "https://deno.com/blog/v2.0",
        is_source_local: false,
        description:
          "The web is humanity&#x27;s largest software platform &amp; <strong>Deno</strong> 2 is &quot;backwards compatible&quot; with Node.js and npm.",
        page_age: "2024-10-09T00:00:00",
        age: "October 9, 2024",
        language: "en",
        type: "search_result",
        meta_url: { scheme: "https", netloc: "deno.com", hostname: "deno.com" },
      },
      {
        title: "Deno 2 upgrade guide | <strong>Deno</strong> Docs",
        url: "https://docs.deno.com/runtime/reference/migration_guide/",
        description: "Moving from <strong>Deno</strong> 1.x to 2.x &lt;summary&gt;",
        page_age: "2024-10-01T12:00:00",
        type: "search_result",
      },
      {
        title: "Releases · denoland/deno",
        url: "https://github.com/denoland/deno/releases",
        description: "A modern runtime for JavaScript and TypeScript. &mdash; denoland/deno",
        age: "3 days ago",
      },
      {
        title: "Announcing Deno 2 (duplicate)",
        url: "https://deno.com/blog/v2.0",
        description: "Same page again",
      },
      { title: "Not a web page", url: "ftp://files.example.com/deno.tar.gz", description: "" },
      { title: "No URL at all", description: "Dropped" },
      {
        title: "Deno 2 on Hacker News",
        url: "https://news.ycombinator.com/item?id=41785000",
        description: "Discussion",
      },
    ],
  },
};

// A Tavily answer as its /search endpoint gives it (search_depth basic).
const TAVILY_ANSWER = {
  query: "deno 2 release",
  follow_up_questions: null,
  answer: null,
  images: [],
  results: [
    {
      title: "Announcing Deno 2",
      url: "https://deno.com/blog/v2.0",
      content:
        "The web is humanity's largest software platform.\n\n  Deno 2 is backwards compatible.",
      score: 0.91,
      raw_content: null,
      published_date: "Wed, 09 Oct 2024 00:00:00 GMT",
    },
    {
      title: "Deno 2.0 Release Candidate",
      url: "https://deno.com/blog/v2.0-release-candidate",
      content: "Deno 2.0 release candidate is available.",
      score: 0.82,
      raw_content: null,
    },
  ],
  response_time: 1.27,
};

// A SearXNG answer (format=json), trimmed.
const SEARXNG_ANSWER = {
  query: "deno 2 release",
  number_of_results: 0,
  results: [
    {
      url: "https://deno.com/blog/v2.0",
      title: "Announcing Deno 2",
      content: "The web is humanity's largest software platform.",
      engine: "duckduckgo",
      engines: ["duckduckgo", "brave"],
      score: 4,
      category: "general",
      publishedDate: "2024-10-09T00:00:00",
    },
    {
      url: "https://github.com/denoland/deno/releases",
      title: "Releases · denoland/deno",
      content: "A modern runtime for JavaScript and TypeScript.",
      engine: "google",
      publishedDate: null,
    },
  ],
  answers: [],
  corrections: [],
  infoboxes: [],
  suggestions: [],
  unresponsive_engines: [],
};

// --- Brave -------------------------------------------------------------------------------------

Deno.test({
  name: "searchWeb with brave sends GET /web/search with q, count and the subscription token",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(BRAVE_ANSWER), async (mock) => {
      await searchWeb(configFor("brave", `${mock.url}/res/v1/`), "deno 2 release");
      const [request] = mock.requests;
      assert.ok(request);
      assert.equal(request.method, "GET");
      assert.equal(new URL(request.path, "http://mock").pathname, "/res/v1/web/search");
      assert.deepEqual([...query(request.path)], [["q", "deno 2 release"], ["count", "5"]]);
      assert.equal(request.headers["x-subscription-token"], BRAVE_KEY);
      assert.equal(request.headers["accept"], "application/json");
    });
  },
});

Deno.test({
  name: "searchWeb with brave strips HTML from titles and snippets and prefers age to page_age",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(BRAVE_ANSWER), async (mock) => {
      const hits = await searchWeb(configFor("brave", mock.url), "deno 2 release");
      assert.deepEqual(hits.slice(0, 3), [
        {
          title: "Announcing Deno 2",
          url: "https://deno.com/blog/v2.0",
          snippet:
            'The web is humanity\'s largest software platform & Deno 2 is "backwards compatible" with Node.js and npm.',
          age: "October 9, 2024",
        },
        {
          title: "Deno 2 upgrade guide | Deno Docs",
          url: "https://docs.deno.com/runtime/reference/migration_guide/",
          snippet: "Moving from Deno 1.x to 2.x <summary>",
          age: "2024-10-01T12:00:00",
        },
        {
          title: "Releases · denoland/deno",
          url: "https://github.com/denoland/deno/releases",
          snippet: "A modern runtime for JavaScript and TypeScript. — denoland/deno",
          age: "3 days ago",
        },
      ]);
    });
  },
});

Deno.test({
  name: "searchWeb drops duplicate URLs and non-http(s) or missing URLs, keeping the order",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(BRAVE_ANSWER), async (mock) => {
      const hits = await searchWeb(configFor("brave", mock.url), "deno 2 release");
      assert.deepEqual(hits.map((hit) => hit.url), [
        "https://deno.com/blog/v2.0",
        "https://docs.deno.com/runtime/reference/migration_guide/",
        "https://github.com/denoland/deno/releases",
        "https://news.ycombinator.com/item?id=41785000",
      ]);
      assert.equal(hits[0]?.title, "Announcing Deno 2");
    });
  },
});

Deno.test({
  name: "searchWeb caps the hits at maxResults after filtering",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(BRAVE_ANSWER), async (mock) => {
      const config = configFor("brave", mock.url, { maxResults: 2 });
      const hits = await searchWeb(config, "deno 2 release");
      assert.deepEqual(hits.map((hit) => hit.url), [
        "https://deno.com/blog/v2.0",
        "https://docs.deno.com/runtime/reference/migration_guide/",
      ]);
      assert.equal(query(mock.requests[0]!.path).get("count"), "2");
      const blocked = await searchWeb(config, "deno 2 release", { blockedDomains: ["deno.com"] });
      assert.deepEqual(blocked.map((hit) => hit.url), [
        "https://github.com/denoland/deno/releases",
        "https://news.ycombinator.com/item?id=41785000",
      ]);
    });
  },
});

Deno.test({
  name: "searchWeb with brave adds site: for one allowed domain, asks for 20 and keeps subdomains",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(BRAVE_ANSWER), async (mock) => {
      const hits = await searchWeb(configFor("brave", mock.url), "deno 2 release", {
        allowedDomains: ["https://Deno.com/"],
      });
      const params = query(mock.requests[0]!.path);
      assert.equal(params.get("q"), "deno 2 release site:deno.com");
      assert.equal(params.get("count"), "20");
      assert.deepEqual(hits.map((hit) => hit.url), [
        "https://deno.com/blog/v2.0",
        "https://docs.deno.com/runtime/reference/migration_guide/",
      ]);
    });
  },
});

Deno.test({
  name: "searchWeb with brave filters several allowed domains without site: operators",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(BRAVE_ANSWER), async (mock) => {
      const hits = await searchWeb(configFor("brave", mock.url), "deno 2 release", {
        allowedDomains: ["github.com", "ycombinator.com"],
      });
      const params = query(mock.requests[0]!.path);
      assert.equal(params.get("q"), "deno 2 release");
      assert.equal(params.get("count"), "20");
      assert.deepEqual(hits.map((hit) => hit.url), [
        "https://github.com/denoland/deno/releases",
        "https://news.ycombinator.com/item?id=41785000",
      ]);
    });
  },
});

Deno.test({
  name: "searchWeb drops hits on blocked domains and their subdomains but not look-alike hosts",
  ...SANITIZE,
  async fn() {
    const answer = {
      web: {
        results: [
          { title: "A", url: "https://deno.com/a", description: "a" },
          { title: "B", url: "https://docs.deno.com/b", description: "b" },
          { title: "C", url: "https://notdeno.com/c", description: "c" },
          { title: "D", url: "https://example.org/d", description: "d" },
        ],
      },
    };
    await withMock(() => jsonResponse(answer), async (mock) => {
      const hits = await searchWeb(configFor("brave", mock.url), "deno", {
        blockedDomains: ["deno.com"],
      });
      assert.equal(query(mock.requests[0]!.path).get("q"), "deno");
      assert.equal(query(mock.requests[0]!.path).get("count"), "20");
      assert.deepEqual(hits.map((hit) => hit.url), [
        "https://notdeno.com/c",
        "https://example.org/d",
      ]);
    });
  },
});

Deno.test({
  name: "searchWeb with brave keeps the query without site: when it would get too long",
  ...SANITIZE,
  async fn() {
    const long = "word ".repeat(79) + "last"; // 399 characters
    await withMock(() => jsonResponse({ web: { results: [] } }), async (mock) => {
      await searchWeb(configFor("brave", mock.url), long, { allowedDomains: ["deno.com"] });
      assert.equal(query(mock.requests[0]!.path).get("q"), long);
    });
  },
});

Deno.test({
  name: "searchWeb with brave returns no hits when the answer has no web key",
  ...SANITIZE,
  async fn() {
    const answer = { type: "search", query: { original: "zzqx" }, mixed: { main: [] } };
    await withMock(() => jsonResponse(answer), async (mock) => {
      assert.deepEqual(await searchWeb(configFor("brave", mock.url), "zzqx"), []);
    });
  },
});

Deno.test({
  name: "searchWeb cuts long snippets at a word to 500 characters",
  ...SANITIZE,
  async fn() {
    const description = "lorem ipsum dolor ".repeat(40);
    const answer = { web: { results: [{ title: "T", url: "https://a.example/", description }] } };
    await withMock(() => jsonResponse(answer), async (mock) => {
      const [hit] = await searchWeb(configFor("brave", mock.url), "lorem");
      const snippet = hit?.snippet ?? "";
      assert.ok(snippet.length <= 500, `${snippet.length} characters`);
      assert.ok(snippet.length > 450, `${snippet.length} characters`);
      assert.ok(snippet.endsWith("…"));
      assert.ok(description.startsWith(snippet.slice(0, -1) + " "), "cut at a word");
    });
  },
});

// --- Tavily ------------------------------------------------------------------------------------

Deno.test({
  name: "searchWeb with tavily posts the query, max_results and search_depth with a Bearer key",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(TAVILY_ANSWER), async (mock) => {
      await searchWeb(configFor("tavily", mock.url), "deno 2 release");
      const [request] = mock.requests;
      assert.ok(request);
      assert.equal(request.method, "POST");
      assert.equal(request.path, "/search");
      assert.equal(request.headers["authorization"], `Bearer ${TAVILY_KEY}`);
      assert.equal(request.headers["content-type"], "application/json");
      assert.deepEqual(request.json(), {
        query: "deno 2 release",
        max_results: 5,
        search_depth: "basic",
      });
    });
  },
});

Deno.test({
  name: "searchWeb with tavily sends the domain lists as include_domains and exclude_domains",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(TAVILY_ANSWER), async (mock) => {
      const hits = await searchWeb(configFor("tavily", mock.url), "deno 2 release", {
        allowedDomains: ["deno.com", "*.github.com"],
        blockedDomains: ["https://deno.com/blog/v2.0-release-candidate"],
      });
      const body = mock.requests[0]!.json<Record<string, unknown>>();
      assert.deepEqual(body.include_domains, ["deno.com", "github.com"]);
      assert.deepEqual(body.exclude_domains, ["deno.com"]);
      // The blocked entry names deno.com, so filtering drops every deno.com hit.
      assert.deepEqual(hits, []);
    });
  },
});

Deno.test({
  name: "searchWeb with tavily maps content to the snippet and published_date to the age",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(TAVILY_ANSWER), async (mock) => {
      const hits = await searchWeb(configFor("tavily", mock.url), "deno 2 release");
      assert.deepEqual(
        hits,
        [
          {
            title: "Announcing Deno 2",
            url: "https://deno.com/blog/v2.0",
            snippet:
              "The web is humanity's largest software platform. Deno 2 is backwards compatible.",
            age: "Wed, 09 Oct 2024 00:00:00 GMT",
          },
          {
            title: "Deno 2.0 Release Candidate",
            url: "https://deno.com/blog/v2.0-release-candidate",
            snippet: "Deno 2.0 release candidate is available.",
          },
        ] satisfies SearchHit[],
      );
    });
  },
});

// --- SearXNG -----------------------------------------------------------------------------------

Deno.test({
  name: "searchWeb with searxng sends GET /search with format=json and no Authorization",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(SEARXNG_ANSWER), async (mock) => {
      const hits = await searchWeb(configFor("searxng", `${mock.url}/`), "deno 2 release");
      const [request] = mock.requests;
      assert.ok(request);
      assert.equal(request.method, "GET");
      assert.equal(new URL(request.path, "http://mock").pathname, "/search");
      assert.deepEqual([...query(request.path)], [["q", "deno 2 release"], ["format", "json"]]);
      assert.equal(request.headers["authorization"], undefined);
      assert.deepEqual(hits, [
        {
          title: "Announcing Deno 2",
          url: "https://deno.com/blog/v2.0",
          snippet: "The web is humanity's largest software platform.",
          age: "2024-10-09T00:00:00",
        },
        {
          title: "Releases · denoland/deno",
          url: "https://github.com/denoland/deno/releases",
          snippet: "A modern runtime for JavaScript and TypeScript.",
        },
      ]);
    });
  },
});

Deno.test({
  name: "searchWeb with searxng sends the token as Bearer and site: for one allowed domain",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse(SEARXNG_ANSWER), async (mock) => {
      const config = configFor("searxng", mock.url, { apiKey: SEARXNG_TOKEN });
      const hits = await searchWeb(config, "deno 2 release", { allowedDomains: ["github.com"] });
      const [request] = mock.requests;
      assert.equal(request?.headers["authorization"], `Bearer ${SEARXNG_TOKEN}`);
      assert.equal(query(request!.path).get("q"), "deno 2 release site:github.com");
      assert.deepEqual(hits.map((hit) => hit.url), ["https://github.com/denoland/deno/releases"]);
    });
  },
});

Deno.test({
  name: "searchWeb with searxng explains a 403 as the JSON format not being enabled",
  ...SANITIZE,
  async fn() {
    await withMock(() => new Response("Forbidden", { status: 403 }), async (mock) => {
      const error = await searchError(searchWeb(configFor("searxng", mock.url), "deno"));
      assert.equal(error.code, "unavailable");
      assert.equal(error.status, 403);
      assert.match(error.message, /^SearXNG answered HTTP 403: the JSON format/);
      assert.match(error.message, /"search\.formats" in its settings\.yml/);
    });
  },
});

// --- Errors ------------------------------------------------------------------------------------

Deno.test({
  name: "searchWeb maps HTTP 429 to too_many_requests",
  ...SANITIZE,
  async fn() {
    const body = {
      type: "ErrorResponse",
      error: { status: 429, code: "RATE_LIMITED", detail: "Request rate limit exceeded" },
    };
    await withMock(() => jsonResponse(body, 429), async (mock) => {
      const error = await searchError(searchWeb(configFor("brave", mock.url), "deno"));
      assert.equal(error.code, "too_many_requests");
      assert.equal(error.status, 429);
      assert.match(error.message, /^Brave answered HTTP 429 \(too many requests\): .*RATE_LIMITED/);
    });
  },
});

Deno.test({
  name: "searchWeb maps HTTP 401 to unavailable, saying the key was refused",
  ...SANITIZE,
  async fn() {
    const body = { detail: { error: "Unauthorized: missing or invalid API key." } };
    await withMock(() => jsonResponse(body, 401), async (mock) => {
      const error = await searchError(searchWeb(configFor("tavily", mock.url), "deno"));
      assert.equal(error.code, "unavailable");
      assert.equal(error.status, 401);
      assert.match(
        error.message,
        /^Tavily refused the API key from "TAVILY_API_KEY" \(HTTP 401\): .*invalid API key/,
      );
    });
  },
});

Deno.test({
  name: "searchWeb reads Brave's 422 SUBSCRIPTION_TOKEN_INVALID as a refused key",
  ...SANITIZE,
  async fn() {
    const body = {
      type: "ErrorResponse",
      error: {
        id: "ade84851-a6f3-4cf9-8c76-1dc897718b0b",
        status: 422,
        code: "SUBSCRIPTION_TOKEN_INVALID",
        detail: "The provided subscription token is invalid.",
      },
    };
    await withMock(() => jsonResponse(body, 422), async (mock) => {
      const error = await searchError(searchWeb(configFor("brave", mock.url), "deno"));
      assert.equal(error.code, "unavailable");
      assert.equal(error.status, 422);
      assert.match(error.message, /^Brave refused the API key from "BRAVE_API_KEY" \(HTTP 422\)/);
    });
  },
});

Deno.test({
  name: "searchWeb maps another status to unavailable quoting the first 200 characters of the body",
  ...SANITIZE,
  async fn() {
    const text = "Internal error: the search cluster is   being\nrestarted. " + "x".repeat(300);
    await withMock(() => new Response(text, { status: 500 }), async (mock) => {
      const error = await searchError(searchWeb(configFor("brave", mock.url), "deno"));
      assert.equal(error.code, "unavailable");
      assert.equal(error.status, 500);
      const collapsed = text.replace(/\s+/g, " ");
      assert.equal(error.message, `Brave answered HTTP 500: ${collapsed.slice(0, 200)}…`);
    });
  },
});

Deno.test({
  name: "searchWeb maps an answer that is not JSON to unavailable",
  ...SANITIZE,
  async fn() {
    const html = "<!DOCTYPE html><html><body>Search</body></html>";
    await withMock(() => new Response(html, { status: 200 }), async (mock) => {
      const error = await searchError(searchWeb(configFor("searxng", mock.url), "deno"));
      assert.equal(error.code, "unavailable");
      assert.equal(error.message, `SearXNG answered HTTP 200 with invalid JSON: ${html}`);
    });
  },
});

Deno.test({
  name: "searchWeb maps JSON that is not an object to unavailable",
  ...SANITIZE,
  async fn() {
    await withMock(() => jsonResponse([1, 2]), async (mock) => {
      const error = await searchError(searchWeb(configFor("tavily", mock.url), "deno"));
      assert.equal(error.code, "unavailable");
      assert.match(error.message, /^Tavily answered with JSON that is not an object/);
    });
  },
});

Deno.test({
  name: "searchWeb gives up with unavailable after timeoutMs when the backend does not answer",
  ...SANITIZE,
  async fn() {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const handler = () => {
      arrived();
      return neverAnswer();
    };
    await withMock(handler, async (mock) => {
      const timers = new FakeTimers();
      const config = configFor("brave", mock.url, { timeoutMs: 100 });
      let settled = false;
      const searching = searchError(searchWeb(config, "deno", { timers })).finally(() =>
        settled = true
      );
      await arrival;
      await timers.advance(99);
      assert.equal(settled, false, "the search waits the whole timeoutMs");
      await timers.advance(1);
      const error = await searching;
      assert.equal(error.code, "unavailable");
      assert.equal(error.message, "Brave did not answer within 100 ms");
      await mock.requests[0]?.disconnected;
    });
  },
});

Deno.test({
  name: "searchWeb counts reading the body against timeoutMs",
  ...SANITIZE,
  async fn() {
    await withMock(
      (request) => streamResponse(['{"results": ['], { end: "hang", signal: request.signal }),
      async (mock) => {
        const timers = new FakeTimers();
        let answered!: () => void;
        const headers = new Promise<void>((resolve) => (answered = resolve));
        const fetchSpy = async (input: string | URL | Request, init?: RequestInit) => {
          const response = await fetch(input, init);
          answered();
          return response;
        };
        const config = configFor("tavily", mock.url, { timeoutMs: 100 });
        const searching = searchError(searchWeb(config, "deno", { timers, fetch: fetchSpy }));
        // The answer's headers have come, and its body stops after a few bytes.
        await headers;
        await timers.advance(100);
        const error = await searching;
        assert.equal(error.code, "unavailable");
        assert.equal(error.message, "Tavily did not answer within 100 ms");
      },
    );
  },
});

Deno.test({
  name: "searchWeb rejects with the caller's abort reason, not a WebSearchError",
  ...SANITIZE,
  async fn() {
    const controller = new AbortController();
    const reason = new DOMException("Client went away", "AbortError");
    await withMock(() => {
      controller.abort(reason);
      return neverAnswer();
    }, async (mock) => {
      await assert.rejects(
        searchWeb(configFor("brave", mock.url), "deno", { signal: controller.signal }),
        (error) => error === reason,
      );
      await mock.requests[0]?.disconnected;
      assert.equal(mock.requests[0]?.aborted, true);
    });
  },
});

Deno.test({
  name: "searchWeb sends nothing when the caller's signal is already aborted",
  ...SANITIZE,
  async fn() {
    const reason = new Error("Already gone");
    await withMock(() => jsonResponse(BRAVE_ANSWER), async (mock) => {
      await assert.rejects(
        searchWeb(configFor("brave", mock.url), "deno", { signal: AbortSignal.abort(reason) }),
        (error) => error === reason,
      );
      assert.equal(mock.requests.length, 0);
    });
  },
});

Deno.test({
  name: "searchWeb maps a refused connection to unavailable naming the host",
  ...SANITIZE,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr;
    listener.close();
    const config = configFor("searxng", `http://127.0.0.1:${port}/searx`);
    const error = await searchError(searchWeb(config, "deno 2 release"));
    assert.equal(error.code, "unavailable");
    assert.match(error.message, new RegExp(`^Cannot reach SearXNG at 127\\.0\\.0\\.1:${port}: `));
    assert.doesNotMatch(error.message, /deno 2 release|deno\+2|format=json/);
  },
});

Deno.test("searchWeb uses the given fetch and keeps URLs out of network error messages", async () => {
  const seen: string[] = [];
  const fakeFetch: typeof fetch = (input) => {
    const url = String(input);
    seen.push(url);
    return Promise.reject(
      new TypeError(`error sending request for url (${url}): client error (Connect): dns error`),
    );
  };
  const config = configFor("brave", "https://api.search.brave.com/res/v1");
  const error = await searchError(searchWeb(config, "deno", { fetch: fakeFetch }));
  assert.deepEqual(seen, ["https://api.search.brave.com/res/v1/web/search?q=deno&count=5"]);
  assert.equal(
    error.message,
    "Cannot reach Brave at api.search.brave.com: client error (Connect): dns error",
  );
});

Deno.test("searchWeb throws unavailable without a request when brave or tavily has no key", async () => {
  let calls = 0;
  const fakeFetch: typeof fetch = () => {
    calls++;
    return Promise.resolve(jsonResponse({}));
  };
  for (const backend of ["brave", "tavily"] as const) {
    const config: WebSearchConfig = {
      backend,
      baseUrl: "https://search.invalid",
      maxResults: 5,
      timeoutMs: 1_000,
      apiKeyEnv: "SEARCH_KEY",
    };
    const error = await searchError(searchWeb(config, "deno", { fetch: fakeFetch }));
    assert.equal(error.code, "unavailable");
    assert.match(error.message, /needs an API key: set "SEARCH_KEY"$/);
  }
  assert.equal(calls, 0);
});

Deno.test("searchWeb rejects an empty query as invalid_tool_input without a request", async () => {
  let calls = 0;
  const fakeFetch: typeof fetch = () => {
    calls++;
    return Promise.resolve(jsonResponse({}));
  };
  const config = configFor("searxng", "https://search.invalid");
  const error = await searchError(searchWeb(config, "   ", { fetch: fakeFetch }));
  assert.equal(error.code, "invalid_tool_input");
  assert.equal(calls, 0);
});

Deno.test({
  name: "searchWeb never puts the API key in an error message, even when the backend echoes it",
  ...SANITIZE,
  async fn() {
    // The key in plain text, across the 200-character cut, and in an echoed header.
    const cases = [
      {
        backend: "brave",
        key: BRAVE_KEY,
        status: 401,
        body: `Invalid token ${BRAVE_KEY}`,
        quoted: "Invalid token [REDACTED]",
      },
      {
        backend: "brave",
        key: BRAVE_KEY,
        status: 500,
        body: `${"e".repeat(190)} token=${BRAVE_KEY} failed`,
        quoted: "token=[RE…",
      },
      {
        backend: "tavily",
        key: TAVILY_KEY,
        status: 403,
        body: `{"detail":"Authorization: Bearer ${TAVILY_KEY} is not valid"}`,
        quoted: "Bearer [REDACTED] is not valid",
      },
      {
        backend: "tavily",
        key: TAVILY_KEY,
        status: 200,
        body: `not json ${TAVILY_KEY}`,
        quoted: "not json [REDACTED]",
      },
      {
        backend: "searxng",
        key: SEARXNG_TOKEN,
        status: 502,
        body: `bad token ${SEARXNG_TOKEN}`,
        quoted: "bad token [REDACTED]",
      },
    ] as const;
    for (const { backend, key, status, body, quoted } of cases) {
      await withMock(() => new Response(body, { status }), async (mock) => {
        const config = configFor(backend, mock.url, { apiKey: key });
        const error = await searchError(searchWeb(config, "deno"));
        const context = `${backend} ${status}: ${error.message}`;
        assert.equal(error.code, "unavailable");
        // Neither the key nor its start (which cutting before redacting would leave).
        assert.ok(!error.message.includes(key.slice(0, 6)), context);
        assert.ok(error.message.includes(quoted), context);
      });
    }
  },
});
