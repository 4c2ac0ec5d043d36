// Tests for the scripted mock upstream used by the upstream, server and end-to-end tests.
import assert from "node:assert/strict";
import {
  jsonResponse,
  sseResponse,
  startMockUpstream,
  streamResponse,
} from "../helpers/mock_upstream.ts";

const SANITIZE = { sanitizeOps: true, sanitizeResources: true };

Deno.test({
  name: "startMockUpstream answers scripted steps in order and a 500 past the end of the script",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream([
      jsonResponse({ step: 1 }),
      (req, n) => jsonResponse({ step: n, echo: req.json<{ q: string }>().q }, 201),
    ]);
    try {
      const post = (body: string) =>
        fetch(`${mock.url}/v1/chat?x=1`, {
          method: "POST",
          headers: { "X-Test": "yes" },
          body,
        });
      const first = await post("{}");
      assert.deepEqual(await first.json(), { step: 1 });
      const second = await post('{"q":"hi"}');
      assert.equal(second.status, 201);
      assert.deepEqual(await second.json(), { step: 2, echo: "hi" });
      const third = await post("{}");
      assert.equal(third.status, 500);
      assert.match(await third.text(), /no step for request 3/);
      assert.equal(mock.requests.length, 3);
      assert.equal(mock.requests[1]?.path, "/v1/chat?x=1");
      assert.equal(mock.requests[1]?.headers["x-test"], "yes");
      assert.equal(mock.requests[1]?.body, '{"q":"hi"}');
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "startMockUpstream does not mark a fully delivered response as aborted",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream((req) => sseResponse(["{}"], { signal: req.signal }));
    try {
      const response = await fetch(mock.url);
      assert.equal(await response.text(), "data: {}\n\ndata: [DONE]\n\n");
      const plain = await fetch(mock.url, { method: "HEAD" });
      await plain.body?.cancel();
      // Deno may abort the request signal just after delivery: wait until each exchange is over.
      await Promise.all(mock.requests.map((r) => r.completed));
      assert.deepEqual(mock.requests.map((r) => r.aborted), [false, false]);
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "startMockUpstream records a client that leaves in the middle of a stream",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream((req) =>
      streamResponse(["one", "two"], { delayMs: 60_000, signal: req.signal })
    );
    try {
      const client = new AbortController();
      const response = await fetch(mock.url, { signal: client.signal });
      client.abort();
      await response.body?.cancel().catch(() => {});
      await mock.requests[0]!.disconnected;
      assert.equal(mock.requests[0]!.aborted, true);
      assert.ok(mock.requests[0]!.abortedAt! >= mock.requests[0]!.receivedAt);
      assert.equal(mock.requests[0]!.signal.aborted, true);
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "startMockUpstream close() ends hanging streams and handlers that never answer",
  ...SANITIZE,
  async fn() {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const mock = await startMockUpstream([
      (req) => streamResponse(["first"], { end: "hang", signal: req.signal }),
      () => {
        arrived();
        return new Promise<Response>(() => {});
      },
    ]);
    const hanging = await fetch(mock.url);
    const reader = hanging.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), "first");
    const pending = fetch(mock.url);
    await arrival;
    await mock.close();
    await assert.rejects(reader.read());
    const late = await pending;
    assert.equal(late.status, 503);
    await late.body?.cancel();
    assert.deepEqual(mock.requests.map((r) => r.aborted), [false, false]);
  },
});

Deno.test({
  name: "sseResponse frames objects as JSON and strings as they are, with an optional [DONE]",
  async fn() {
    const withDone = await sseResponse([{ a: 1 }, '{"b":2}']).text();
    assert.equal(withDone, 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n');
    const response = sseResponse([{ a: 1 }], { done: false });
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    assert.equal(await response.text(), 'data: {"a":1}\n\n');
  },
});

Deno.test({
  name: "streamResponse sends each part as its own chunk",
  async fn() {
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    for await (const chunk of streamResponse(["da", "ta: 1\n", "\n"]).body!) {
      chunks.push(decoder.decode(chunk));
    }
    assert.deepEqual(chunks, ["da", "ta: 1\n", "\n"]);
  },
});
