// The dashboard's live feed: server-sent events to each open page, batched off the request path.
import type { RequestLogRecord } from "../../log/record.ts";
import type { RequestEntry } from "./recent_requests.ts";

/** Options for {@linkcode UiEventHub}. */
export interface UiEventHubOptions {
  /** Turns a record or entry into what a page may see (secrets redacted, bodies left out). */
  redact: <T extends object>(value: T) => T;
  /** How long events gather before they are sent together (default 100 ms). */
  flushMs?: number;
  /** A comment line is sent after this much silence, so a dead connection is noticed (default 15 s). */
  pingMs?: number;
  /** A page that has not read this many bytes is dropped; it reconnects and starts over (default 8 MiB). */
  maxQueuedBytes?: number;
}

/** A started request waiting to be sent. */
interface StartedItem {
  record: RequestLogRecord;
  since: number;
}

interface Subscriber {
  controller: ReadableStreamDefaultController<Uint8Array>;
  close(): void;
}

/** How long a started request may wait for its route before it is sent without one. */
const ROUTE_WAIT_MS = 2_000;
const encoder = new TextEncoder();

/** One server-sent event's text. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Fans request events out to the pages that listen. `started` and `finished` only queue a
 * reference (nothing is done without a listener); every `flushMs` the queue is serialised once
 * and the same bytes go to every page. A started request is sent once its route is known (or
 * after 2 s); one that finished by then is sent only as finished.
 */
export class UiEventHub {
  #subscribers = new Set<Subscriber>();
  #started: StartedItem[] = [];
  #finished: RequestEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #wrote = false;
  #options: Required<UiEventHubOptions>;
  #closed = false;

  constructor(options: UiEventHubOptions) {
    this.#options = { flushMs: 100, pingMs: 15_000, maxQueuedBytes: 8 * 1024 * 1024, ...options };
  }

  /** The number of pages listening. */
  get listeners(): number {
    return this.#subscribers.size;
  }

  /** A request began (the record gains its route later). */
  started(record: RequestLogRecord): void {
    if (this.#subscribers.size === 0) return;
    this.#started.push({ record, since: Date.now() });
    this.#schedule();
  }

  /** A request ended. */
  finished(entry: RequestEntry): void {
    if (this.#subscribers.size === 0) return;
    this.#finished.push(entry);
    this.#schedule();
  }

  /** Sends `event` with `data` to every page now. */
  broadcast(event: string, data: unknown): void {
    this.#send(encoder.encode(sseEvent(event, data)));
  }

  /**
   * A new page's event stream: `first()` (the snapshot) comes first, then the live events, until
   * `signal` aborts, the page stops reading, or the hub closes.
   */
  subscribe(first: () => string, signal: AbortSignal): ReadableStream<Uint8Array> {
    let subscriber: Subscriber | undefined;
    const remove = () => {
      if (!subscriber) return;
      this.#subscribers.delete(subscriber);
      subscriber = undefined;
      signal.removeEventListener("abort", remove);
      if (this.#subscribers.size === 0) this.#stopPing();
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        if (this.#closed || signal.aborted) return controller.close();
        subscriber = {
          controller,
          close: () => {
            remove();
            try {
              controller.close();
            } catch {
              // Already closed or errored.
            }
          },
        };
        this.#subscribers.add(subscriber);
        signal.addEventListener("abort", remove, { once: true });
        controller.enqueue(encoder.encode(`retry: 2000\n\n${first()}`));
        this.#startPing();
      },
      cancel: () => remove(),
    }, { highWaterMark: this.#options.maxQueuedBytes, size: (chunk) => chunk.byteLength });
  }

  /** Ends every page's stream (on shutdown, so that the server can stop) and stops the timers. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stopPing();
    for (const subscriber of [...this.#subscribers]) subscriber.close();
    this.#started = [];
    this.#finished = [];
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer ??= setTimeout(() => this.#flush(), this.#options.flushMs);
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#subscribers.size === 0) {
      this.#started = [];
      this.#finished = [];
      return;
    }
    const now = Date.now();
    const due: RequestLogRecord[] = [];
    const waiting: StartedItem[] = [];
    for (const item of this.#started) {
      if (item.record.status !== 0) continue; // Finished already: sent as finished.
      if (item.record.model === undefined && now - item.since < ROUTE_WAIT_MS) waiting.push(item);
      else due.push(item.record);
    }
    this.#started = waiting;
    let text = "";
    if (due.length > 0) text += sseEvent("started", due.map((r) => this.#options.redact(r)));
    if (this.#finished.length > 0) {
      text += sseEvent("finished", this.#finished.map((e) => this.#options.redact(e)));
      this.#finished = [];
    }
    if (text) this.#send(encoder.encode(text));
    if (this.#started.length > 0) this.#schedule();
  }

  #send(bytes: Uint8Array): void {
    this.#wrote = true;
    for (const subscriber of [...this.#subscribers]) {
      const { controller } = subscriber;
      if ((controller.desiredSize ?? 0) < bytes.byteLength) {
        subscriber.close(); // Not reading: it reconnects and gets a fresh snapshot.
        continue;
      }
      controller.enqueue(bytes);
    }
  }

  #startPing(): void {
    if (this.#ping !== undefined) return;
    this.#ping = setInterval(() => {
      if (!this.#wrote) this.#send(encoder.encode(": ping\n\n"));
      this.#wrote = false;
    }, this.#options.pingMs);
  }

  #stopPing(): void {
    clearInterval(this.#ping);
    this.#ping = undefined;
  }
}
