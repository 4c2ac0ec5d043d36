// Key paths in a config file: how they are written (`providers.deepseek.base_url`) and on which line. Pure.
import { lineOf } from "./parse.ts";

/** Formats a key path the TOML way: `providers.deepseek.base_url`, `models."*opus*"`. */
export function keyPath(parts: readonly string[]): string {
  return parts.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p))).join(".");
}

/** The line of a nested key, or of the nearest enclosing key or table that has one. */
export function lineOfPath(text: string, parts: readonly string[]): number | undefined {
  for (let end = parts.length; end > 0; end--) {
    const line = lineOf(text, parts.slice(0, end - 1), parts[end - 1]!);
    if (line !== undefined) return line;
    const table = lineOf(text, parts.slice(0, end), "");
    if (table !== undefined) return table;
  }
  return undefined;
}
