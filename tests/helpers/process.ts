// Child processes in tests: claude-proxy started until it listens, output read as it comes, and run results decoded.
import { fromFileUrl } from "./paths.ts";

/** The exit code and the decoded output of a process run to completion. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Decodes a finished `Deno.Command`'s piped output as UTF-8 text. */
export function decodeOutput(output: Deno.CommandOutput): CommandResult {
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** A way to start claude-proxy: the program and the arguments before the user's. */
export interface ProxyCommand {
  /** Shown in test names, e.g. "binary dist/claude-proxy-linux-x64". */
  label: string;
  program: string;
  args: string[];
  /** Extra environment the program itself needs (never proxy settings). */
  env: Record<string, string>;
}

const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));

/** Options for {@linkcode mainCommand}. */
export interface MainCommandOptions {
  /** Flags for `deno run` before main.ts, e.g. `--v8-flags=…` (not used for a binary). */
  denoFlags?: string[];
}

/** `deno run -A main.ts`, or the program named by `CLAUDE_PROXY_BIN` when that is set. */
export function mainCommand(options: MainCommandOptions = {}): ProxyCommand {
  const bin = Deno.env.get("CLAUDE_PROXY_BIN");
  if (bin) return { label: `binary ${bin}`, program: bin, args: [], env: {} };
  return {
    label: "deno run -A main.ts",
    program: Deno.execPath(),
    args: ["run", "-A", ...(options.denoFlags ?? []), MAIN],
    env: {},
  };
}

/** Text read from a child's pipe as it arrives, with waits for patterns. */
export class OutputLog {
  #text = "";
  #waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  #ended = false;
  #onEnd: Array<() => void> = [];
  /** Resolves when the pipe has closed. */
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = this.#read(stream);
  }

  /** Everything read so far. */
  get text(): string {
    return this.#text;
  }

  /** Resolves with the first match of `pattern`; rejects if the pipe closes without one. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const found = this.#text.match(pattern);
    if (found) return Promise.resolve(found);
    if (this.#ended) return Promise.reject(this.#missing(pattern));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pattern, resolve });
      this.#onEnd.push(() => reject(this.#missing(pattern)));
    });
  }

  #missing(pattern: RegExp): Error {
    return new Error(`Output ended without ${pattern}; it was:\n${this.#text}`);
  }

  async #read(stream: ReadableStream<Uint8Array>): Promise<void> {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      this.#text += chunk;
      for (const waiter of [...this.#waiters]) {
        const found = this.#text.match(waiter.pattern);
        if (found) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(found);
        }
      }
    }
    this.#ended = true;
    for (const reject of this.#onEnd) reject();
  }
}

/** Options for {@linkcode startProxyProcess}. */
export interface StartProxyOptions {
  /** The user's arguments, e.g. `["-c", config, "-p", "0"]`. */
  args: string[];
  /**
   * A throwaway home to run in: its directory is the working directory and its environment the
   * only one. Without it the process inherits this one's environment and working directory.
   */
  home?: { dir: string; env: Record<string, string> };
  /** More environment for the process (after the home's or the inherited one). */
  env?: Record<string, string>;
}

/** A claude-proxy server running in a child process. */
export interface RunningProxy {
  /** The base URL from the start banner, e.g. "http://127.0.0.1:41234". */
  url: string;
  process: Deno.ChildProcess;
  stdout: OutputLog;
  stderr: OutputLog;
  /** Resolves with the exit code once the process and its pipes have closed; sends nothing. */
  exited(): Promise<number>;
  /** Sends `signal` and resolves with the exit code once the process and its pipes have closed. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/**
 * Starts claude-proxy with `options.args` and waits for the "listening on" banner; kills the
 * process and rejects with its stderr if it exits first.
 */
export async function startProxyProcess(
  command: ProxyCommand,
  options: StartProxyOptions,
): Promise<RunningProxy> {
  const { home } = options;
  const child = new Deno.Command(command.program, {
    args: [...command.args, ...options.args],
    ...(home ? { cwd: home.dir, clearEnv: true } : {}),
    env: { ...(home?.env ?? { NO_COLOR: "1" }), ...command.env, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new OutputLog(child.stdout);
  const stderr = new OutputLog(child.stderr);
  let exited: Promise<number> | undefined;
  const waitForExit = () => {
    exited ??= (async () => {
      const { code } = await child.status;
      await Promise.all([stdout.done, stderr.done]);
      return code;
    })();
    return exited;
  };
  const stop = (signal: Deno.Signal = "SIGTERM") => {
    try {
      child.kill(signal);
    } catch {
      // already exited
    }
    return waitForExit();
  };
  try {
    const [, url] = await Promise.race([
      stdout.waitFor(/listening on (http:\/\/\S+)/),
      child.status.then(({ code }) => {
        throw new Error(`claude-proxy exited with ${code} before listening:\n${stderr.text}`);
      }),
    ]);
    return { url: url!, process: child, stdout, stderr, exited: waitForExit, stop };
  } catch (err) {
    await stop("SIGKILL");
    throw err;
  }
}
