// Finds the user's Claude Code for `run` (--claude, CLAUDE_PATH, PATH) and checks that it starts.
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliOptions } from "../cli.ts";
import { ConfigError } from "../errors.ts";

/** The Claude Code versions claude-proxy is tested with: the oldest supported and the newest. */
export const SUPPORTED_CLAUDE_CODE = { oldest: "2.1.197", newest: "2.1.337" } as const;

/** What to do when there is no Claude Code to run. */
const INSTALL_HINT = `install it with "npm install -g @anthropic-ai/claude-code" ` +
  `(Node.js 18 or newer; versions ${SUPPORTED_CLAUDE_CODE.oldest} to ` +
  `${SUPPORTED_CLAUDE_CODE.newest} are tested), or name it with --claude PATH (or CLAUDE_PATH)`;

/** Where to look: the platform and the directory relative names are resolved in. */
export interface FindClaudeOptions {
  platform: string;
  cwd: string;
  /** PATH entries to skip (default: this source tree's own node_modules/.bin folders). */
  skip?: readonly string[];
}

/**
 * The claude binary: `--claude`, then CLAUDE_PATH, then "claude" on PATH, leaving out the
 * node_modules/.bin folders of claude-proxy's own source tree (`deno task` puts them on PATH,
 * and the Claude Code there is the tests' pinned copy, not the user's). Throws ConfigError with
 * what to install when there is none.
 */
export function findClaude(
  cli: Pick<CliOptions, "claudePath">,
  env: Record<string, string | undefined>,
  where: FindClaudeOptions,
): string {
  const named = cli.claudePath ?? (env.CLAUDE_PATH?.trim() || undefined);
  if (named !== undefined) {
    const local = resolve(where.cwd, named);
    const bare = !isAbsolute(named) && !/[\\/]/.test(named);
    const found = (bare ? searchPath(named, env, where) : undefined) ??
      (isExecutable(local, where.platform) ? local : undefined);
    if (found === undefined) {
      const origin = cli.claudePath !== undefined ? "--claude" : "CLAUDE_PATH";
      throw new ConfigError(
        `Cannot run Claude Code "${named}" (from ${origin}): not an executable file; ${INSTALL_HINT}`,
      );
    }
    return found;
  }
  const found = searchPath("claude", env, where);
  if (found === undefined) {
    throw new ConfigError(`Cannot find Claude Code: "claude" is not on PATH; ${INSTALL_HINT}`);
  }
  return found;
}

/** This source tree's node_modules/.bin folders, when claude-proxy runs from source. */
export function ownBinFolders(moduleUrl: string = import.meta.url): string[] {
  if (!moduleUrl.startsWith("file:")) return [];
  const root = dirname(dirname(dirname(fileURLToPath(moduleUrl))));
  return [join(root, "node_modules", ".bin"), join(root, "tests", "node_modules", ".bin")];
}

function searchPath(
  name: string,
  env: Record<string, string | undefined>,
  where: FindClaudeOptions,
): string | undefined {
  const windows = where.platform === "windows";
  const skip = new Set((where.skip ?? ownBinFolders()).map((dir) => trimSeparator(resolve(dir))));
  const dirs = (env.PATH ?? env.Path ?? "").split(windows ? ";" : delimiter);
  const extensions = windows
    ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").map((e) => e.toLowerCase())]
    : [""];
  for (const dir of dirs.filter(Boolean)) {
    if (skip.has(trimSeparator(resolve(where.cwd, dir)))) continue;
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      if (isExecutable(candidate, where.platform)) return candidate;
    }
  }
  return undefined;
}

function trimSeparator(path: string): string {
  return path.length > 1 && path.endsWith(sep) ? path.slice(0, -1) : path;
}

function isExecutable(path: string, platform: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== "windows") accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What `claude --version` said. */
export interface ClaudeVersion {
  /** The version number, when the output has one. */
  version?: string;
}

/**
 * Runs `claude --version` (a few milliseconds) so that a Claude Code that cannot start (an npm
 * install whose install script did not run: "claude native binary not installed") is reported
 * with what to do, instead of a session that ends at once. Throws ConfigError.
 */
export function checkClaudeStarts(
  claude: string,
  env: Record<string, string>,
): Promise<ClaudeVersion> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      claude,
      ["--version"],
      { env, timeout: 15_000, windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) {
          const version = /\b(\d+\.\d+\.\d+)\b/.exec(String(stdout))?.[1];
          resolvePromise(version ? { version } : {});
          return;
        }
        const said = `${stderr}\n${stdout}`.split("\n").map((line) => line.trim())
          .find((line) => line.length > 0);
        const reason = (said ?? (err.killed ? "it did not answer within 15 s" : err.message))
          .replace(/^Error:\s*/, "").replace(/\.$/, "");
        reject(
          new ConfigError(
            `Claude Code "${claude}" does not start: ${reason}; ` +
              `reinstall it with "npm install -g @anthropic-ai/claude-code" (its install script ` +
              `must run: no --ignore-scripts), or name another with --claude PATH`,
            [],
            { cause: err },
          ),
        );
      },
    );
  });
}

/** Whether `version` is older than the oldest tested Claude Code. */
export function isOlderThanSupported(version: string): boolean {
  const parts = (v: string) => v.split(".").map((n) => Number(n));
  const [a, b] = [parts(version), parts(SUPPORTED_CLAUDE_CODE.oldest)];
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}
