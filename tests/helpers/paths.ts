// File-URL and temporary-directory helpers for tests (no JSR std here).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Turns a file URL into a path. */
export function fromFileUrl(url: URL | string): string {
  return fileURLToPath(url);
}

/** Runs `fn` with a new temporary directory (named with `prefix`), removed afterwards. */
export async function withTempDir(
  prefix: string,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
