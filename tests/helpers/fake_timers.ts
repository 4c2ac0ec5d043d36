// A fake clock and timers for code that waits (src/util/timers.ts): tests move time on by hand.
import type { TimerHandle, Timers } from "../../src/util/timers.ts";

interface Pending {
  at: number;
  callback: () => void;
}

/**
 * Timers that fire only when the test moves the clock on with {@linkcode FakeTimers.advance}, in the
 * order they are due. Time starts at 0.
 *
 * @example
 * const timers = new FakeTimers();
 * const reading = chunks.read(); // arms a 50 ms idle timer on `timers`
 * await timers.advance(50);      // fires it: the read rejects
 */
export class FakeTimers implements Timers {
  #now = 0;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #onSet: Array<() => void> = [];

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.#now + Math.max(0, ms), callback });
    for (const notify of this.#onSet.splice(0)) notify();
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.#pending.delete(handle as unknown as number);
  }

  /** How many timers are waiting to fire. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Resolves once a timer is waiting (at once if one already is). */
  timerSet(): Promise<void> {
    if (this.#pending.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onSet.push(resolve));
  }

  /**
   * Lets the work already started reach its next wait, then moves the clock on by `ms`, firing each
   * timer that falls due in order, with the clock at its time; after each, lets the promise
   * reactions it started run before the next one fires.
   */
  async advance(ms: number): Promise<void> {
    await settle();
    const end = this.#now + ms;
    for (;;) {
      const next = this.#due(end);
      if (!next) break;
      this.#pending.delete(next.id);
      this.#now = next.at;
      next.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  /** Fires the timers due now, turn after turn, until `promise` settles; the clock does not move. */
  async runUntil(promise: Promise<unknown>): Promise<void> {
    let settled = false;
    promise.then(() => (settled = true), () => (settled = true));
    while (!settled) await this.advance(0);
  }

  #due(end: number): (Pending & { id: number }) | undefined {
    let first: (Pending & { id: number }) | undefined;
    for (const [id, timer] of this.#pending) {
      if (timer.at <= end && (!first || timer.at < first.at)) first = { id, ...timer };
    }
    return first;
  }
}

/** Lets pending promise reactions and stream callbacks run (one turn of the event loop). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
