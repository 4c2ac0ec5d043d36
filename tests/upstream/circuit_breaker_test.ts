// Circuit breakers: failures in a row open a circuit, the cool-down skips the provider, one probe closes it.
import assert from "node:assert/strict";
import { CircuitBreakers } from "../../src/upstream/circuit_breaker.ts";

function breakers(failures = 3, cooldownMs = 30_000) {
  const clock = { now: 1_000 };
  return { clock, breakers: new CircuitBreakers({ failures, cooldownMs, now: () => clock.now }) };
}

Deno.test("CircuitBreakers opens a circuit after the set number of failures in a row", () => {
  const { breakers: b } = breakers(3);
  assert.equal(b.failed("p"), false);
  assert.equal(b.failed("p"), false);
  assert.deepEqual(b.admit("p"), { state: "closed" });
  assert.equal(b.failed("p"), true);
  assert.deepEqual(b.admit("p"), { state: "open", failures: 3, retryInMs: 30_000 });
  assert.deepEqual(b.admit("other"), { state: "closed" });
});

Deno.test("CircuitBreakers counts only failures in a row: a success starts again", () => {
  const { breakers: b } = breakers(2);
  b.failed("p");
  b.succeeded("p");
  assert.equal(b.failed("p"), false);
  assert.equal(b.admit("p").state, "closed");
});

Deno.test("CircuitBreakers lets one probe through after the cool-down, and closes on its success", () => {
  const { clock, breakers: b } = breakers(1, 10_000);
  b.failed("p");
  clock.now += 9_999;
  assert.deepEqual(b.admit("p"), { state: "open", failures: 1, retryInMs: 1 });
  clock.now += 1;
  assert.deepEqual(b.admit("p"), { state: "half-open" });
  assert.deepEqual(
    b.admit("p"),
    { state: "open", failures: 1, retryInMs: 0 },
    "one probe at a time",
  );
  assert.equal(b.snapshot("p").state, "half-open");
  b.succeeded("p");
  assert.deepEqual(b.admit("p"), { state: "closed" });
  assert.deepEqual(b.snapshot("p"), { state: "closed", failures: 0 });
});

Deno.test("CircuitBreakers opens again for a full cool-down when the probe fails", () => {
  const { clock, breakers: b } = breakers(1, 10_000);
  b.failed("p");
  clock.now += 10_000;
  assert.equal(b.admit("p").state, "half-open");
  assert.equal(b.failed("p"), true);
  assert.deepEqual(b.snapshot("p"), { state: "open", failures: 2, retryInMs: 10_000 });
});

Deno.test("CircuitBreakers lets another probe go when the first ended without a verdict", () => {
  const { clock, breakers: b } = breakers(1, 10_000);
  b.failed("p");
  clock.now += 10_000;
  assert.equal(b.admit("p").state, "half-open");
  b.released("p");
  assert.equal(b.admit("p").state, "half-open");
});

Deno.test("CircuitBreakers never opens with failures = 0", () => {
  const { breakers: b } = breakers(0);
  for (let i = 0; i < 10; i++) assert.equal(b.failed("p"), false);
  assert.deepEqual(b.admit("p"), { state: "closed" });
});
