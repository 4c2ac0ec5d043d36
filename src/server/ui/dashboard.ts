// The dashboard's state: fed by a request observer and, once at start, by the request log; read by /ui.
import type { Config } from "../../config/schema.ts";
import { logRecords } from "../../log/log_records.ts";
import type { RequestLogRecord } from "../../log/record.ts";
import { redactRecord } from "../../log/redact.ts";
import { VERSION } from "../../version.ts";
import { configSecrets, type RequestObserver } from "../deps.ts";
import { type ChartPoints, chartPoints } from "./chart_points.ts";
import { type ConfigView, configView } from "./config_view.ts";
import type { SessionTotals } from "../../log/session_totals.ts";
import { RecentRequests, type RequestEntry } from "./recent_requests.ts";
import { sseEvent, UiEventHub } from "./ui_events.ts";

/** Options for {@linkcode Dashboard}. */
export interface DashboardOptions {
  config: Config;
  /** The request log: read once by {@linkcode Dashboard.load}, and searched for older bodies. */
  logPath?: string;
  /** How many finished requests are kept (default 10 000, the log's default). */
  capacity?: number;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** Logged bodies of a request. */
export type Bodies = NonNullable<RequestLogRecord["bodies"]>;

/** What a page gets first: everything to draw, then live events. */
export interface DashboardSnapshot {
  version: string;
  /** When the proxy started and the time now (ISO). */
  started: string;
  now: string;
  /** Whether the log is still being read (another snapshot follows when it is done). */
  loading: boolean;
  /** Whether `[log] bodies` is on. */
  bodies: boolean;
  capacity: number;
  inflight: RequestLogRecord[];
  /** The newest finished requests, newest first. */
  recent: RequestEntry[];
  points: ChartPoints;
  sessions: SessionTotals[];
  config: ConfigView;
}

/** How many of the newest requests keep their bodies in memory (older ones are read from the log). */
const BODIES_KEPT = 50;
/** How many finished requests the snapshot lists (older ones come a page at a time). */
const SNAPSHOT_RECENT = 100;
const SNAPSHOT_SESSIONS = 50;

/**
 * The live dashboard behind `/ui`. Its {@linkcode observer} keeps requests in memory and queues
 * events for open pages; nothing in it waits or serialises on the request path.
 *
 * @example
 * const dashboard = new Dashboard({ config, logPath });
 * const app = createApp({ ...deps, observers: [dashboard.observer], dashboard });
 * void dashboard.load(); // reads the log once, in the background
 */
export class Dashboard {
  readonly config: Config;
  readonly recent: RecentRequests;
  readonly events: UiEventHub;
  /** The observer to put in `AppDeps.observers`. */
  readonly observer: RequestObserver;
  #logPath: string | undefined;
  #bodies = new Map<string, Bodies>();
  #secrets: readonly string[];
  #now: () => number;
  #started: number;
  #loading: Promise<void> | undefined;
  #loaded = false;

  constructor(options: DashboardOptions) {
    this.config = options.config;
    this.#logPath = options.logPath;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#secrets = configSecrets(options.config);
    this.recent = new RecentRequests(options.capacity);
    this.events = new UiEventHub({ redact: (value) => this.redact(value) });
    this.observer = {
      started: (record) => {
        this.recent.started(record);
        this.events.started(record);
      },
      finished: (record) => {
        const entry = this.recent.finished(record);
        if (record.bodies !== undefined && entry.has_bodies) {
          this.#keepBodies(record.id, record.bodies);
        }
        this.events.finished(entry);
      },
    };
  }

  /** Reads the request log once (later calls share the first); open pages get a new snapshot. */
  load(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async #load(): Promise<void> {
    const path = this.#logPath;
    if (path !== undefined) {
      try {
        await this.recent.load(logRecords(path));
      } catch (error) {
        if ((error as { code?: unknown }).code !== "ENOENT") throw error;
      }
    }
    this.#loaded = true;
    if (this.events.listeners > 0) this.events.broadcast("snapshot", this.snapshot());
  }

  /** Everything a page draws first. */
  snapshot(): DashboardSnapshot {
    return {
      version: VERSION,
      started: new Date(this.#started).toISOString(),
      now: new Date(this.#now()).toISOString(),
      loading: !this.#loaded,
      bodies: this.config.log.bodies,
      capacity: this.recent.capacity,
      inflight: this.recent.inflight().map((record) => this.redact(record)),
      recent: this.recent.entries({ limit: SNAPSHOT_RECENT }).map((entry) => this.redact(entry)),
      points: chartPoints(this.recent.all()),
      sessions: this.recent.sessions(SNAPSHOT_SESSIONS),
      config: configView(this.config, this.#secrets),
    };
  }

  /** The event stream of one page: the snapshot, then live events. */
  stream(signal: AbortSignal): ReadableStream<Uint8Array> {
    return this.events.subscribe(() => sseEvent("snapshot", this.snapshot()), signal);
  }

  /** The logged bodies of request `id`: kept in memory for the newest, else found in the log. */
  async bodies(id: string): Promise<Bodies | undefined> {
    const kept = this.#bodies.get(id);
    if (kept) return kept;
    if (this.#logPath === undefined) return undefined;
    try {
      for await (const record of logRecords(this.#logPath, { containing: `"id":"${id}"` })) {
        if (record.id === id) return record.bodies;
      }
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") throw error;
    }
    return undefined;
  }

  /** `value` with every secret the config knows (and every key shape) replaced. */
  redact<T extends object>(value: T): T {
    return redactRecord(value as unknown as RequestLogRecord, this.#secrets) as unknown as T;
  }

  /** Ends the open pages' streams, so that the server can shut down. */
  close(): void {
    this.events.close();
  }

  #keepBodies(id: string, bodies: Bodies): void {
    this.#bodies.set(id, bodies);
    if (this.#bodies.size > BODIES_KEPT) this.#bodies.delete(this.#bodies.keys().next().value!);
  }
}
