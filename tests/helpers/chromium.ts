// Drives a headless Chromium (Debian's /usr/bin/chromium) over the Chrome DevTools Protocol's WebSocket.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Chromium is looked for: CHROMIUM, then the Debian package's path and common names. */
export function findChromium(): string | undefined {
  const named = Deno.env.get("CHROMIUM");
  if (named) return named;
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) =>
    existsSync(p)
  );
}

/** Flags that work in a container without a display or a GPU, with nothing fetched from Google. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--hide-scrollbars",
  "--mute-audio",
  "--remote-debugging-port=0",
];

type Json = Record<string, unknown>;

/** Something the page printed or threw. */
export interface PageProblem {
  kind: "exception" | "console" | "log";
  text: string;
}

/** One tab, driven through its CDP session. */
export interface Page {
  /** Sends a CDP command to the tab. */
  send<T = Json>(method: string, params?: Json): Promise<T>;
  /** Loads `url` and resolves when its load event fired. */
  goto(url: string): Promise<void>;
  /** Runs `expression` in the page (awaiting a promise) and returns its value. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /**
   * Resolves when `selector` matches an element whose text contains `text` (if given), watching
   * the DOM for changes; rejects after `timeoutMs` with what the page shows.
   */
  waitFor(selector: string, options?: { text?: string; timeoutMs?: number }): Promise<string>;
  /** A PNG of the viewport (or the whole page). */
  screenshot(options?: { fullPage?: boolean }): Promise<Uint8Array>;
  /** Errors the page threw and printed (CSP violations among them). */
  problems: PageProblem[];
}

/** A running browser. */
export interface Browser {
  /** Opens a new tab of `width`×`height` CSS pixels. */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile and connects to it. */
export async function launchChromium(executable: string): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "claude-proxy-chromium-"));
  const child = new Deno.Command(executable, {
    args: [...FLAGS, `--user-data-dir=${profile}`, "about:blank"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let endpoint: string;
  try {
    endpoint = await devtoolsEndpoint(child.stderr);
  } catch (error) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const connection = await Connection.open(endpoint);
  return {
    async newPage(options = {}) {
      const { targetId } = await connection.send<{ targetId: string }>("Target.createTarget", {
        url: "about:blank",
      });
      const { sessionId } = await connection.send<{ sessionId: string }>(
        "Target.attachToTarget",
        { targetId, flatten: true },
      );
      return await openPage(connection, sessionId, options);
    },
    async close() {
      await connection.send("Browser.close").catch(() => {});
      connection.close();
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 5000);
      await child.status;
      clearTimeout(timer);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Reads Chromium's stderr until it says where DevTools listens; keeps draining it after. */
async function devtoolsEndpoint(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const lines = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Chromium did not open DevTools in 30 s:\n${seen.slice(-2000)}`)),
      30_000,
    );
  });
  const found = (async () => {
    while (true) {
      const { done, value } = await lines.read();
      if (done) throw new Error(`Chromium exited before DevTools was ready:\n${seen.slice(-2000)}`);
      seen += value;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        // Keep reading so that Chromium never blocks on a full pipe.
        (async () => {
          while (!(await lines.read()).done) { /* drop */ }
        })().catch(() => {});
        return match[1]!;
      }
    }
  })();
  try {
    return await Promise.race([found, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One WebSocket to the browser: commands by id, events to listeners. */
class Connection {
  #socket: WebSocket;
  #next = 1;
  #pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  #listeners = new Set<(message: Json) => void>();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as Json;
      const id = message.id as number | undefined;
      if (id !== undefined && this.#pending.has(id)) {
        const waiter = this.#pending.get(id)!;
        this.#pending.delete(id);
        const error = message.error as { message?: string } | undefined;
        if (error) waiter.reject(new Error(`CDP: ${error.message ?? JSON.stringify(error)}`));
        else waiter.resolve((message.result ?? {}) as Json);
        return;
      }
      for (const listener of this.#listeners) listener(message);
    };
    socket.onclose = () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error("CDP socket closed"));
      this.#pending.clear();
    };
  }

  static open(url: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.onopen = () => resolve(new Connection(socket));
      socket.onerror = () => reject(new Error(`Cannot connect to Chromium at ${url}`));
    });
  }

  send<T = Json>(method: string, params: Json = {}, sessionId?: string): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: Json) => void, reject });
      this.#socket.send(
        JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }),
      );
    });
  }

  listen(listener: (message: Json) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#socket.close();
  }
}

async function openPage(
  connection: Connection,
  sessionId: string,
  options: { width?: number; height?: number },
): Promise<Page> {
  const send = <T = Json>(method: string, params?: Json) =>
    connection.send<T>(method, params, sessionId);
  const problems: PageProblem[] = [];
  const loads: Array<() => void> = [];
  connection.listen((message) => {
    if (message.sessionId !== sessionId) return;
    const params = (message.params ?? {}) as Json;
    switch (message.method) {
      case "Page.loadEventFired":
        for (const resolve of loads.splice(0)) resolve();
        break;
      case "Runtime.exceptionThrown": {
        const details = params.exceptionDetails as Json;
        const exception = details.exception as Json | undefined;
        problems.push({
          kind: "exception",
          text: String(exception?.description ?? details.text),
        });
        break;
      }
      case "Runtime.consoleAPICalled":
        if (params.type === "error" || params.type === "warning") {
          const args = (params.args as Json[]).map((a) => a.value ?? a.description);
          problems.push({ kind: "console", text: args.join(" ") });
        }
        break;
      case "Log.entryAdded": {
        const entry = params.entry as Json;
        if (entry.level === "error" || entry.level === "warning") {
          problems.push({ kind: "log", text: `${entry.source}: ${entry.text} ${entry.url ?? ""}` });
        }
        break;
      }
    }
  });
  await send("Page.enable");
  await send("Runtime.enable");
  await send("Log.enable");
  await send("Emulation.setDeviceMetricsOverride", {
    width: options.width ?? 1440,
    height: options.height ?? 1000,
    deviceScaleFactor: 1,
    mobile: false,
  });
  const evaluate = async <T>(expression: string): Promise<T> => {
    const result = await send<{ result: Json; exceptionDetails?: Json }>("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (result.exceptionDetails) {
      const exception = result.exceptionDetails.exception as Json | undefined;
      throw new Error(`In the page: ${exception?.description ?? result.exceptionDetails.text}`);
    }
    return result.result.value as T;
  };
  return {
    send,
    problems,
    async goto(url) {
      const loaded = new Promise<void>((resolve) => loads.push(resolve));
      const result = await send<{ errorText?: string }>("Page.navigate", { url });
      if (result.errorText) throw new Error(`Cannot load ${url}: ${result.errorText}`);
      await loaded;
    },
    evaluate,
    async waitFor(selector, { text, timeoutMs = 20_000 } = {}) {
      const script = `new Promise((resolve) => {
        const selector = ${JSON.stringify(selector)};
        const text = ${JSON.stringify(text ?? null)};
        const find = () => [...document.querySelectorAll(selector)]
          .find((el) => text === null || el.textContent.includes(text));
        const done = (el) => { observer.disconnect(); clearTimeout(timer); resolve(el ? el.textContent : null); };
        const observer = new MutationObserver(() => { const el = find(); if (el) done(el); });
        const timer = setTimeout(() => done(null), ${timeoutMs});
        observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        const el = find();
        if (el) done(el);
      })`;
      const found = await evaluate<string | null>(script);
      if (found === null) {
        const shown = await evaluate<string>("document.body.innerText.slice(0, 3000)");
        throw new Error(
          `The page never showed ${selector}${text ? ` with "${text}"` : ""} in ${timeoutMs} ms; ` +
            `it shows:\n${shown}\nproblems: ${JSON.stringify(problems)}`,
        );
      }
      return found;
    },
    async screenshot({ fullPage = false } = {}) {
      const { data } = await send<{ data: string }>("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: fullPage,
      });
      return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    },
  };
}
