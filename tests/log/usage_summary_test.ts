// Totals over log records: per model, provider, session or day, since a time, with p50/p95.
import assert from "node:assert/strict";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { parseSince, UsageSummary } from "../../src/log/usage_summary.ts";

function record(n: number, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: `2026-12-0${1 + (n % 3)}T10:00:00.000Z`,
    id: `req_${n}`,
    method: "POST",
    path: "/v1/messages",
    provider: n % 2 === 0 ? "openai" : "deepseek",
    upstream_model: n % 2 === 0 ? "gpt-6-sol" : "deepseek-v4-pro",
    status: 200,
    total_ms: n * 100,
    input_tokens: 100,
    output_tokens: 10,
    cost_usd: 0.1,
    ...extra,
  };
}

Deno.test("UsageSummary adds up requests, errors, tokens and cost per model, costliest first", () => {
  const summary = new UsageSummary({ by: "model" });
  for (let n = 1; n <= 10; n++) summary.add(record(n, n === 4 ? { cost_usd: 2 } : {}));
  summary.add(
    record(11, {
      status: 429,
      error_type: "rate_limit_error",
      cost_usd: 0,
      input_tokens: 0,
      output_tokens: 0,
    }),
  );
  summary.add(record(12, { cached_tokens: 5_000, cache_write_tokens: 300 }));
  const rows = summary.rows();
  assert.deepEqual(rows.map((r) => r.key), ["gpt-6-sol", "deepseek-v4-pro"]);
  const [sol, seek] = rows;
  assert.equal(sol!.requests, 6);
  assert.equal(sol!.cost_usd, 2.5);
  assert.equal(sol!.cache_read_tokens, 5_000);
  assert.equal(sol!.cache_write_tokens, 300);
  assert.equal(seek!.requests, 6);
  assert.equal(seek!.errors, 1);
  const total = summary.total();
  assert.equal(total.requests, 12);
  assert.equal(total.input_tokens, 1_100);
  assert.equal(total.output_tokens, 110);
  assert.equal(total.key, "all");
});

Deno.test("UsageSummary takes p50 and p95 over the requests that did not fail", () => {
  const summary = new UsageSummary();
  for (let n = 1; n <= 100; n++) summary.add(record(n));
  summary.add(record(101, { status: 502, total_ms: 1_000_000 }));
  const total = summary.total();
  assert.equal(total.p50_ms, 5_000);
  assert.equal(total.p95_ms, 9_500);
  assert.equal(new UsageSummary().total().p50_ms, null);
});

Deno.test("UsageSummary counts requests without a price apart and groups by provider, session and day", () => {
  const byProvider = new UsageSummary({ by: "provider" });
  const { cost_usd: _, ...unpriced } = record(1);
  byProvider.add(unpriced);
  byProvider.add(record(3));
  assert.deepEqual(byProvider.rows().map((r) => [r.key, r.unpriced]), [["deepseek", 1]]);

  const bySession = new UsageSummary({ by: "session" });
  bySession.add(record(1, { session_id: "a" }));
  bySession.add(record(2));
  assert.deepEqual(bySession.rows().map((r) => r.key).sort(), ["(none)", "a"]);

  const byDay = new UsageSummary({ by: "day", timeZone: "UTC" });
  for (const n of [3, 2, 1, 4]) byDay.add(record(n));
  assert.deepEqual(byDay.rows().map((r) => [r.key, r.requests]), [
    ["2026-12-01", 1],
    ["2026-12-02", 2],
    ["2026-12-03", 1],
  ]);
  const tokyo = new UsageSummary({ by: "day", timeZone: "Asia/Tokyo" });
  tokyo.add(record(3, { time: "2026-12-01T20:00:00.000Z" }));
  assert.equal(tokyo.rows()[0]?.key, "2026-12-02", "days are counted in the time zone given");
});

Deno.test("UsageSummary leaves out requests before since", () => {
  const summary = new UsageSummary({ since: Date.parse("2026-12-02T00:00:00Z") });
  for (let n = 1; n <= 6; n++) summary.add(record(n));
  assert.equal(summary.total().requests, 4);
});

Deno.test("parseSince reads 30m, 24h, 7d, 2w, today, a date and an ISO time", () => {
  const now = Date.parse("2026-12-08T12:00:00Z");
  assert.equal(parseSince("30m", now), now - 30 * 60_000);
  assert.equal(parseSince("24h", now), now - 86_400_000);
  assert.equal(parseSince("7d", now), now - 7 * 86_400_000);
  assert.equal(parseSince("2w", now), now - 14 * 86_400_000);
  assert.equal(parseSince("2026-12-01", now), new Date(2026, 11, 1).getTime());
  assert.equal(parseSince("2026-12-01T08:00:00Z", now), Date.parse("2026-12-01T08:00:00Z"));
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  assert.equal(parseSince("today", now), today.getTime());
  assert.equal(parseSince("yesterday-ish", now), undefined);
  assert.equal(parseSince("", now), undefined);
});
