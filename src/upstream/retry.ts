// Retry policy for upstream calls: which statuses to retry, backoff with jitter, Retry-After, abortable sleep.
import { SYSTEM_TIMERS, type Timers } from "../util/timers.ts";

/** How often and how patiently to retry an upstream request. */
export interface RetryPolicy {
  /** Total tries, the first one included. */
  attempts: number;
  /** Backoff before the first retry; doubles on each further retry. */
  baseDelayMs: number;
  /** Upper bound of the computed backoff. */
  maxDelayMs: number;
  /** Upper bound of a delay the upstream asks for with Retry-After. */
  maxRetryAfterMs: number;
}

/** Three tries, backing off from 500 ms up to 8 s, honouring Retry-After up to 30 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
});

/** Upstream statuses worth another try: timeouts, conflicts, rate limits, server errors, overload. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([
  408,
  409,
  429,
  500,
  502,
  503,
  504,
  529,
]);

/** Whether a response with this status should be retried (when attempts remain). */
export function shouldRetryStatus(status: number): boolean {
  return RETRY_STATUSES.has(status);
}

/** Options for {@linkcode retryDelayMs}. */
export interface RetryDelayOptions {
  /** The `Retry-After` header: seconds or an HTTP-date. */
  retryAfter?: string | null;
  /** The `retry-after-ms` header some providers send; wins over `retryAfter`. */
  retryAfterMs?: string | null;
  /** A source of numbers in [0, 1); `Math.random` by default. */
  random?: () => number;
  /** The current time in ms since the epoch, for HTTP-dates; `Date.now()` by default. */
  now?: number;
}

/**
 * Returns how long to wait after the failed try number `attempt` (1 for the first try).
 *
 * A valid `retry-after-ms` or `Retry-After` is honoured, capped at `maxRetryAfterMs`. Otherwise the
 * backoff is `baseDelayMs * 2^(attempt - 1)`, capped at `maxDelayMs`, with equal jitter: a random
 * value between half of it and all of it, so concurrent clients spread out but never hammer.
 *
 * @example
 * retryDelayMs(1, DEFAULT_RETRY_POLICY, { random: () => 0.999 }); // ≈ 500
 * retryDelayMs(1, DEFAULT_RETRY_POLICY, { retryAfter: "2" }); // 2000
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  options: RetryDelayOptions = {},
): number {
  const hinted = retryAfterHintMs(options);
  if (hinted !== undefined) return Math.min(hinted, policy.maxRetryAfterMs);
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const backoff = Math.max(0, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent));
  const random = Math.min(1, Math.max(0, (options.random ?? Math.random)()));
  return Math.round(backoff / 2 + (backoff / 2) * random);
}

/** The wait an answer asks for in `retry-after-ms` or `Retry-After` (seconds or an HTTP-date), in ms. */
export function retryAfterHintMs(options: RetryDelayOptions): number | undefined {
  const ms = options.retryAfterMs?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  const value = options.retryAfter?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // HTTP-dates always name a day or month; this keeps Date.parse from reading "-1" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - (options.now ?? Date.now()));
}

/** Waits `ms` on `timers`; rejects with the signal's reason as soon as `signal` aborts. */
export function abortableSleep(
  ms: number,
  signal?: AbortSignal,
  timers: Timers = SYSTEM_TIMERS,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timers.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = timers.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
