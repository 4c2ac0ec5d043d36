// The dashboard's memory: requests in flight, a bounded ring of finished ones, and per-session totals.
import type { RequestLogRecord } from "../../log/record.ts";
import {
  addToSession,
  emptySessionTotals,
  isFailure,
  mergeSessionTotals,
  type SessionTotals,
} from "../../log/session_totals.ts";

/** A finished (or running) request as the dashboard keeps it: the log record without its bodies. */
export type RequestEntry = Omit<RequestLogRecord, "bodies"> & {
  /** Order of arrival in the ring (finish order); larger is newer. */
  seq: number;
  /** Whether bodies were logged for it (they are fetched on demand). */
  has_bodies?: boolean;
};

/** Which finished requests a page holds. */
export interface EntryFilter {
  /** Only entries older than this `seq`. */
  before?: number;
  /** At most this many (newest first). */
  limit: number;
  /** Text found in the model, upstream model, provider, session or id. */
  text?: string;
  /** Only failed requests. */
  errors?: boolean;
  session?: string;
}

/** The default ring size: the request log's default number of entries. */
const DEFAULT_RING_CAPACITY = 10_000;
/** How many sessions keep their totals (the least recently active go first). */
const MAX_SESSIONS = 2_000;

/**
 * Requests in flight, the newest finished ones (a fixed-size ring: O(1) per request, no growth),
 * and each session's totals. Every method the request path calls is a few map and array writes.
 */
export class RecentRequests {
  readonly capacity: number;
  #ring: Array<RequestEntry | undefined>;
  /** How many entries were ever pushed; the newest is at `(#count - 1) % capacity`. */
  #count = 0;
  #inflight = new Map<string, RequestLogRecord>();
  #sessions = new Map<string, SessionTotals>();
  /** While the log is read: the ids pushed live, so that a request is not counted twice. */
  #liveIds = new Set<string>();
  #loading = false;

  constructor(capacity = DEFAULT_RING_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Cannot keep recent requests: capacity "${capacity}" is not >= 1`);
    }
    this.capacity = capacity;
    this.#ring = new Array(capacity);
  }

  /** A request began: it is in flight until {@linkcode finished}. */
  started(record: RequestLogRecord): void {
    this.#inflight.set(record.id, record);
  }

  /** A request ended with `record` (its final form); returns its entry. */
  finished(record: RequestLogRecord): RequestEntry {
    this.#inflight.delete(record.id);
    if (this.#loading) this.#liveIds.add(record.id);
    return this.#push(record);
  }

  /**
   * Adds the records read from the log (oldest first) before the live ones, one at a time: only
   * the newest `capacity` are kept, sessions count them all, and a request already pushed live is
   * not counted twice.
   */
  async load(records: AsyncIterable<RequestLogRecord> | Iterable<RequestLogRecord>): Promise<void> {
    const loaded = new RecentRequests(this.capacity);
    this.#loading = true;
    for (const entry of this.all()) this.#liveIds.add(entry.id);
    try {
      for await (const record of records) {
        if (!this.#liveIds.has(record.id)) loaded.#push(record);
      }
    } finally {
      this.#loading = false;
      this.#liveIds.clear();
    }
    for (const entry of this.entries({ limit: this.capacity }).reverse()) {
      loaded.#push(entry, false);
    }
    // The sessions seen live are the most recent: their totals follow those read from the log.
    for (const [id, totals] of this.#sessions) {
      const old = loaded.#sessions.get(id);
      loaded.#sessions.delete(id);
      loaded.#sessions.set(id, old ? mergeSessionTotals(old, totals) : totals);
    }
    this.#ring = loaded.#ring;
    this.#count = loaded.#count;
    this.#sessions = loaded.#sessions;
  }

  /** The requests in flight, oldest first. */
  inflight(): RequestLogRecord[] {
    return [...this.#inflight.values()];
  }

  /** The number of finished requests kept. */
  get size(): number {
    return Math.min(this.#count, this.capacity);
  }

  /** Finished requests matching `filter`, newest first. */
  entries(filter: EntryFilter): RequestEntry[] {
    const out: RequestEntry[] = [];
    const text = filter.text?.trim().toLowerCase();
    const oldest = this.#count - this.size;
    const start = filter.before === undefined
      ? this.#count - 1
      : Math.min(this.#count - 1, filter.before - 1);
    for (let seq = start; seq >= oldest && out.length < filter.limit; seq--) {
      const entry = this.#ring[seq % this.capacity]!;
      if (filter.errors && !isFailure(entry)) continue;
      if (filter.session !== undefined && entry.session_id !== filter.session) continue;
      if (text && !matchesText(entry, text)) continue;
      out.push(entry);
    }
    return out;
  }

  /** Every finished request kept, oldest first (for the charts). */
  *all(): IterableIterator<RequestEntry> {
    for (let seq = this.#count - this.size; seq < this.#count; seq++) {
      yield this.#ring[seq % this.capacity]!;
    }
  }

  /** The request with `id`: in flight, or finished and still kept. */
  get(id: string): RequestLogRecord | RequestEntry | undefined {
    const running = this.#inflight.get(id);
    if (running) return running;
    for (let seq = this.#count - 1; seq >= this.#count - this.size; seq--) {
      const entry = this.#ring[seq % this.capacity]!;
      if (entry.id === id) return entry;
    }
    return undefined;
  }

  /** What the session `id` has used so far, if it was seen. */
  session(id: string): SessionTotals | undefined {
    return this.#sessions.get(id);
  }

  /** The sessions with totals, the most recently active first. */
  sessions(limit: number): SessionTotals[] {
    return [...this.#sessions.values()].reverse().slice(0, limit);
  }

  /** Adds a finished request to the ring (and, unless `session` is false, to its session). */
  #push(record: RequestLogRecord | RequestEntry, session = true): RequestEntry {
    const { bodies, seq: _seq, ...rest } = record as RequestLogRecord & { seq?: number };
    const entry: RequestEntry = { ...rest, seq: this.#count };
    if (bodies !== undefined && Object.keys(bodies).length > 0) entry.has_bodies = true;
    this.#ring[this.#count % this.capacity] = entry;
    this.#count += 1;
    if (session && entry.session_id !== undefined) this.#addToSession(entry.session_id, entry);
    return entry;
  }

  #addToSession(id: string, entry: RequestEntry): void {
    let totals = this.#sessions.get(id);
    if (totals) {
      this.#sessions.delete(id); // Re-inserted below: the map stays in order of last activity.
    } else {
      totals = emptySessionTotals(id, entry.time);
      if (this.#sessions.size >= MAX_SESSIONS) {
        this.#sessions.delete(this.#sessions.keys().next().value!);
      }
    }
    addToSession(totals, entry);
    this.#sessions.set(id, totals);
  }
}

function matchesText(entry: RequestEntry, text: string): boolean {
  for (
    const value of [entry.model, entry.upstream_model, entry.provider, entry.session_id, entry.id]
  ) {
    if (value !== undefined && value.toLowerCase().includes(text)) return true;
  }
  return false;
}
