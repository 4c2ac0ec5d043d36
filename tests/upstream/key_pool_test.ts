// Key pools: keys in turn, a rest after a 429, set aside after a 401 or 403, the call made again at once.
import assert from "node:assert/strict";
import type { PoolKey } from "../../src/config/schema.ts";
import {
  DEFAULT_KEY_REST_MS,
  type KeyEvent,
  KeyPool,
  pooledFetch,
} from "../../src/upstream/key_pool.ts";

const KEYS: PoolKey[] = [
  { key: "sk-key-one-000001", label: "KEY_1" },
  { key: "sk-key-two-000002", label: "KEY_2" },
  { key: "sk-key-three-0003", label: "KEY_3" },
];

function pool(keys: PoolKey[] = KEYS) {
  const clock = { now: 0 };
  return { clock, pool: new KeyPool(keys, () => clock.now) };
}

/** A fetch that answers each call from `answer`, by the key it carries, and records the keys. */
function scripted(answer: (key: string, n: number) => Response) {
  const seen: string[] = [];
  const fetchFn: typeof fetch = (_input, init) => {
    const headers = new Headers(init?.headers);
    const key = (headers.get("authorization") ?? headers.get("x-api-key") ?? "").replace(
      /^Bearer /,
      "",
    );
    seen.push(key);
    return Promise.resolve(answer(key, seen.length));
  };
  return { seen, fetchFn };
}

Deno.test("KeyPool hands out its keys in turn", () => {
  const { pool: p } = pool();
  assert.deepEqual([p.take(), p.take(), p.take(), p.take()].map((k) => k?.label), [
    "KEY_1",
    "KEY_2",
    "KEY_3",
    "KEY_1",
  ]);
});

Deno.test("KeyPool rests a key for its Retry-After, then hands it out again", () => {
  const { clock, pool: p } = pool();
  assert.equal(p.rest(KEYS[0]!, new Headers({ "retry-after": "20" })), 20_000);
  assert.deepEqual([p.take(), p.take(), p.take()].map((k) => k?.label), [
    "KEY_2",
    "KEY_3",
    "KEY_2",
  ]);
  assert.deepEqual(p.counts(), { total: 3, ready: 2, resting: 1, setAside: 0 });
  clock.now += 20_000;
  assert.equal(p.take()?.label, "KEY_3");
  assert.equal(p.take()?.label, "KEY_1");
});

Deno.test("KeyPool rests a key for a while when the 429 says nothing", () => {
  const { pool: p } = pool();
  assert.equal(p.rest(KEYS[1]!, new Headers()), DEFAULT_KEY_REST_MS);
  assert.equal(p.rest(KEYS[2]!, new Headers({ "retry-after-ms": "1500" })), 1500);
});

Deno.test("KeyPool uses the key whose rest ends first when all rest", () => {
  const { pool: p } = pool();
  p.rest(KEYS[0]!, new Headers({ "retry-after": "30" }));
  p.rest(KEYS[1]!, new Headers({ "retry-after": "5" }));
  p.rest(KEYS[2]!, new Headers({ "retry-after": "60" }));
  assert.equal(p.take()?.label, "KEY_2");
  assert.equal(p.take(new Set([KEYS[1]!])), undefined, "nothing else is ready");
});

Deno.test("KeyPool sets a refused key aside for good, reporting it once", () => {
  const { clock, pool: p } = pool();
  assert.equal(p.setAside(KEYS[0]!, 401), true);
  assert.equal(p.setAside(KEYS[0]!, 401), false);
  clock.now += 3_600_000;
  assert.deepEqual([p.take(), p.take(), p.take()].map((k) => k?.label), [
    "KEY_2",
    "KEY_3",
    "KEY_2",
  ]);
  assert.deepEqual(p.counts(), { total: 3, ready: 2, resting: 0, setAside: 1 });
});

Deno.test("KeyPool still hands out a key when every key is set aside", () => {
  const { pool: p } = pool(KEYS.slice(0, 2));
  p.setAside(KEYS[0]!, 401);
  p.setAside(KEYS[1]!, 403);
  assert.equal(p.take()?.label, "KEY_1");
});

Deno.test("pooledFetch puts the pool's next key in the provider's key header on each call", async () => {
  const { pool: p } = pool();
  const { seen, fetchFn } = scripted(() => new Response("ok"));
  const bearer = pooledFetch(fetchFn, { pool: p, header: "authorization" });
  const headers = { authorization: "Bearer sk-key-one-000001", "content-type": "application/json" };
  for (let i = 0; i < 3; i++) await (await bearer("http://x/", { headers })).text();
  assert.deepEqual(seen, [KEYS[0]!.key, KEYS[1]!.key, KEYS[2]!.key]);
  const xApiKey = pooledFetch(fetchFn, { pool: p, header: "x-api-key" });
  await (await xApiKey("http://x/", { headers: { "x-api-key": "sk-key-one-000001" } })).text();
  assert.equal(seen.at(-1), KEYS[0]!.key);
});

Deno.test("pooledFetch sends the call again at once with the next key after a 429", async () => {
  const { pool: p } = pool();
  const events: KeyEvent[] = [];
  const { seen, fetchFn } = scripted((key) =>
    key === KEYS[0]!.key
      ? new Response("slow down", { status: 429, headers: { "retry-after": "7" } })
      : new Response("ok")
  );
  const pooled = pooledFetch(fetchFn, {
    pool: p,
    header: "authorization",
    onEvent: (e) => events.push(e),
  });
  const response = await pooled("http://x/", {});
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "ok");
  assert.deepEqual(seen, [KEYS[0]!.key, KEYS[1]!.key]);
  assert.deepEqual(events, [{ kind: "rested", key: KEYS[0], ms: 7_000 }]);
});

Deno.test("pooledFetch answers with the last 429 when every key is resting", async () => {
  const { pool: p } = pool(KEYS.slice(0, 2));
  const { seen, fetchFn } = scripted(() => new Response("busy", { status: 429 }));
  const response = await pooledFetch(fetchFn, { pool: p, header: "authorization" })(
    "http://x/",
    {},
  );
  assert.equal(response.status, 429);
  assert.equal(await response.text(), "busy");
  assert.deepEqual(seen, [KEYS[0]!.key, KEYS[1]!.key]);
});

Deno.test("pooledFetch sets aside a key refused with 401 or 403 and goes on with another", async () => {
  const { pool: p } = pool();
  const events: KeyEvent[] = [];
  const { seen, fetchFn } = scripted((key) =>
    key === KEYS[0]!.key
      ? new Response("bad key", { status: 401 })
      : key === KEYS[1]!.key
      ? new Response("forbidden", { status: 403 })
      : new Response("ok")
  );
  const pooled = pooledFetch(fetchFn, {
    pool: p,
    header: "authorization",
    onEvent: (e) => events.push(e),
  });
  assert.equal((await pooled("http://x/", {})).status, 200);
  assert.deepEqual(seen, [KEYS[0]!.key, KEYS[1]!.key, KEYS[2]!.key]);
  assert.deepEqual(events.map((e) => [e.kind, e.key.label, "first" in e && e.first]), [
    ["refused", "KEY_1", true],
    ["refused", "KEY_2", true],
  ]);
  await (await pooled("http://x/", {})).text();
  assert.equal(seen.at(-1), KEYS[2]!.key, "set-aside keys are not used while another is left");
});

Deno.test("pooledFetch sends each try's body as a stream read once, and bytes to a server that wants a length", async () => {
  const { pool: p } = pool();
  const bodies: Array<{ stream: boolean; length: string | null; text: string }> = [];
  const fetchFn: typeof fetch = async (_input, init) => {
    const headers = new Headers(init?.headers);
    const stream = init?.body instanceof ReadableStream;
    const text = await new Response(init?.body).text();
    bodies.push({ stream, length: headers.get("content-length"), text });
    if (bodies.length === 1) return new Response("slow down", { status: 429 });
    if (bodies.length === 2) return new Response("length required", { status: 411 });
    return new Response("ok");
  };
  const pooled = pooledFetch(fetchFn, { pool: p, header: "authorization", oneShot: true });
  const body = new TextEncoder().encode('{"model":"m"}');
  const response = await pooled("http://x/", { method: "POST", body });
  assert.equal(await response.text(), "ok");
  assert.deepEqual(bodies, [
    { stream: true, length: "13", text: '{"model":"m"}' },
    { stream: true, length: "13", text: '{"model":"m"}' },
    { stream: false, length: "13", text: '{"model":"m"}' },
  ]);
});
