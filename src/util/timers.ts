// The clock and one-shot timers of code that waits; tests hand in fake ones to wait without waiting.

/** What a timer is known by (a number under Deno, an object under Bun). */
export type TimerHandle = ReturnType<typeof setTimeout>;

/** A monotonic clock in milliseconds and one-shot timers. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The runtime's own clock (`performance.now()`) and timers. */
export const SYSTEM_TIMERS: Timers = Object.freeze({
  now: () => performance.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle | undefined) => clearTimeout(handle),
});
