// Tests for the benchmark's load loop and /proc readers (bench/load.ts, bench/proc_stats.ts).
import assert from "node:assert/strict";
import { type Endpoint, runLoad, timedRequest } from "../../bench/load.ts";
import { cpuMs, memory } from "../../bench/proc_stats.ts";

const encoder = new TextEncoder();

/** A local server answering every POST with a short SSE stream. */
function sseServer(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    await request.arrayBuffer();
    const body = 'data: {"token":"hello"}\n\ndata: [DONE]\n\n';
    return new Response(encoder.encode(body), { headers: { "content-type": "text/event-stream" } });
  });
}

function endpoint(server: Deno.HttpServer<Deno.NetAddr>): Endpoint {
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    request: {
      path: "/v1/chat/completions",
      headers: { "content-type": "application/json" },
      body: encoder.encode("{}"),
    },
    stream: true,
    tokenMarker: "hello",
    stopMarker: "[DONE]",
  };
}

Deno.test("timedRequest times the first token and the end frame of a stream", async () => {
  const server = sseServer();
  try {
    const sample = await timedRequest(endpoint(server));
    assert.ok(sample.firstToken! >= sample.firstByte && sample.stop! >= sample.firstToken!);
    assert.ok(sample.total >= sample.stop!);
  } finally {
    await server.shutdown();
  }
});

Deno.test("runLoad counts the requests completed inside its window", async () => {
  const server = sseServer();
  const edges: string[] = [];
  try {
    const result = await runLoad(endpoint(server), {
      concurrency: 2,
      warmupMs: 10,
      windowMs: 20,
      minCompleted: 4,
      onWindow: (edge) => edges.push(edge),
    });
    assert.deepEqual(edges, ["start", "end"]);
    assert.equal(result.errors, 0);
    assert.ok(result.completed >= 4, `completed ${result.completed}`);
    assert.ok(result.windowMs >= 20);
  } finally {
    await server.shutdown();
  }
});

Deno.test("runLoad rejects with what onWindow threw and stops its workers", async () => {
  const server = sseServer();
  try {
    await assert.rejects(
      runLoad(endpoint(server), {
        concurrency: 2,
        warmupMs: 5,
        windowMs: 60_000,
        onWindow: () => {
          throw new Error("Process 1234 has exited");
        },
      }),
      /Process 1234 has exited/,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("cpuMs and memory read this process, and name a process that has exited", async () => {
  assert.ok(cpuMs(Deno.pid) > 0);
  const { rss, peak } = memory(Deno.pid);
  assert.ok(rss > 1024 * 1024 && peak >= rss);
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.throws(() => cpuMs(child.pid), new RegExp(`Process ${child.pid} has exited`));
  assert.throws(() => memory(child.pid), new RegExp(`Process ${child.pid} has exited`));
});
