// The runtime adapter: the one file that names Deno or Bun (serve, signals, env, args, exit, files).
import { readdirSync, readFileSync } from "node:fs";

/** A running HTTP server. */
export interface Server {
  /** The port actually bound (useful with port 0). */
  port: number;
  hostname: string;
  /** Stops accepting connections, closes idle ones and waits for requests in flight to finish. */
  shutdown(): Promise<void>;
  /** Closes every connection at once, requests in flight included. */
  close(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

/** Options for {@linkcode serve}. */
export interface ServeOptions {
  hostname: string;
  port: number;
  /** Aborting it shuts the server down as {@linkcode Server.shutdown} does. */
  signal?: AbortSignal;
  onListen?: (address: { hostname: string; port: number }) => void;
  /** How long a new connection may take to send its request headers (Bun: its own, about 10 s). */
  headerTimeoutMs?: number;
  /** How long a connection may stay open with no request in flight. */
  keepAliveTimeoutMs?: number;
  /** Hears, once per episode, that the server cannot take new connections, and why. */
  onWarning?: (message: string) => void;
}

/** A new connection gets this long to send its request headers. */
const HEADER_TIMEOUT_MS = 10_000;
/** A connection with no request in flight is closed after this long. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
/** A warning about the same trouble is repeated only after this long without it. */
const WARNING_QUIET_MS = 60_000;

type Handler = (request: Request) => Response | Promise<Response>;

interface BunServer {
  port: number;
  hostname: string;
  stop(closeActiveConnections?: boolean): Promise<void>;
  timeout(request: Request, seconds: number): void;
}
interface BunGlobal {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request, server: BunServer) => Response | Promise<Response>;
    idleTimeout?: number;
  }): BunServer;
  argv: string[];
  env: Record<string, string | undefined>;
}

// deno-lint-ignore no-explicit-any
const bun: BunGlobal | undefined = (globalThis as any).Bun;

/**
 * Whether this runtime's fetch sends a request again by itself when a reused keep-alive connection
 * is reset: Deno's does, for a body it can replay, even after the server read it; Bun's does not
 * (tests/binary checks it on the Bun build).
 */
export const FETCH_RESENDS_ON_RESET: boolean = !bun;

/**
 * Serves `handler` over HTTP on `hostname:port`. A connection that sends no request headers in
 * time, or stays idle between requests too long, is closed; running out of file descriptors keeps
 * the open connections served and is reported once through `onWarning`.
 */
export function serve(handler: Handler, options: ServeOptions): Server {
  const server = bun ? serveBun(bun, handler, options) : serveDeno(handler, options);
  options.signal?.addEventListener("abort", () => void server.shutdown(), { once: true });
  return server;
}

/** Bun.serve: its idle timeout bounds idle keep-alive connections, and not requests in flight. */
function serveBun(bun: BunGlobal, handler: Handler, options: ServeOptions): Server {
  const keepAlive = Math.max(1, Math.min(255, Math.round(timeoutOf(options, "keepAlive") / 1000)));
  const server = bun.serve({
    hostname: options.hostname,
    port: options.port,
    idleTimeout: keepAlive,
    fetch: async (request, bunServer) => {
      // A request in flight may wait minutes for the provider: no idle timeout until it is answered.
      bunServer.timeout(request, 0);
      const response = await handler(request);
      const idleAgain = () => bunServer.timeout(request, keepAlive);
      if (response.body === null) {
        idleAgain();
        return response;
      }
      const body = response.body.pipeThrough(new TransformStream({ flush: idleAgain }));
      return new Response(body, response);
    },
  });
  const stopWatching = watchDescriptors(warner(options));
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  const stop = async (force: boolean) => {
    stopWatching();
    await server.stop(force);
    resolveFinished();
  };
  options.onListen?.({ hostname: server.hostname, port: server.port });
  return {
    port: server.port,
    hostname: server.hostname,
    shutdown: () => stop(false),
    close: () => stop(true),
    finished,
  };
}

/** Warns when the process has (nearly) no file descriptor left; Bun does not say so itself. */
function watchDescriptors(warn: (message: string) => void): () => void {
  const limit = descriptorLimit();
  if (limit === undefined) return () => {};
  const timer = setInterval(() => {
    const open = openDescriptors();
    if (open !== undefined && open >= limit - 2) {
      warn(
        `Out of file descriptors (limit ${limit}): the open connections are still ` +
          "served, new ones wait until some close; raise the limit (ulimit -n) or close idle clients",
      );
    }
  }, 1000);
  // deno-lint-ignore no-explicit-any
  (timer as any).unref?.();
  return () => clearInterval(timer);
}

/** The soft limit on open files from /proc/self/limits (Linux), if readable. */
function descriptorLimit(): number | undefined {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const limit = Number(limits.match(/^Max open files\s+(\d+)/m)?.[1]);
    return Number.isFinite(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}

/** How many descriptors are open (Linux); Infinity when not one is left to count them with. */
function openDescriptors(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch (error) {
    return isOutOfDescriptors(error) ? Infinity : undefined;
  }
}

/** `options.onWarning`, once per episode: repeats only after a quiet minute. */
function warner(options: ServeOptions): (message: string) => void {
  let last = -Infinity;
  return (message) => {
    const now = Date.now();
    if (now - last > WARNING_QUIET_MS) options.onWarning?.(message);
    last = now;
  };
}

function timeoutOf(options: ServeOptions, kind: "header" | "keepAlive"): number {
  const value = kind === "header" ? options.headerTimeoutMs : options.keepAliveTimeoutMs;
  return value ?? (kind === "header" ? HEADER_TIMEOUT_MS : KEEP_ALIVE_TIMEOUT_MS);
}

/** Deno's per-connection server, which Deno.serve runs for each accepted connection. */
type ServeConnection = (
  conn: Deno.Conn,
  signal: AbortSignal,
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
  onError: (error: unknown) => Response,
  onListen: () => void,
) => { finished: Promise<void>; shutdown(): Promise<void> };

/**
 * Deno.serve has no header or keep-alive timeout and stops listening for good when an accept
 * fails, so the proxy runs the accept loop itself and hands each connection to the server Deno.serve
 * uses for one (not public API: without it, plain Deno.serve, with neither timeout).
 */
function serveDeno(handler: Handler, options: ServeOptions): Server {
  // deno-lint-ignore no-explicit-any
  const internals = (Deno as any)[(Deno as any).internal];
  const serveConnection = internals?.serveHttpOnConnection as ServeConnection | undefined;
  if (typeof serveConnection !== "function") return serveDenoPlain(handler, options);
  return new DenoServer(serveConnection, handler, options).start();
}

function serveDenoPlain(handler: Handler, options: ServeOptions): Server {
  const abort = new AbortController();
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    signal: abort.signal,
    onListen: (address) => options.onListen?.({ hostname: address.hostname, port: address.port }),
  }, handler);
  const address = server.addr as Deno.NetAddr;
  const finished = server.finished.catch((error) => {
    options.onWarning?.(`The server stopped accepting connections: ${errorText(error)}`);
  });
  return {
    port: address.port,
    hostname: address.hostname,
    shutdown: () => server.shutdown(),
    close: async () => {
      abort.abort();
      await finished;
    },
    finished,
  };
}

interface DenoConnection {
  abort: AbortController;
  server: { finished: Promise<void>; shutdown(): Promise<void> };
}

class DenoServer {
  #serveConnection: ServeConnection;
  #handler: Handler;
  #options: ServeOptions;
  #warn: (message: string) => void;
  #listener!: Deno.TcpListener;
  #connections = new Set<DenoConnection>();
  #stopping = false;
  #finished = Promise.withResolvers<void>();
  #loop: Promise<void> = Promise.resolve();

  constructor(serveConnection: ServeConnection, handler: Handler, options: ServeOptions) {
    this.#serveConnection = serveConnection;
    this.#handler = handler;
    this.#options = options;
    this.#warn = warner(options);
  }

  start(): Server {
    this.#listener = Deno.listen({ hostname: this.#options.hostname, port: this.#options.port });
    const { hostname, port } = this.#listener.addr;
    this.#options.onListen?.({ hostname, port });
    this.#loop = this.#acceptLoop(port);
    return {
      port,
      hostname,
      shutdown: () => this.#stop(false),
      close: () => this.#stop(true),
      finished: this.#finished.promise,
    };
  }

  async #acceptLoop(port: number): Promise<void> {
    while (!this.#stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#stopping) return;
        await this.#acceptFailed(error, port);
        continue;
      }
      this.#serve(conn);
    }
  }

  /** Out of descriptors: stop listening (new connections are refused) until one can be opened. */
  async #acceptFailed(error: unknown, port: number): Promise<void> {
    if (!isOutOfDescriptors(error)) {
      this.#warn(`Cannot accept a connection: ${errorText(error)}`);
      return await delay(100);
    }
    this.#warn(
      "Out of file descriptors: the open connections are still served, new ones are refused " +
        "until some close; raise the limit (ulimit -n) or close idle clients",
    );
    this.#listener.close();
    while (!this.#stopping) {
      await delay(250);
      if (this.#stopping) return;
      try {
        this.#listener = Deno.listen({ hostname: this.#options.hostname, port });
        return;
      } catch (error) {
        if (!isOutOfDescriptors(error)) this.#warn(`Cannot listen again: ${errorText(error)}`);
      }
    }
  }

  #serve(conn: Deno.TcpConn): void {
    try {
      conn.setNoDelay(true);
    } catch {
      // closed already
    }
    const abort = new AbortController();
    let inFlight = 0;
    let timer = setTimeout(() => abort.abort(), timeoutOf(this.#options, "header"));
    const idle = () => {
      if (--inFlight > 0 || this.#stopping) return;
      timer = setTimeout(() => abort.abort(), timeoutOf(this.#options, "keepAlive"));
    };
    const server = this.#serveConnection(
      conn,
      abort.signal,
      (request, info) => {
        inFlight++;
        clearTimeout(timer);
        info.completed.then(idle, idle);
        return this.#handler(request);
      },
      internalError,
      () => {},
    );
    const connection = { abort, server };
    this.#connections.add(connection);
    server.finished.catch(() => {}).finally(() => {
      clearTimeout(timer);
      this.#connections.delete(connection);
      this.#settle();
    });
  }

  async #stop(force: boolean): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#listener.close();
    }
    const connections = [...this.#connections];
    if (force) connections.forEach((c) => c.abort.abort());
    else await Promise.all(connections.map((c) => c.server.shutdown().catch(() => {})));
    await this.#loop;
    this.#settle();
    await this.#finished.promise;
  }

  #settle(): void {
    if (this.#stopping && this.#connections.size === 0) this.#finished.resolve();
  }
}

function internalError(error: unknown): Response {
  writeStderr(`claude-proxy: internal error while answering a request: ${errorText(error)}\n`);
  return new Response("Internal Server Error", { status: 500 });
}

function isOutOfDescriptors(error: unknown): boolean {
  return /Too many open files|os error 2[34]\b|EMFILE|ENFILE/.test(errorText(error));
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * How to start this program again: the binary alone when compiled, else the runtime with this
 * script (`deno run -A --config …/deno.json …/main.ts`, `bun …/main.ts`).
 */
export function selfCommand(): string[] {
  if (bun) {
    // deno-lint-ignore no-explicit-any
    const execPath: string = (globalThis as any).process.execPath;
    const script = bun.argv[1] ?? "";
    const compiled = script.startsWith("/$bunfs/") || script.startsWith("B:/~BUN/") || !script;
    return compiled ? [execPath] : [execPath, script];
  }
  const execPath = Deno.execPath();
  if (!/^deno(\.exe)?$/.test(execPath.split(/[\\/]/).at(-1) ?? "")) return [execPath];
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:") return [execPath, "run", "-A", Deno.mainModule];
  const script = decodeURIComponent(main.pathname);
  const config = decodeURIComponent(new URL("deno.json", main).pathname);
  return [execPath, "run", "-A", "--quiet", `--config=${config}`, script];
}

/** The command-line arguments after the program (and script) name. */
export function args(): string[] {
  return bun ? bun.argv.slice(2) : [...Deno.args];
}

/** A snapshot of the environment. */
export function env(): Record<string, string> {
  if (bun) {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(bun.env)) if (value !== undefined) out[key] = value;
    return out;
  }
  return Deno.env.toObject();
}

/** Calls `listener` on SIGINT or SIGTERM; returns a function that removes it. */
export function onShutdownSignal(listener: (signal: "SIGINT" | "SIGTERM") => void): () => void {
  const signals = ["SIGINT", "SIGTERM"] as const;
  if (bun) {
    // deno-lint-ignore no-explicit-any
    const proc = (globalThis as any).process;
    const handlers = signals.map((s) => [s, () => listener(s)] as const);
    for (const [s, h] of handlers) proc.on(s, h);
    return () => handlers.forEach(([s, h]) => proc.off(s, h));
  }
  const handlers = signals.filter((s) => Deno.build.os !== "windows" || s === "SIGINT").map(
    (s) => [s, () => listener(s)] as const,
  );
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  return () => handlers.forEach(([s, h]) => Deno.removeSignalListener(s, h));
}

/**
 * The last resort: an unhandled promise rejection or an uncaught error no longer ends the process.
 * `report` hears each distinct one once, as one line with its kind and where it was thrown; returns
 * a function that removes the handlers.
 */
export function installLastResort(report: (line: string) => void): () => void {
  const seen = new Set<string>();
  const handle = (kind: string, error: unknown) => {
    const text = errorText(error);
    if (seen.has(text) || seen.size >= 100) return;
    seen.add(text);
    const frame = error instanceof Error
      ? error.stack?.split("\n").find((l) => /^\s+at /.test(l))
      : "";
    const where = frame ? ` (${frame.trim()})` : "";
    report(
      `claude-proxy: ${kind} (a bug; the proxy keeps running, please report it): ${text}${where}`,
    );
  };
  if (bun) {
    // deno-lint-ignore no-explicit-any
    const proc = (globalThis as any).process;
    const onRejection = (reason: unknown) => handle("unhandled promise rejection", reason);
    const onException = (error: unknown) => handle("uncaught error", error);
    proc.on("unhandledRejection", onRejection);
    proc.on("uncaughtException", onException);
    return () => {
      proc.off("unhandledRejection", onRejection);
      proc.off("uncaughtException", onException);
    };
  }
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    handle("unhandled promise rejection", event.reason);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    handle("uncaught error", event.error ?? event.message);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  return () => {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  };
}

/** Ends the process with `code`. Only main.ts calls this. */
export function exit(code: number): never {
  if (bun) {
    // deno-lint-ignore no-explicit-any
    (globalThis as any).process.exit(code);
  }
  Deno.exit(code);
}

/** The operating system: "linux", "darwin", "windows" or another. */
export function platform(): string {
  if (bun) {
    // deno-lint-ignore no-explicit-any
    const p = (globalThis as any).process.platform as string;
    return p === "win32" ? "windows" : p;
  }
  return Deno.build.os;
}

/** Whether stdout is a terminal. */
export function stdoutIsTerminal(): boolean {
  if (bun) {
    // deno-lint-ignore no-explicit-any
    return Boolean((globalThis as any).process.stdout.isTTY);
  }
  return Deno.stdout.isTerminal();
}

/** The current working directory. */
export function cwd(): string {
  if (bun) {
    // deno-lint-ignore no-explicit-any
    return (globalThis as any).process.cwd();
  }
  return Deno.cwd();
}

/** Writes text to stderr. */
export function writeStderr(text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bun) {
    // deno-lint-ignore no-explicit-any
    (globalThis as any).process.stderr.write(bytes);
    return;
  }
  Deno.stderr.writeSync(bytes);
}
