// Tests for the retry policy: statuses, backoff with jitter, Retry-After, abortable sleep.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  abortableSleep,
  DEFAULT_RETRY_POLICY,
  retryDelayMs,
  type RetryPolicy,
  shouldRetryStatus,
} from "../../src/upstream/retry.ts";
import { FakeTimers } from "../helpers/fake_timers.ts";

const SANITIZE = { sanitizeOps: true, sanitizeResources: true };
const POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
const MAX = () => 1;
const MIN = () => 0;

Deno.test("shouldRetryStatus retries timeouts, conflicts, rate limits, server errors and overload", () => {
  for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) {
    assert.equal(shouldRetryStatus(status), true, `status ${status}`);
  }
  for (const status of [200, 400, 401, 403, 404, 413, 422, 501]) {
    assert.equal(shouldRetryStatus(status), false, `status ${status}`);
  }
});

Deno.test("retryDelayMs doubles from baseDelayMs and caps at maxDelayMs", () => {
  const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) =>
    retryDelayMs(attempt, POLICY, { random: MAX })
  );
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
});

Deno.test("retryDelayMs uses equal jitter: never below half the backoff", () => {
  assert.equal(retryDelayMs(1, POLICY, { random: MIN }), 250);
  assert.equal(retryDelayMs(3, POLICY, { random: MIN }), 1000);
  assert.equal(retryDelayMs(3, POLICY, { random: () => 0.5 }), 1500);
});

Deno.test("retryDelayMs stays within [backoff / 2, backoff] for any attempt and random value", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (attempt, random) => {
        const backoff = Math.min(POLICY.maxDelayMs, POLICY.baseDelayMs * 2 ** (attempt - 1));
        const delay = retryDelayMs(attempt, POLICY, { random: () => random });
        return delay >= Math.floor(backoff / 2) && delay <= backoff;
      },
    ),
  );
});

Deno.test("retryDelayMs honours Retry-After in seconds, decimal seconds included", () => {
  assert.equal(retryDelayMs(1, POLICY, { retryAfter: "3", random: MIN }), 3000);
  assert.equal(retryDelayMs(2, POLICY, { retryAfter: " 1.5 ", random: MIN }), 1500);
  assert.equal(retryDelayMs(1, POLICY, { retryAfter: "0", random: MAX }), 0);
});

Deno.test("retryDelayMs honours Retry-After as an HTTP-date, and a past date means now", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  const retryAfter = "Wed, 21 Oct 2015 07:28:04 GMT";
  assert.equal(retryDelayMs(1, POLICY, { retryAfter, now }), 4000);
  assert.equal(retryDelayMs(1, POLICY, { retryAfter, now: now + 10_000 }), 0);
});

Deno.test("retryDelayMs caps Retry-After at maxRetryAfterMs", () => {
  assert.equal(retryDelayMs(1, POLICY, { retryAfter: "3600" }), 30_000);
  assert.equal(retryDelayMs(1, { ...POLICY, maxRetryAfterMs: 1000 }, { retryAfter: "5" }), 1000);
});

Deno.test("retryDelayMs prefers retry-after-ms over Retry-After", () => {
  assert.equal(retryDelayMs(1, POLICY, { retryAfterMs: "120", retryAfter: "9" }), 120);
});

Deno.test("retryDelayMs falls back to backoff when Retry-After is not valid", () => {
  for (const retryAfter of ["soon", "-1", "", null]) {
    assert.equal(retryDelayMs(2, POLICY, { retryAfter, random: MAX }), 1000, `${retryAfter}`);
  }
});

Deno.test({
  name: "abortableSleep resolves after the delay",
  ...SANITIZE,
  async fn() {
    const timers = new FakeTimers();
    let woke = false;
    const sleeping = abortableSleep(20, undefined, timers).then(() => (woke = true));
    await timers.advance(19);
    assert.equal(woke, false);
    await timers.advance(1);
    await sleeping;
    assert.equal(woke, true);
  },
});

Deno.test({
  name: "abortableSleep rejects with the abort reason at once and clears its timer",
  ...SANITIZE,
  async fn() {
    const controller = new AbortController();
    const timers = new FakeTimers();
    const sleeping = abortableSleep(60_000, controller.signal, timers);
    const reason = new Error("client went away");
    controller.abort(reason);
    await assert.rejects(sleeping, (error) => error === reason);
    assert.equal(timers.now(), 0, "no time passed");
    assert.equal(timers.pending, 0, "the timer is cleared");
  },
});

Deno.test({
  name: "abortableSleep rejects without waiting when the signal is already aborted",
  ...SANITIZE,
  async fn() {
    await assert.rejects(
      abortableSleep(60_000, AbortSignal.abort()),
      (error) => error instanceof DOMException && error.name === "AbortError",
    );
  },
});
