// The runtime adapter: the one file that names Deno or Bun (serve, signals, env, args, exit, files).

/** A running HTTP server. */
export interface Server {
  /** The port actually bound (useful with port 0). */
  port: number;
  hostname: string;
  /** Stops accepting connections and waits for in-flight requests to finish. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

/** Options for {@linkcode serve}. */
export interface ServeOptions {
  hostname: string;
  port: number;
  signal?: AbortSignal;
  onListen?: (address: { hostname: string; port: number }) => void;
}

type Handler = (request: Request) => Response | Promise<Response>;

interface BunServer {
  port: number;
  hostname: string;
  stop(closeActiveConnections?: boolean): Promise<void>;
}
interface BunGlobal {
  serve(options: {
    hostname: string;
    port: number;
    fetch: Handler;
    idleTimeout?: number;
  }): BunServer;
  argv: string[];
  env: Record<string, string | undefined>;
}

// deno-lint-ignore no-explicit-any
const bun: BunGlobal | undefined = (globalThis as any).Bun;

/** The name of the runtime running this code. */
export const RUNTIME_NAME: "deno" | "bun" = bun ? "bun" : "deno";

/**
 * Whether this runtime's fetch sends a request again by itself when a reused keep-alive connection
 * is reset: Deno's does, for a body it can replay, even after the server read it; Bun's does not
 * (tests/binary checks it on the Bun build).
 */
export const FETCH_RESENDS_ON_RESET: boolean = !bun;

/** Serves `handler` over HTTP on `hostname:port`. */
export function serve(handler: Handler, options: ServeOptions): Server {
  if (bun) {
    // idleTimeout 0: streams may stay silent longer than Bun's 10 s default; pings keep them alive.
    const server = bun.serve({
      hostname: options.hostname,
      port: options.port,
      fetch: handler,
      idleTimeout: 0,
    });
    let resolveFinished!: () => void;
    const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
    const shutdown = async () => {
      await server.stop(false);
      resolveFinished();
    };
    options.signal?.addEventListener("abort", () => void shutdown(), { once: true });
    options.onListen?.({ hostname: server.hostname, port: server.port });
    return { port: server.port, hostname: server.hostname, shutdown, finished };
  }
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    ...(options.signal ? { signal: options.signal } : {}),
    onListen: (address) => options.onListen?.({ hostname: address.hostname, port: address.port }),
  }, handler);
  const address = server.addr as Deno.NetAddr;
  return {
    port: address.port,
    hostname: address.hostname,
    shutdown: () => server.shutdown(),
    finished: server.finished,
  };
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
