// A provider's pool of API keys: round-robin, a rest after a 429, set aside after a 401 or 403.
import type { PoolKey } from "../config/schema.ts";
import type { ApiKeyHeader } from "../providers/provider_format.ts";
import { retryAfterHintMs } from "./retry.ts";

/** How long a key rests after a 429 that says nothing of when to come back. */
export const DEFAULT_KEY_REST_MS = 10_000;
/** The longest rest a 429 can ask of a key. */
const MAX_KEY_REST_MS = 10 * 60_000;

/** The keys of a pool by what they are doing, for `/health` and `check` (counts, never keys). */
export interface KeyPoolCounts {
  total: number;
  /** Ready for requests. */
  ready: number;
  /** Resting after a 429. */
  resting: number;
  /** Refused by the provider (401, 403): not used while another key is left. */
  setAside: number;
}

interface Slot {
  key: PoolKey;
  restUntil: number;
  /** The status that refused the key, if one did. */
  refused?: number;
}

/**
 * Spreads requests over a provider's keys in turn. A key that got a 429 rests for its
 * `Retry-After` (or {@linkcode DEFAULT_KEY_REST_MS}); when every key rests, the one whose rest ends
 * first is used. A key refused with 401 or 403 is set aside for good, and only used when every key
 * is.
 *
 * @example
 * const pool = new KeyPool(provider.keyPool!, Date.now);
 * const key = pool.take(); // then pool.rested(key, response) on a 429
 */
export class KeyPool {
  #slots: Slot[];
  #next = 0;
  #now: () => number;

  constructor(keys: readonly PoolKey[], now: () => number) {
    this.#slots = keys.map((key) => ({ key, restUntil: 0 }));
    this.#now = now;
  }

  /**
   * The next key in turn that is neither resting nor set aside and not in `skip`; when none is
   * ready and `skip` is empty, the key whose rest ends first (or, all set aside, the first key).
   */
  take(skip: ReadonlySet<PoolKey> = new Set()): PoolKey | undefined {
    const now = this.#now();
    const count = this.#slots.length;
    for (let i = 0; i < count; i++) {
      const slot = this.#slots[(this.#next + i) % count]!;
      if (slot.refused === undefined && slot.restUntil <= now && !skip.has(slot.key)) {
        this.#next = (this.#next + i + 1) % count;
        return slot.key;
      }
    }
    if (skip.size > 0) return undefined;
    const usable = this.#slots.filter((slot) => slot.refused === undefined);
    if (usable.length === 0) return this.#slots[0]?.key;
    return usable.reduce((a, b) => (b.restUntil < a.restUntil ? b : a)).key;
  }

  /** `key` got a 429: it rests as long as `headers` ask (within limits); returns the rest in ms. */
  rest(key: PoolKey, headers: Headers): number {
    const hinted = retryAfterHintMs({
      retryAfter: headers.get("retry-after"),
      retryAfterMs: headers.get("retry-after-ms"),
      now: Date.now(),
    });
    const ms = Math.min(MAX_KEY_REST_MS, hinted ?? DEFAULT_KEY_REST_MS);
    const slot = this.#slot(key);
    if (slot) slot.restUntil = Math.max(slot.restUntil, this.#now() + ms);
    return ms;
  }

  /** `key` was refused with `status`; returns true the first time (to report it once). */
  setAside(key: PoolKey, status: number): boolean {
    const slot = this.#slot(key);
    if (!slot || slot.refused !== undefined) return false;
    slot.refused = status;
    return true;
  }

  /** How many keys are ready, resting and set aside. */
  counts(): KeyPoolCounts {
    const now = this.#now();
    const setAside = this.#slots.filter((s) => s.refused !== undefined).length;
    const resting = this.#slots.filter((s) => s.refused === undefined && s.restUntil > now).length;
    const total = this.#slots.length;
    return { total, ready: total - setAside - resting, resting, setAside };
  }

  #slot(key: PoolKey): Slot | undefined {
    return this.#slots.find((slot) => slot.key === key);
  }
}

/** What {@linkcode pooledFetch} reports about the keys it used. */
export type KeyEvent =
  | { kind: "rested"; key: PoolKey; ms: number }
  | { kind: "refused"; key: PoolKey; status: number; first: boolean };

/** Options for {@linkcode pooledFetch}. */
export interface PooledFetchOptions {
  pool: KeyPool;
  /** The header the provider takes its key in. */
  header: ApiKeyHeader;
  onEvent?: (event: KeyEvent) => void;
  /**
   * Send each body as a stream read once, as `sendUpstream` does with the runtime's own fetch, so
   * that the runtime cannot send it a second time on a reset connection (a 411 gets the bytes).
   */
  oneShot?: boolean;
}

/**
 * Wraps `base` so that each call goes out with the pool's next key in the provider's key header.
 * A 429 rests the key and a 401 or 403 sets it aside; either way the call is made again at once
 * with another ready key, if one is left, else the answer is returned as it is.
 */
export function pooledFetch(base: typeof fetch, options: PooledFetchOptions): typeof fetch {
  const { pool, header } = options;
  const send = async (input: RequestInfo | URL, init: RequestInit | undefined, key: PoolKey) => {
    const headers = new Headers(init?.headers);
    headers.set(header, header === "authorization" ? `Bearer ${key.key}` : key.key);
    const bytes = init?.body;
    if (options.oneShot && bytes instanceof Uint8Array && bytes.byteLength > 0) {
      headers.set("content-length", String(bytes.byteLength));
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
      const once = { ...init, headers, body, duplex: "half" } as RequestInit;
      const response = await base(input, once);
      if (response.status !== 411) return response;
      await response.body?.cancel().catch(() => {});
    }
    return await base(input, { ...init, headers });
  };
  return async (input, init) => {
    const tried = new Set<PoolKey>();
    let key = pool.take();
    for (;;) {
      if (key === undefined) return await base(input, init);
      tried.add(key);
      const response = await send(input, init, key);
      const event = keyEvent(pool, key, response);
      if (!event) return response;
      options.onEvent?.(event);
      const next = pool.take(tried);
      if (next === undefined) return response;
      await response.body?.cancel().catch(() => {});
      key = next;
    }
  };
}

/** What an answer says about the key it was sent with: rested (429), refused (401, 403), or nothing. */
function keyEvent(pool: KeyPool, key: PoolKey, response: Response): KeyEvent | undefined {
  if (response.status === 429) {
    return { kind: "rested", key, ms: pool.rest(key, response.headers) };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      kind: "refused",
      key,
      status: response.status,
      first: pool.setAside(key, response.status),
    };
  }
  return undefined;
}
