// Tests for the idle timeout on upstream bodies: fires on silence, never on a stream that keeps talking.
import assert from "node:assert/strict";
import { UpstreamError } from "../../src/errors.ts";
import type { ChunkSource } from "../../src/wire/chunk_source.ts";
import {
  type IdleTimeoutOptions,
  timedChunkReader,
  withIdleTimeout,
} from "../../src/upstream/idle_timeout.ts";
import { FakeTimers } from "../helpers/fake_timers.ts";
import { startMockUpstream, streamResponse } from "../helpers/mock_upstream.ts";

const SANITIZE = { sanitizeOps: true, sanitizeResources: true };
const encoder = new TextEncoder();

/** A local source that records cancellation; `parts` are sent at once, then it stays silent. */
function silentAfter(parts: string[]) {
  const state = { cancelled: false, reason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
    },
    cancel(reason) {
      state.cancelled = true;
      state.reason = reason;
    },
  });
  return { stream, state };
}

/** `promise`, and whether it has settled yet. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  return {
    promise,
    get settled() {
      return settled;
    },
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

/** Reads `body` with an idle timeout of `idleMs`, as a source of chunks. */
type TimedRead = (
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  options?: IdleTimeoutOptions,
) => ChunkSource;

/** The two readers with an idle timeout; the rules they share are tested once for each. */
const READERS: Array<[string, TimedRead]> = [
  [
    "withIdleTimeout",
    (body, idleMs, options) => withIdleTimeout(body, idleMs, options).getReader(),
  ],
  ["timedChunkReader", timedChunkReader],
];

for (const [name, read] of READERS) {
  Deno.test({
    name:
      `${name} errors the read with a 504 timeout_error and cancels the source when it falls silent`,
    ...SANITIZE,
    async fn() {
      const { stream, state } = silentAfter(["data: 1\n\n"]);
      const timeouts: UpstreamError[] = [];
      const timers = new FakeTimers();
      const chunks = read(stream, 50, { onTimeout: (error) => timeouts.push(error), timers });
      const first = await chunks.read();
      assert.equal(first.done, false);
      assert.equal(new TextDecoder().decode(first.value), "data: 1\n\n");
      const silent = tracked(chunks.read().then(() => undefined, (error: unknown) => error));
      await timers.timerSet();
      await timers.advance(49);
      assert.equal(silent.settled, false, "the read waits the whole idleMs");
      await timers.advance(1);
      const error = await silent.promise;
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.status, 504);
      assert.equal(error.type, "timeout_error");
      assert.equal(error.message, "Upstream stream was idle for 0.05 s (idle timeout)");
      assert.equal(state.cancelled, true);
      assert.equal(state.reason, error);
      assert.deepEqual(timeouts, [error]);
      await assert.rejects(chunks.read(), (again) => again === error);
    },
  });

  Deno.test({
    name: `${name} closes the upstream connection when a real stream goes idle`,
    ...SANITIZE,
    async fn() {
      const mock = await startMockUpstream((req) =>
        streamResponse(["data: 1\n\n"], { end: "hang", signal: req.signal })
      );
      try {
        const response = await fetch(mock.url);
        const timers = new FakeTimers();
        const chunks = read(response.body!, 50, { timers });
        assert.equal((await chunks.read()).done, false);
        const silent = assert.rejects(
          chunks.read(),
          (error) => error instanceof UpstreamError && error.status === 504,
        );
        await timers.timerSet();
        await timers.advance(50);
        await silent;
        await mock.requests[0]!.disconnected;
        assert.equal(mock.requests[0]!.aborted, true);
      } finally {
        await mock.close();
      }
    },
  });

  Deno.test({
    name: `${name} does not count time while not reading, and times the next read afresh`,
    ...SANITIZE,
    async fn() {
      const { stream, state } = silentAfter(["a", "b"]);
      const timers = new FakeTimers();
      const chunks = read(stream, 30, { timers });
      assert.equal((await chunks.read()).done, false);
      // Longer than idleMs without a read: the timer fires, finds nothing waiting and stops.
      await timers.advance(80);
      assert.equal(timers.pending, 0);
      assert.equal(new TextDecoder().decode((await chunks.read()).value), "b");
      assert.equal(state.cancelled, false);
      const silent = tracked(chunks.read());
      await timers.timerSet();
      await timers.advance(29);
      assert.equal(silent.settled, false, "the silent read waits idleMs from its start");
      await timers.advance(1);
      await assert.rejects(silent.promise, (error) => error instanceof UpstreamError);
    },
  });

  Deno.test({
    name: `${name} passes a cancel on to the source, ends a pending read and stops its timer`,
    ...SANITIZE,
    async fn() {
      const { stream, state } = silentAfter([]);
      const timers = new FakeTimers();
      const chunks = read(stream, 60_000, { timers });
      const pending = chunks.read();
      await timers.timerSet();
      assert.equal(timers.pending, 1);
      await chunks.cancel("client gone");
      assert.equal(timers.pending, 0, "the timer is stopped");
      const ended = await pending;
      assert.equal(ended.done, true);
      assert.equal(ended.value, undefined);
      assert.equal(state.cancelled, true);
      assert.equal(state.reason, "client gone");
      assert.equal((await chunks.read()).done, true);
    },
  });

  Deno.test({
    name: `${name} maps source errors and reports them again on later reads`,
    ...SANITIZE,
    async fn() {
      const failing = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.error(new TypeError("error reading a body from connection"));
        },
      });
      const chunks = read(failing, 60_000, {
        mapError: (error) => new UpstreamError(502, "api_error", "mapped", { cause: error }),
      });
      for (let i = 0; i < 2; i++) {
        await assert.rejects(chunks.read(), (error) => {
          assert.ok(error instanceof UpstreamError);
          assert.equal(error.message, "mapped");
          assert.ok(error.cause instanceof TypeError);
          return true;
        });
      }
    },
  });
}

Deno.test({
  name: "withIdleTimeout is not a total deadline: a stream sending every 20 ms outlives idleMs",
  ...SANITIZE,
  async fn() {
    const parts = Array.from({ length: 15 }, (_, i) => `data: ${i}\n\n`);
    const timers = new FakeTimers();
    let next = 0;
    // Each part comes 20 ms (of the fake clock) after the read that asks for it.
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        return new Promise<void>((resolve) => {
          timers.setTimeout(() => {
            const part = parts[next++];
            if (part === undefined) controller.close();
            else controller.enqueue(encoder.encode(part));
            resolve();
          }, 20);
        });
      },
    }, { highWaterMark: 0 });
    const reading = tracked(readAll(withIdleTimeout(source, 100, { timers })));
    while (!reading.settled) await timers.advance(20);
    assert.equal(await reading.promise, parts.join(""));
    assert.ok(timers.now() > 200, "the stream lasted longer than idleMs");
  },
});

Deno.test({
  name: "withIdleTimeout passes the bytes through unchanged, and 0 or Infinity disable the timer",
  ...SANITIZE,
  async fn() {
    for (const idleMs of [0, Infinity]) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const late = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("héllo "));
        },
        async pull(controller) {
          await released;
          controller.enqueue(encoder.encode("wörld"));
          controller.close();
        },
      });
      const timers = new FakeTimers();
      const reading = readAll(withIdleTimeout(late, idleMs, { timers }));
      await timers.advance(24 * 60 * 60 * 1000);
      assert.equal(timers.pending, 0, `${idleMs}: no timer`);
      release();
      assert.equal(await reading, "héllo wörld", `${idleMs}`);
    }
  },
});

Deno.test({
  name:
    "timedChunkReader hands out exact-size chunks that later reads of a byte stream leave intact",
  ...SANITIZE,
  async fn() {
    const parts = ["first chunk", "second", "third one"];
    let next = 0;
    const bytes = new ReadableStream({
      type: "bytes",
      pull(controller) {
        const part = parts[next++];
        if (part !== undefined) return controller.enqueue(encoder.encode(part));
        controller.close();
        controller.byobRequest?.respond(0); // ends the pending read of the buffer
      },
    });
    const chunks = timedChunkReader(bytes, 60_000);
    const seen: Uint8Array[] = [];
    for (let result = await chunks.read(); !result.done; result = await chunks.read()) {
      seen.push(result.value!);
    }
    assert.deepEqual(seen.map((chunk) => new TextDecoder().decode(chunk)), parts);
    assert.deepEqual(seen.map((chunk) => chunk.byteLength), parts.map((part) => part.length));
  },
});
