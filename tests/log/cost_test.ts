// A request's cost from its tokens and the route's prices, cache reads and writes apart.
import assert from "node:assert/strict";
import { requestCost } from "../../src/log/cost.ts";

Deno.test("requestCost prices input, output, cache reads and cache writes each at its own rate", () => {
  const price = { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 };
  const cost = requestCost(
    { input: 1_000, output: 2_000, cache_read: 100_000, cache_write: 10_000 },
    price,
  );
  // 0.003 + 0.03 + 0.03 + 0.0375
  assert.equal(cost, 0.1005);
});

Deno.test("requestCost counts cache tokens as input where the model has no cache price", () => {
  assert.equal(
    requestCost({ input: 0, cache_read: 1_000_000, cache_write: 1_000_000 }, {
      input: 2,
      output: 8,
    }),
    4,
  );
});

Deno.test("requestCost is zero without tokens and leaves no float noise", () => {
  assert.equal(requestCost({}, { input: 2, output: 8 }), 0);
  assert.equal(requestCost({ input: 1 }, { input: 0.1, output: 0.4 }), 1e-7);
  assert.equal(requestCost({ input: 333 }, { input: 0.03, output: 0 }), 0.00000999);
  assert.equal(requestCost({ input: 1, output: 2 }, { input: 100_000, output: 100_000 }), 0.3);
});
