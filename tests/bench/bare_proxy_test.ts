// Tests for the benchmark's plain forwarder (bench/bare_proxy.ts) against the benchmark mock.
import assert from "node:assert/strict";
import { forward } from "../../bench/bare_proxy.ts";
import { handle, JSON_TEXT, streamedText } from "../../bench/mock_openai.ts";

/** Runs `fn` with the benchmark mock on a local port, recording the paths and bodies it got. */
async function withMock(
  fn: (url: string, seen: { path: string; body: string }[]) => Promise<void>,
) {
  const seen: { path: string; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = await request.clone().text();
    seen.push({ path: new URL(request.url).pathname, body });
    return handle(request);
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, seen);
  } finally {
    await server.shutdown();
  }
}

function post(body: unknown): Request {
  return new Request("http://proxy.test/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

Deno.test("bare proxy sends a claude-bench-* request to /v1/messages as its bytes without claude-", async () => {
  await withMock(async (url, seen) => {
    const request = { model: "claude-bench-text-3", stream: true, messages: [] };
    const response = await forward(post(request), url);
    const events = await response.text();
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    assert.match(events, /event: message_stop/);
    assert.deepEqual(seen, [{
      path: "/v1/messages",
      body: JSON.stringify({ ...request, model: "bench-text-3" }),
    }]);
  });
});

Deno.test("bare proxy re-serialises another request to /v1/chat/completions and pipes its stream", async () => {
  await withMock(async (url, seen) => {
    const request = {
      model: "bench-text-4",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    };
    const response = await forward(post(request), url);
    const frames = (await response.text()).split("\n\n").filter((f) => f.startsWith("data: {"));
    const text = frames.map((f) => JSON.parse(f.slice(6)).choices?.[0]?.delta?.content ?? "").join(
      "",
    );
    assert.equal(text, streamedText(4));
    assert.deepEqual(seen.map((s) => s.path), ["/v1/chat/completions"]);
    assert.deepEqual(JSON.parse(seen[0]!.body), request);
  });
});

Deno.test("bare proxy passes a JSON answer back with its content", async () => {
  await withMock(async (url) => {
    const response = await forward(post({ model: "bench-json", messages: [] }), url);
    assert.equal(response.status, 200);
    const answer = await response.json();
    assert.equal(answer.choices[0].message.content, JSON_TEXT);
  });
});
