// Parses TOML config text into a plain object; syntax errors carry file and line. Pure.
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../errors.ts";

/** Parses `text` (read from `source`) as TOML. */
export function parseConfig(text: string, source: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const detail = err.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "";
      const problem = `${source}:${err.line}:${err.column}: ${detail}`;
      throw new ConfigError(`Cannot load config "${source}": ${problem}`, [problem], {
        cause: err,
      });
    }
    throw err;
  }
}

/** A `[table]` header line, with an optional trailing comment. */
const HEADING = /^\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$/;

/** Finds the 1-based line of `key` inside `[table]` (or at top level), for messages. */
export function lineOf(text: string, table: string[], key: string): number | undefined {
  const lines = text.split("\n");
  const header = table.length === 0 ? undefined : table.map(quoteKeyPart).join(".");
  let inTable = header === undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const heading = HEADING.exec(line);
    if (heading) {
      inTable = header !== undefined && normalizeHeader(heading[1]!) === normalizeHeader(header);
      continue;
    }
    if (!inTable) continue;
    const match = /^("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=/.exec(line);
    if (match && unquote(match[1]!) === key) return i + 1;
  }
  if (header !== undefined) {
    const index = lines.findIndex((l) => {
      const heading = HEADING.exec(l.trim());
      return heading !== null && normalizeHeader(heading[1]!) === normalizeHeader(header);
    });
    if (index >= 0 && key === "") return index + 1;
  }
  return undefined;
}

function quoteKeyPart(part: string): string {
  return /^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part);
}

function normalizeHeader(header: string): string {
  return header.split(".").map((p) => unquote(p.trim())).join("\u0000");
}

function unquote(key: string): string {
  if (key.startsWith('"') && key.endsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.startsWith("'") && key.endsWith("'")) return key.slice(1, -1);
  return key;
}
