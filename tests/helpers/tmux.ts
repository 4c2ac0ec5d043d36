// Drives a terminal program in tmux (its own server per session): type keys, read the screen, wait for text.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { decodeOutput } from "./process.ts";

/** Whether tmux is installed (.ci/run installs it from Debian's packages). */
export function hasTmux(): boolean {
  const path = Deno.env.get("PATH") ?? "";
  return path.split(":").some((dir) => dir && existsSync(join(dir, "tmux")));
}

/** Options for {@linkcode startTerminal}. */
export interface TerminalOptions {
  /** The whole environment of the program (nothing is inherited). */
  env: Record<string, string>;
  cwd: string;
  /** Where the tmux socket goes (a test's temporary directory). */
  socketDir: string;
  columns?: number;
  rows?: number;
}

/** A program running in a tmux pane. */
export interface Terminal {
  /** The visible screen as text, one line per row (no-break spaces as spaces). */
  screen(): Promise<string>;
  /** Sends tmux key names (`Enter`, `Down`, `C-c`) or literal text with `{ literal: true }`. */
  send(keys: string[], options?: { literal?: boolean }): Promise<void>;
  /**
   * Polls the screen until `until` returns a value other than undefined, and returns it; throws
   * with the last screen when `timeoutMs` passes.
   */
  waitFor<T>(until: (screen: string) => T | undefined, timeoutMs?: number): Promise<T>;
  /** The program's exit code once it has exited (the pane shows it), else undefined. */
  exitCode(screen: string): number | undefined;
  /** Every screen read so far, for assertions about what never appeared. */
  readonly history: string[];
  close(): Promise<void>;
}

const EXIT_MARK = "[terminal program exited with ";

async function tmux(socket: string, args: string[]): Promise<string> {
  const output = await new Deno.Command("tmux", {
    args: ["-S", socket, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const result = decodeOutput(output);
  if (result.code !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * Starts `command` in a new tmux session of its own server. When the program exits, the pane
 * prints its exit code and stays open until {@linkcode Terminal.close}.
 */
export async function startTerminal(
  command: string[],
  options: TerminalOptions,
): Promise<Terminal> {
  const socket = join(options.socketDir, "tmux.sock");
  const quoted = command.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(" ");
  const environment = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  await new Deno.Command("tmux", {
    args: [
      "-S",
      socket,
      "-f",
      "/dev/null",
      "new-session",
      "-d",
      "-x",
      String(options.columns ?? 200),
      "-y",
      String(options.rows ?? 50),
      "-c",
      options.cwd,
      "env",
      "-i",
      ...environment,
      "sh",
      "-c",
      `${quoted}; echo "${EXIT_MARK}$?]"; exec sleep 3600`,
    ],
    env: { TERM: "xterm-256color", PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).output();
  const history: string[] = [];
  const terminal: Terminal = {
    history,
    async screen() {
      // Claude Code draws some spaces as no-break spaces; tests match plain ones.
      const text = (await tmux(socket, ["capture-pane", "-p", "-J"])).replaceAll("\u00a0", " ");
      history.push(text);
      return text;
    },
    async send(keys, sendOptions = {}) {
      await tmux(socket, ["send-keys", ...(sendOptions.literal ? ["-l"] : []), ...keys]);
    },
    async waitFor(until, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        last = await terminal.screen();
        const found = until(last);
        if (found !== undefined) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`The terminal did not show what was awaited in ${timeoutMs} ms:\n${last}`);
    },
    exitCode(screen) {
      const at = screen.lastIndexOf(EXIT_MARK);
      if (at < 0) return undefined;
      return Number.parseInt(screen.slice(at + EXIT_MARK.length), 10);
    },
    async close() {
      await tmux(socket, ["kill-server"]).catch(() => {});
    },
  };
  return terminal;
}
