// Reads API keys from the text of OpenCode's auth.json; skips what it cannot use, never fails. Pure.

/** The usable keys of OpenCode's auth.json, by OpenCode provider id, and notices about the rest. */
export interface OpenCodeAuth {
  /** Where the entries came from (for messages). */
  path: string;
  /** `api` entries: OpenCode provider id (e.g. "deepseek", "google") → key. */
  keys: Record<string, string>;
  /** One line per entry skipped, or about the file itself. */
  notices: string[];
}

/**
 * Parses the text of OpenCode's auth.json. Only `{ "type": "api", "key": "…" }` entries are
 * used; oauth, wellknown and malformed entries are skipped one by one with a notice.
 *
 * @example
 * parseOpenCodeAuth('{"deepseek":{"type":"api","key":"sk-1"}}', "auth.json").keys;
 * // { deepseek: "sk-1" }
 */
export function parseOpenCodeAuth(text: string, path: string): OpenCodeAuth {
  const out: OpenCodeAuth = { path, keys: {}, notices: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    out.notices.push(`Ignoring OpenCode credentials "${path}": ${(err as Error).message}`);
    return out;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    out.notices.push(`Ignoring OpenCode credentials "${path}": not a JSON object`);
    return out;
  }
  for (const [id, entry] of Object.entries(data)) {
    const type = typeof entry === "object" && entry !== null
      ? (entry as { type?: unknown }).type
      : undefined;
    const key = typeof entry === "object" && entry !== null
      ? (entry as { key?: unknown }).key
      : undefined;
    if (type === "api" && typeof key === "string" && key.trim() !== "") {
      out.keys[id] = key.replace(/[\r\n]/g, "").trim();
    } else if (type === "oauth" || type === "wellknown") {
      out.notices.push(
        `Skipping OpenCode credential "${id}" in "${path}": ${type} sign-in is not supported, only API keys`,
      );
    } else if (type === "api") {
      out.notices.push(`Skipping OpenCode credential "${id}" in "${path}": the API key is empty`);
    } else {
      const what = typeof type === "string" ? `unknown type "${type}"` : "no type";
      out.notices.push(`Skipping OpenCode credential "${id}" in "${path}": ${what}`);
    }
  }
  return out;
}
