// The dashboard's live feed: a snapshot first, then batched request events; closed on shutdown.
import assert from "node:assert/strict";
import type { RequestLogRecord } from "../../../src/log/record.ts";
import type { RequestEntry } from "../../../src/server/ui/recent_requests.ts";
import { sseEvent, UiEventHub } from "../../../src/server/ui/ui_events.ts";

function record(id: string, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: "2026-12-01T10:00:00.000Z",
    id,
    method: "POST",
    path: "/v1/messages",
    status: 0,
    total_ms: 0,
    ...extra,
  };
}

function entry(id: string): RequestEntry {
  return { ...record(id), status: 200, total_ms: 5, seq: 0 };
}

/** Reads server-sent events from `stream` as [event, data] pairs. */
function eventReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next(): Promise<[string, unknown] | undefined> {
      while (true) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined) {
            return [event, data === undefined ? undefined : JSON.parse(data)];
          }
          continue; // retry: or a comment
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

const redact = <T extends object>(value: T): T => value;

Deno.test("UiEventHub sends the snapshot first, then the requests that finish, together", async () => {
  const hub = new UiEventHub({ redact, flushMs: 5 });
  const abort = new AbortController();
  const events = eventReader(hub.subscribe(() => sseEvent("snapshot", { n: 1 }), abort.signal));
  try {
    assert.deepEqual(await events.next(), ["snapshot", { n: 1 }]);
    assert.equal(hub.listeners, 1);
    hub.finished(entry("req_1"));
    hub.finished(entry("req_2"));
    const [name, data] = (await events.next())!;
    assert.equal(name, "finished");
    assert.deepEqual((data as RequestEntry[]).map((e) => e.id), ["req_1", "req_2"]);
  } finally {
    await events.cancel();
    hub.close();
  }
  assert.equal(hub.listeners, 0);
});

Deno.test("UiEventHub sends a started request once its route is known, and not at all if it finished first", async () => {
  const hub = new UiEventHub({ redact, flushMs: 5 });
  const abort = new AbortController();
  const events = eventReader(hub.subscribe(() => sseEvent("snapshot", {}), abort.signal));
  try {
    await events.next();
    const quick = record("req_quick", { model: "m" });
    hub.started(quick);
    quick.status = 200; // Finished before the batch went out.
    hub.finished(entry("req_quick"));
    const slow = record("req_slow");
    hub.started(slow);
    assert.deepEqual((await events.next())?.[0], "finished");
    slow.model = "claude-opus-4-8"; // The body was read: the route is known.
    const [name, data] = (await events.next())!;
    assert.equal(name, "started");
    assert.deepEqual((data as RequestLogRecord[]).map((r) => [r.id, r.model]), [
      ["req_slow", "claude-opus-4-8"],
    ]);
  } finally {
    await events.cancel();
    hub.close();
  }
});

Deno.test("UiEventHub passes what a page gets through redact", async () => {
  const hub = new UiEventHub({
    redact: <T extends object>(value: T) => ({ ...value, error_message: "[REDACTED]" }),
    flushMs: 1,
  });
  const events = eventReader(hub.subscribe(() => "", new AbortController().signal));
  try {
    hub.finished({ ...entry("req_1"), error_message: "key sk-secret" });
    const [, data] = (await events.next())!;
    assert.equal((data as RequestEntry[])[0]?.error_message, "[REDACTED]");
  } finally {
    await events.cancel();
    hub.close();
  }
});

Deno.test("UiEventHub ends every page's stream when it closes, and takes no new ones", async () => {
  const hub = new UiEventHub({ redact });
  const events = eventReader(
    hub.subscribe(() => sseEvent("snapshot", {}), new AbortController().signal),
  );
  assert.equal((await events.next())?.[0], "snapshot");
  hub.close();
  assert.equal(await events.next(), undefined, "the stream ended");
  const late = eventReader(
    hub.subscribe(() => sseEvent("snapshot", {}), new AbortController().signal),
  );
  assert.equal(await late.next(), undefined);
  assert.equal(hub.listeners, 0);
});

Deno.test("UiEventHub forgets a page whose request was aborted", async () => {
  const hub = new UiEventHub({ redact });
  const abort = new AbortController();
  const stream = hub.subscribe(() => "", abort.signal);
  assert.equal(hub.listeners, 1);
  abort.abort();
  assert.equal(hub.listeners, 0);
  await stream.cancel();
  hub.close();
});

Deno.test("UiEventHub drops a page that stops reading instead of queueing for it", async () => {
  const hub = new UiEventHub({ redact, flushMs: 1, maxQueuedBytes: 2048 });
  const stream = hub.subscribe(() => "", new AbortController().signal);
  const events = eventReader(stream);
  try {
    // Nothing reads: the queue fills, and the page is dropped rather than kept growing.
    const big = { ...entry("req_big"), error_message: "x".repeat(1500) };
    let dropped = false;
    for (let i = 0; i < 10 && !dropped; i++) {
      hub.broadcast("finished", [big]);
      dropped = hub.listeners === 0;
    }
    assert.equal(dropped, true);
    // What was queued before is still readable, then the stream ends.
    while (await events.next() !== undefined) { /* drain */ }
  } finally {
    hub.close();
  }
});

Deno.test("UiEventHub queues nothing while no page listens", () => {
  const hub = new UiEventHub({ redact, flushMs: 60_000 });
  hub.started(record("req_1"));
  hub.finished(entry("req_1"));
  // No timer was started: closing with nothing pending leaves no leaked timer for the sanitizer.
  hub.close();
});
