// Shared state of one resolveConfig call: problems, notices, and where each value came from. Pure.
import { keyPath } from "./key_path.ts";

/** What resolving collects while it works. */
export interface ResolveContext {
  problems: string[];
  notices: string[];
  /** Output: resolved key path → origin label. */
  origins: Record<string, string>;
  /** Input: file key path → "FILE:LINE". */
  fileOrigins: Readonly<Record<string, string>>;
  /** File key paths the administrator pinned. */
  pinned: ReadonlySet<string>;
  /** The file(s) the config came from, for keys without a line. */
  source: string;
}

/** Where the file key (or table) at `parts` was set ("FILE:LINE"), or the config source. */
export function fileOrigin(context: ResolveContext, parts: readonly string[]): string {
  const key = keyPath(parts);
  const exact = context.fileOrigins[key];
  if (exact !== undefined) return exact;
  const child = Object.keys(context.fileOrigins).find((k) => k.startsWith(`${key}.`));
  return child === undefined ? context.source : context.fileOrigins[child]!;
}

/** Whether the administrator pinned the file key at `parts`. */
export function isPinned(context: ResolveContext, parts: readonly string[]): boolean {
  return context.pinned.has(keyPath(parts));
}

/** Records and returns the first defined candidate, with its origin under `key`. */
export function pick<T>(
  context: ResolveContext,
  key: string,
  candidates: ReadonlyArray<readonly [T | undefined, string]>,
): T | undefined {
  for (const [value, origin] of candidates) {
    if (value !== undefined) {
      context.origins[key] = origin;
      return value;
    }
  }
  return undefined;
}

/** An environment variable's value, with empty or blank treated as unset. */
export function envValue(
  env: Record<string, string | undefined>,
  name: string | undefined,
): string | undefined {
  if (!name) return undefined;
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
