import assert from "node:assert/strict";
import { RequestTooLargeError } from "../../src/errors.ts";
import { readBodyBytes } from "../../src/server/body.ts";

const encoder = new TextEncoder();

/** A request whose body arrives in `parts`, with or without a content-length. */
function streamed(parts: string[], headers: Record<string, string> = {}): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
  return new Request("http://proxy.test/v1/messages", { method: "POST", body, headers });
}

Deno.test("readBodyBytes reads a body with a declared length whole", async () => {
  const text = '{"model":"m","note":"é ✓"}';
  const length = String(encoder.encode(text).byteLength);
  const bytes = await readBodyBytes(
    streamed([text.slice(0, 9), text.slice(9)], {
      "content-length": length,
    }),
    1024,
  );
  assert.equal(new TextDecoder().decode(bytes), text);
});

Deno.test("readBodyBytes refuses a declared length over the limit without reading the body", async () => {
  let pulled = false;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull() {
      pulled = true;
    },
    cancel() {
      cancelled = true;
    },
  });
  const request = new Request("http://proxy.test/v1/messages", {
    method: "POST",
    body,
    headers: { "content-length": "2048" },
  });
  await assert.rejects(readBodyBytes(request, 1024), (error: unknown) => {
    assert.ok(error instanceof RequestTooLargeError);
    assert.match(error.message, /larger than the 1024 bytes limit/);
    return true;
  });
  assert.equal(cancelled, true);
  assert.equal(pulled, false);
});

Deno.test("readBodyBytes stops a body without a length once it passes the limit", async () => {
  let sent = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      sent++;
      controller.enqueue(new Uint8Array(400));
    },
    cancel() {
      cancelled = true;
    },
  });
  const request = new Request("http://proxy.test/v1/messages", { method: "POST", body });
  await assert.rejects(readBodyBytes(request, 1024), RequestTooLargeError);
  assert.equal(cancelled, true);
  assert.ok(sent <= 4, `read ${sent} chunks of 400 bytes for a 1024-byte limit`);
});

Deno.test("readBodyBytes refuses a body longer than its declared length when over the limit", async () => {
  // A Request built in code is not framed by a server: the length it declares is only a claim.
  const request = streamed(["x".repeat(800), "x".repeat(800)], { "content-length": "10" });
  await assert.rejects(readBodyBytes(request, 1024), RequestTooLargeError);
});

Deno.test("readBodyBytes joins the chunks of a body without a length", async () => {
  const bytes = await readBodyBytes(streamed(['{"a":', '"b"', "}"]), 1024);
  assert.equal(new TextDecoder().decode(bytes), '{"a":"b"}');
});

Deno.test("readBodyBytes reads a body sent over HTTP with and without a content-length", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    try {
      const bytes = await readBodyBytes(request, 200_000);
      seen.push(`${request.headers.get("content-length") ?? "chunked"}:${bytes.byteLength}`);
      return new Response(bytes);
    } catch (error) {
      seen.push(`${request.headers.get("content-length") ?? "chunked"}:refused`);
      return new Response((error as Error).message, { status: 413 });
    }
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/`;
    const text = "é✓".repeat(20_000);
    const whole = await fetch(url, { method: "POST", body: text });
    assert.ok((await whole.text()) === text, "the body comes back unchanged");
    const chunked = await fetch(url, { method: "POST", body: streamed([text, text]).body });
    assert.ok((await chunked.text()) === text + text, "the chunked body comes back unchanged");
    const tooBig = await fetch(url, { method: "POST", body: "x".repeat(200_001) });
    assert.equal(tooBig.status, 413);
    assert.match(await tooBig.text(), /larger than the 200000 bytes limit/);
    assert.deepEqual(seen, ["100000:100000", "chunked:200000", "200001:refused"]);
  } finally {
    await server.shutdown();
  }
});
