// Where the request log lives when no path is configured: the platform's per-user state or log dir. Pure.
import { posix, win32 } from "node:path";

/** Inputs of {@linkcode defaultLogPath}. */
export interface DefaultLogPathOptions {
  env: Record<string, string | undefined>;
  /** "linux", "darwin", "windows" or another (as `runtime.platform()` returns it). */
  platform: string;
  home: string;
}

/** The log file's name inside the per-user directory. */
const LOG_FILE_NAME = "requests.jsonl";

/**
 * The default request-log path: `$XDG_STATE_HOME/claude-proxy/requests.jsonl` (or
 * `~/.local/state/…`) on Linux and other Unixes, `~/Library/Logs/claude-proxy/requests.jsonl` on
 * macOS, `%LOCALAPPDATA%\claude-proxy\requests.jsonl` on Windows.
 *
 * @example
 * defaultLogPath({ env: {}, platform: "linux", home: "/home/ada" });
 * // "/home/ada/.local/state/claude-proxy/requests.jsonl"
 */
export function defaultLogPath(options: DefaultLogPathOptions): string {
  const { env, platform, home } = options;
  if (platform === "windows") {
    const base = env.LOCALAPPDATA || win32.join(home, "AppData", "Local");
    return win32.join(base, "claude-proxy", LOG_FILE_NAME);
  }
  if (platform === "darwin") {
    return posix.join(home, "Library", "Logs", "claude-proxy", LOG_FILE_NAME);
  }
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const state = env.XDG_STATE_HOME;
  const base = state && posix.isAbsolute(state) ? state : posix.join(home, ".local", "state");
  return posix.join(base, "claude-proxy", LOG_FILE_NAME);
}
