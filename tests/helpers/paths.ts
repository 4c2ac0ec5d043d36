// File-URL helpers for tests (no JSR std here).
import { fileURLToPath } from "node:url";

/** Turns a file URL into a path. */
export function fromFileUrl(url: URL | string): string {
  return fileURLToPath(url);
}
