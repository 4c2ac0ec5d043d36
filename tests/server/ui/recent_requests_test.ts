// The dashboard's memory: in flight, a bounded ring of finished requests, pages, filters and sessions.
import assert from "node:assert/strict";
import type { RequestLogRecord } from "../../../src/log/record.ts";
import { RecentRequests } from "../../../src/server/ui/recent_requests.ts";

function record(n: number, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: new Date(Date.UTC(2026, 11, 1, 10, 0, n)).toISOString(),
    id: `req_${n}`,
    method: "POST",
    path: "/v1/messages",
    model: "claude-sonnet-4-5",
    provider: "openai",
    upstream_model: "gpt-6-luna",
    status: 200,
    total_ms: 100 + n,
    input_tokens: 10,
    output_tokens: 2,
    ...extra,
  };
}

Deno.test("RecentRequests keeps the newest finished requests up to its capacity, newest first", () => {
  const recent = new RecentRequests(3);
  for (let n = 1; n <= 5; n++) recent.finished(record(n));
  assert.equal(recent.size, 3);
  assert.deepEqual(recent.entries({ limit: 10 }).map((e) => e.id), ["req_5", "req_4", "req_3"]);
  assert.deepEqual([...recent.all()].map((e) => e.id), ["req_3", "req_4", "req_5"]);
  assert.equal(recent.get("req_2"), undefined, "the oldest fell out of the ring");
  assert.equal(recent.get("req_4")?.total_ms, 104);
});

Deno.test("RecentRequests keeps a request in flight from its start until it finishes", () => {
  const recent = new RecentRequests();
  const running = { ...record(1), status: 0 };
  recent.started(running);
  assert.deepEqual(recent.inflight().map((r) => r.id), ["req_1"]);
  assert.equal(recent.get("req_1"), running);
  recent.finished(record(1));
  assert.deepEqual(recent.inflight(), []);
  assert.equal(recent.get("req_1")?.status, 200);
});

Deno.test("RecentRequests keeps no bodies but says a request has some", () => {
  const recent = new RecentRequests();
  const entry = recent.finished(record(1, { bodies: { client: "{}" } }));
  assert.equal(entry.has_bodies, true);
  assert.equal("bodies" in entry, false);
  assert.equal(recent.finished(record(2)).has_bodies, undefined);
});

Deno.test("RecentRequests.entries pages back with before and filters by errors, session and text", () => {
  const recent = new RecentRequests();
  for (let n = 1; n <= 10; n++) {
    recent.finished(record(n, {
      session_id: n % 2 === 0 ? "even" : "odd",
      ...(n === 3 ? { status: 502, error_type: "api_error" } : {}),
      ...(n === 7 ? { error_type: "overloaded_error" } : {}), // a stream that failed after its 200
      ...(n === 9 ? { upstream_model: "deepseek-v4-pro", provider: "deepseek" } : {}),
    }));
  }
  const first = recent.entries({ limit: 4 });
  assert.deepEqual(first.map((e) => e.id), ["req_10", "req_9", "req_8", "req_7"]);
  const next = recent.entries({ limit: 4, before: first.at(-1)!.seq });
  assert.deepEqual(next.map((e) => e.id), ["req_6", "req_5", "req_4", "req_3"]);
  assert.deepEqual(recent.entries({ limit: 10, errors: true }).map((e) => e.id), [
    "req_7",
    "req_3",
  ]);
  assert.deepEqual(
    recent.entries({ limit: 3, session: "even" }).map((e) => e.id),
    ["req_10", "req_8", "req_6"],
  );
  assert.deepEqual(recent.entries({ limit: 10, text: "DeepSeek" }).map((e) => e.id), ["req_9"]);
});

Deno.test("RecentRequests sums each session's tokens and cost and remembers its last route", () => {
  const recent = new RecentRequests(2);
  recent.finished(record(1, { session_id: "s1", cost_usd: 0.5, cached_tokens: 100 }));
  recent.finished(record(2, { session_id: "s1", cost_usd: 0.25, cache_write_tokens: 40 }));
  recent.finished(record(3, { session_id: "s1", upstream_model: "gpt-6-sol", status: 429 }));
  recent.finished(record(4, { session_id: "s2", cost_usd: 1 }));
  const s1 = recent.session("s1")!;
  assert.equal(s1.requests, 3, "a session counts requests the ring no longer holds");
  assert.equal(s1.errors, 1);
  assert.equal(s1.input_tokens, 30);
  assert.equal(s1.output_tokens, 6);
  assert.equal(s1.cache_read_tokens, 100);
  assert.equal(s1.cache_write_tokens, 40);
  assert.equal(s1.cost_usd, 0.75);
  assert.equal(s1.unpriced, true, "request 3 used tokens without a price");
  assert.equal(s1.upstream_model, "gpt-6-sol");
  assert.deepEqual(recent.sessions(5).map((s) => s.session_id), ["s2", "s1"]);
  assert.equal(recent.session("nope"), undefined);
});

Deno.test("RecentRequests.load puts the log's records before the live ones and counts a request once", async () => {
  const recent = new RecentRequests(5);
  recent.finished(record(8, { session_id: "s" }));
  // The log holds older requests, and request 8 too (written after it finished).
  const fromLog = [1, 2, 3, 4, 5, 6, 8].map((n) => record(n, { session_id: "s" }));
  await recent.load(fromLog);
  recent.finished(record(9, { session_id: "s" }));
  assert.deepEqual(
    recent.entries({ limit: 10 }).map((e) => e.id),
    ["req_9", "req_8", "req_6", "req_5", "req_4"],
  );
  assert.equal(recent.session("s")?.requests, 8, "1-6 from the log, 8 once, and 9");
  const seqs = [...recent.all()].map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "seq grows with age");
});

Deno.test("RecentRequests.load counts a request that finishes while the log is read once", async () => {
  const recent = new RecentRequests();
  async function* slowLog() {
    yield record(1);
    recent.finished(record(2)); // Finishes live, and is written to the log before the reader gets there.
    yield record(2);
  }
  await recent.load(slowLog());
  assert.deepEqual(recent.entries({ limit: 10 }).map((e) => e.id), ["req_2", "req_1"]);
});
