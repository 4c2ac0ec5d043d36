// An exclusive lock between processes: a lock file created with O_EXCL, broken when its holder is gone.
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import process from "node:process";

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** A lock older than this is taken to be stuck and is broken. Defaults to 30 s. */
  staleMs?: number;
  /** The first wait before trying again while another process holds the lock. Defaults to 1 ms. */
  retryMs?: number;
  /** Whether process `pid` still runs; defaults to a signal-0 probe (ESRCH: gone). */
  isAlive?: (pid: number) => boolean;
}

const DEFAULT_STALE_MS = 30_000;
const DEFAULT_RETRY_MS = 1;
/** The wait doubles while the lock stays busy, up to this (a batch holds it for about 1 ms). */
const MAX_RETRY_MS = 8;

/**
 * Runs `fn` while holding the lock file `path`: created exclusively (so one process at a time),
 * holding `<pid> <token>`, removed after. A lock whose process has ended (killed while holding it)
 * or that is older than `staleMs` is broken: renamed away, then the next try creates a fresh one.
 *
 * @example
 * await withFileLock("/tmp/requests.jsonl.lock", () => appendBatch());
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const token = `${process.pid} ${crypto.randomUUID()}\n`;
  let waitMs = options.retryMs ?? DEFAULT_RETRY_MS;
  while (!(await tryCreate(path, token))) {
    if (!(await breakIfStale(path, options))) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, MAX_RETRY_MS);
    }
  }
  try {
    return await fn();
  } finally {
    await release(path, token);
  }
}

/** Creates the lock file holding `token`; false when it exists already. */
async function tryCreate(path: string, token: string): Promise<boolean> {
  try {
    await writeFile(path, token, { flag: "wx" });
    return true;
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    throw error;
  }
}

/** Breaks the lock when its holder is gone or it is too old; true when it was broken (or gone). */
async function breakIfStale(path: string, options: FileLockOptions): Promise<boolean> {
  let content: string;
  let age: number;
  try {
    content = await readFile(path, "utf8");
    age = Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if (codeOf(error) === "ENOENT") return true; // released meanwhile: try again at once
    throw error;
  }
  const pid = Number(content.split(" ")[0]);
  // An empty file is a lock being written right now (or a holder killed before writing it).
  const gone = Number.isInteger(pid) && pid > 0 && !(options.isAlive ?? isAlive)(pid);
  if (!gone && age < (options.staleMs ?? DEFAULT_STALE_MS)) return false;
  // Rename, not remove: of two processes breaking the same stale lock, one moves it away and the
  // other finds it gone, instead of removing the fresh lock the first one just created.
  const aside = `${path}.${crypto.randomUUID()}.stale`;
  try {
    if ((await readFile(path, "utf8")) !== content) return false; // a new holder took it
    await rename(path, aside);
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw error;
  }
  await rm(aside, { force: true });
  return true;
}

/** Removes the lock if it is still ours (a lock broken as stale may now be someone else's). */
async function release(path: string, token: string): Promise<void> {
  try {
    if ((await readFile(path, "utf8")) === token) await rm(path, { force: true });
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw error;
  }
}

/** Whether process `pid` runs: only "no such process" (ESRCH) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) !== "ESRCH";
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
