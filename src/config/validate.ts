// Checks a parsed config file against the schema and collects every problem at once. Pure.
import { ConfigError } from "../errors.ts";
import { PRESET_ALIASES, presetName, PROVIDER_PRESETS } from "../providers/presets.ts";
import { QUIRK_NAMES } from "../providers/quirk_names.ts";
import type { ProviderFormat } from "../providers/provider_format.ts";
import { isHttpUrl } from "./base_url.ts";
import { keyPath, lineOfPath } from "./key_path.ts";
import { WEB_SEARCH_BACKENDS, type WebSearchBackend } from "./schema.ts";

/** A provider table as written in the file. */
export interface FileProvider {
  name?: string;
  base_url?: string;
  /** The variable that holds the key, or several for a key pool. */
  api_key_env?: string | string[];
  /** The key itself, or several for a key pool. */
  api_key?: string | string[];
  api_key_from?: "config" | "client";
  format?: ProviderFormat;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  timeout_ms?: number;
  reasoning_history?: boolean;
  supports_documents?: boolean;
  send_reasoning_effort?: boolean;
  max_effort?: "high" | "xhigh";
  /** Anthropic format: request fields to remove (replaces the preset's list). */
  drop_fields?: string[];
  /** Anthropic format: `anthropic-beta` values (globs) to remove (replaces the preset's list). */
  rejected_betas?: string[];
  /** Anthropic format: features the provider lacks (replaces the preset's list). */
  unsupported?: string[];
  /** OpenAI format: the provider quirks to apply (replaces the preset's list). */
  quirks?: string[];
  /** Quirks removed from the preset's (or `quirks`) list. */
  disable_quirks?: string[];
  /** Quirks added to the preset's (or `quirks`) list. */
  enable_quirks?: string[];
  /** Where requests go when this provider fails: `model@provider` (or `model`, on this provider). */
  fallback?: string[];
}

/** Per-model options as written in the file. */
export interface FileModelOptions {
  max_tokens?: number;
  reasoning_effort?: "minimal" | "low" | "medium" | "high" | "xhigh";
  images?: boolean;
  reasoning?: boolean;
  context_window?: number;
  price?: { input: number; output: number; cache_read?: number; cache_write?: number };
  api?: "chat" | "responses";
  /** Where requests for this model go when its provider fails (replaces the provider's list). */
  fallback?: string[];
}

/** The `[router]` table as written in the file: each rule a `[models]` target. */
export interface FileRouter {
  background?: string;
  think?: string;
  long_context?: string;
  long_context_tokens?: number;
  image?: string;
  subagent?: string;
  web_search?: string;
}

/** The config file after validation: every key optional, types checked. */
export interface FileConfig {
  port?: number;
  host?: string;
  auth_token?: string;
  allowed_origins?: string[];
  allowed_hosts?: string[];
  default_provider?: string;
  provider?: FileProvider;
  providers?: Record<string, FileProvider>;
  models?: Record<string, string>;
  model_options?: Record<string, FileModelOptions>;
  router?: FileRouter;
  params?: { drop?: string[] };
  log?: { file?: string; max_entries?: number; bodies?: boolean };
  upstream?: {
    retries?: number;
    /** No longer used (connecting counts against `first_byte_timeout_ms`); a notice says so. */
    connect_timeout_ms?: number;
    first_byte_timeout_ms?: number;
    deadline_ms?: number;
    idle_timeout_ms?: number;
    ping_interval_ms?: number;
    circuit_failures?: number;
    circuit_cooldown_ms?: number;
  };
  limits?: { max_body_bytes?: number; shutdown_grace_ms?: number };
  web_search?: FileWebSearch;
  claude_code?: { subagent_model?: string };
}

/** The `[web_search]` table as written in the file. */
export interface FileWebSearch {
  backend?: WebSearchBackend;
  base_url?: string;
  api_key_env?: string;
  api_key?: string;
  max_results?: number;
  timeout_ms?: number;
}

type Kind =
  | "string"
  | "port"
  | "count"
  | "positive"
  | "amount"
  | "boolean"
  | "string[]"
  | "strings"
  | { oneOf: readonly string[] }
  | { between: readonly [number, number] }
  | { table: Spec }
  | { tables: Spec }
  | { map: Kind };
type Spec = Record<string, Kind>;

const PROVIDER_SPEC: Spec = {
  name: "string",
  base_url: "string",
  api_key_env: "strings",
  api_key: "strings",
  api_key_from: { oneOf: ["config", "client"] },
  format: { oneOf: ["openai", "openai-responses", "anthropic", "gemini"] },
  headers: { map: "string" },
  query: { map: "string" },
  timeout_ms: "positive",
  reasoning_history: "boolean",
  supports_documents: "boolean",
  send_reasoning_effort: "boolean",
  max_effort: { oneOf: ["high", "xhigh"] },
  drop_fields: "string[]",
  rejected_betas: "string[]",
  unsupported: "string[]",
  quirks: "string[]",
  disable_quirks: "string[]",
  enable_quirks: "string[]",
  fallback: "string[]",
};

const EFFORTS = ["minimal", "low", "medium", "high", "xhigh"] as const;

const FILE_SPEC: Spec = {
  port: "port",
  host: "string",
  auth_token: "string",
  allowed_origins: "string[]",
  allowed_hosts: "string[]",
  default_provider: "string",
  provider: { table: PROVIDER_SPEC },
  providers: { tables: PROVIDER_SPEC },
  models: { map: "string" },
  model_options: {
    tables: {
      max_tokens: "positive",
      reasoning_effort: { oneOf: EFFORTS },
      images: "boolean",
      reasoning: "boolean",
      context_window: "positive",
      price: {
        table: { input: "amount", output: "amount", cache_read: "amount", cache_write: "amount" },
      },
      api: { oneOf: ["chat", "responses"] },
      fallback: "string[]",
    },
  },
  router: {
    table: {
      background: "string",
      think: "string",
      long_context: "string",
      long_context_tokens: "positive",
      image: "string",
      subagent: "string",
      web_search: "string",
    },
  },
  params: { table: { drop: "string[]" } },
  log: { table: { file: "string", max_entries: "count", bodies: "boolean" } },
  upstream: {
    table: {
      retries: "count",
      connect_timeout_ms: "count",
      first_byte_timeout_ms: "count",
      deadline_ms: "count",
      idle_timeout_ms: "count",
      ping_interval_ms: "count",
      circuit_failures: "count",
      circuit_cooldown_ms: "count",
    },
  },
  limits: { table: { max_body_bytes: "count", shutdown_grace_ms: "count" } },
  web_search: {
    table: {
      backend: { oneOf: WEB_SEARCH_BACKENDS },
      base_url: "string",
      api_key_env: "string",
      api_key: "string",
      max_results: { between: [1, 20] },
      timeout_ms: "positive",
    },
  },
  claude_code: { table: { subagent_model: "string" } },
};

/** Validates a parsed config; throws one ConfigError listing every problem. */
export function validateConfig(
  raw: Record<string, unknown>,
  options: { source: string; text?: string },
): FileConfig {
  const problems: string[] = [];
  checkTable(raw, FILE_SPEC, [], problems, options);
  checkProviders(raw, problems, options);
  checkWebSearch(raw, problems, options);
  checkPrices(raw, problems, options);
  checkAllowedLists(raw, problems, options);
  if (problems.length > 0) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new ConfigError(
      `Invalid config "${options.source}" (${count}):\n${
        problems.map((p) => `  - ${p}`).join("\n")
      }`,
      problems,
    );
  }
  return raw as FileConfig;
}

/**
 * The parts of a parsed config that pass validation: unknown keys and values of the wrong type
 * left out. Resolving it finds the problems validation cannot (a `model@provider` typo), so one
 * run can report them all.
 */
export function cleanConfig(raw: Record<string, unknown>): FileConfig {
  const out = cleanTable(raw, FILE_SPEC, []);
  if (isTable(out.model_options)) {
    for (const table of Object.values(out.model_options)) {
      if (!isTable(table) || !isTable(table.price)) continue;
      if (table.price.input === undefined || table.price.output === undefined) delete table.price;
    }
  }
  return out as FileConfig;
}

function cleanTable(
  value: Record<string, unknown>,
  spec: Spec,
  path: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (kind === undefined) continue;
    const cleaned = cleanValue(item, kind, [...path, key]);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}

function cleanValue(item: unknown, kind: Kind, path: string[]): unknown {
  if (typeof kind === "object" && ("table" in kind || "tables" in kind || "map" in kind)) {
    if (!isTable(item)) return undefined;
    if ("table" in kind) return cleanTable(item, kind.table, path);
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(item)) {
      const cleaned = "tables" in kind
        ? (isTable(sub) ? cleanTable(sub, kind.tables, [...path, key]) : undefined)
        : cleanValue(sub, kind.map, [...path, key]);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    return out;
  }
  const problems: string[] = [];
  checkValue(item, kind, path, problems, { source: "" });
  return problems.length === 0 ? item : undefined;
}

function checkTable(
  value: Record<string, unknown>,
  spec: Spec,
  path: string[],
  problems: string[],
  options: { source: string; text?: string },
): void {
  for (const [key, item] of Object.entries(value)) {
    // Own keys only: `constructor` or `toString` in a config file are unknown keys like any other.
    const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
    const where = locate(options, path, key);
    if (kind === undefined) {
      const hint = suggest(key, Object.keys(spec));
      problems.push(`${where}unknown key ${quoted([...path, key])}${hint}`);
      continue;
    }
    checkValue(item, kind, [...path, key], problems, options);
  }
}

function checkValue(
  item: unknown,
  kind: Kind,
  path: string[],
  problems: string[],
  options: { source: string; text?: string },
): void {
  const name = quoted(path);
  const where = locate(options, path.slice(0, -1), path[path.length - 1] ?? "");
  const fail = (expected: string, hint = "") =>
    problems.push(`${where}${name} must be ${expected}, got ${describe(item)}${hint}`);
  if (typeof kind === "string") {
    switch (kind) {
      case "string":
        if (typeof item !== "string") fail("a string");
        return;
      case "boolean":
        if (typeof item !== "boolean") fail("true or false");
        return;
      case "port":
        if (!Number.isInteger(item) || (item as number) < 0 || (item as number) > 65535) {
          fail("a port number from 0 to 65535");
        }
        return;
      case "count":
        if (!Number.isInteger(item) || (item as number) < 0) fail("a whole number of 0 or more");
        return;
      case "positive":
        if (!Number.isInteger(item) || (item as number) < 1) fail("a whole number of 1 or more");
        return;
      case "amount":
        if (typeof item !== "number" || !Number.isFinite(item) || item < 0) {
          fail("a number of 0 or more (US dollars per million tokens)");
        }
        return;
      case "string[]":
        if (!Array.isArray(item) || item.some((x) => typeof x !== "string")) {
          fail("a list of strings");
        }
        return;
      case "strings":
        if (
          typeof item !== "string" &&
          (!Array.isArray(item) || item.length === 0 || item.some((x) => typeof x !== "string"))
        ) {
          fail("a string or a non-empty list of strings");
        }
        return;
    }
  }
  if ("oneOf" in kind) {
    if (typeof item !== "string" || !kind.oneOf.includes(item)) {
      const hint = typeof item === "string" ? suggest(item, [...kind.oneOf]) : "";
      fail(`one of ${kind.oneOf.map((v) => `"${v}"`).join(", ")}`, hint);
    }
    return;
  }
  if ("between" in kind) {
    const [min, max] = kind.between;
    if (!Number.isInteger(item) || (item as number) < min || (item as number) > max) {
      fail(`a whole number from ${min} to ${max}`);
    }
    return;
  }
  if (!isTable(item)) return void fail("a table");
  if ("table" in kind) return checkTable(item, kind.table, path, problems, options);
  if ("tables" in kind) {
    for (const [key, sub] of Object.entries(item)) {
      if (!isTable(sub)) {
        problems.push(`${where}${quoted([...path, key])} must be a table, got ${describe(sub)}`);
      } else checkTable(sub, kind.tables, [...path, key], problems, options);
    }
    return;
  }
  for (const [key, sub] of Object.entries(item)) {
    checkValue(sub, kind.map, [...path, key], problems, options);
  }
}

/** Checks preset names, key settings and duplicate provider names (with "did you mean"). */
function checkProviders(
  raw: Record<string, unknown>,
  problems: string[],
  options: { source: string; text?: string },
): void {
  const tables: Array<{ path: string[]; table: Record<string, unknown>; implied?: string }> = [];
  if (isTable(raw.provider)) tables.push({ path: ["provider"], table: raw.provider });
  if (isTable(raw.providers)) {
    for (const [name, table] of Object.entries(raw.providers)) {
      if (isTable(table)) tables.push({ path: ["providers", name], table, implied: name });
    }
  }
  const known = [...Object.keys(PROVIDER_PRESETS), ...Object.keys(PRESET_ALIASES)];
  const seen = new Map<string, string>();
  for (const { path, table, implied } of tables) {
    const named = typeof table.name === "string" ? table.name : undefined;
    const preset = named ?? implied;
    const label = keyPath(path);
    if (preset !== undefined && presetName(preset) === undefined) {
      const where = locate(options, path, named !== undefined ? "name" : "");
      const what = named !== undefined
        ? `${quoted([...path, "name"])} names unknown preset "${preset}"`
        : `provider "${preset}" is not a preset: add name = "<preset>" to [${label}]`;
      const hint = suggest(preset, known) ||
        ` (presets: ${Object.keys(PROVIDER_PRESETS).join(", ")})`;
      problems.push(`${where}${what}${hint}`);
    }
    checkOneKey(table, path, problems, options);
    const key = (implied ?? named ?? "openai").toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) {
      problems.push(
        `${
          locate(options, path, "")
        }provider "${key}" is defined twice, in [${previous}] and [${label}]`,
      );
    }
    seen.set(key, label);
    checkQuirkNames(table, path, problems, options);
  }
}

/** Checks what the `[web_search]` table's types cannot: the URL's form and a key given twice. */
function checkWebSearch(
  raw: Record<string, unknown>,
  problems: string[],
  options: { source: string; text?: string },
): void {
  const table = raw.web_search;
  if (!isTable(table)) return;
  const path = ["web_search"];
  if (typeof table.base_url === "string" && !isHttpUrl(table.base_url)) {
    problems.push(
      `${locate(options, path, "base_url")}${
        quoted([...path, "base_url"])
      } must be an http:// or https:// URL, got ${describe(table.base_url)}`,
    );
  }
  checkOneKey(table, path, problems, options);
}

/** Reports a `[model_options] price` without its input or output price. */
function checkPrices(
  raw: Record<string, unknown>,
  problems: string[],
  options: { source: string; text?: string },
): void {
  if (!isTable(raw.model_options)) return;
  for (const [model, table] of Object.entries(raw.model_options)) {
    if (!isTable(table) || !isTable(table.price)) continue;
    const path = ["model_options", model, "price"];
    const missing = ["input", "output"].filter((key) => !Object.hasOwn(table.price as object, key));
    if (missing.length === 0) continue;
    problems.push(
      `${locate(options, path.slice(0, -1), "price")}${quoted(path)} needs ${
        missing.map((key) => `"${key}"`).join(" and ")
      }, e.g. price = { input = 2, output = 10, cache_read = 0.2 } (US dollars per million tokens)`,
    );
  }
}

/** Checks that `allowed_origins` holds exact origins and `allowed_hosts` bare host names. */
function checkAllowedLists(
  raw: Record<string, unknown>,
  problems: string[],
  options: { source: string; text?: string },
): void {
  const lists = [
    ["allowed_origins", originProblem],
    ["allowed_hosts", hostProblem],
  ] as const;
  for (const [key, problemOf] of lists) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const problem = typeof item === "string" ? problemOf(item) : undefined;
      if (problem) problems.push(`${locate(options, [], key)}"${key}" ${problem}`);
    }
  }
}

/** Why `text` is not an origin as browsers send it (`scheme://host[:port]`), or undefined. */
function originProblem(text: string): string | undefined {
  const expected = `must list origins like "http://localhost:3000" (scheme, host and port only)`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${expected}, got "${text}"`;
  }
  const web = url.protocol === "http:" || url.protocol === "https:";
  const origin = web ? url.origin : `${url.protocol}//${url.host}`;
  if (origin === text && url.host !== "") return undefined;
  const hint = url.host !== "" && origin !== "null" ? ` (did you mean "${origin}"?)` : "";
  return `${expected}, got "${text}"${hint}`;
}

/** Why `text` is not a bare host name or address (no scheme, port or path), or undefined. */
function hostProblem(text: string): string | undefined {
  const expected = `must list host names like "proxy.lan" (no scheme, port or path)`;
  let hostname: string | undefined;
  try {
    const url = new URL(`http://${text}`);
    if (url.port === "" && url.pathname === "/" && !url.search && !url.username) {
      hostname = url.hostname;
    }
  } catch {
    hostname = undefined;
  }
  return hostname !== undefined && hostname === text.toLowerCase() && !text.includes("*")
    ? undefined
    : `${expected}, got "${text}"`;
}

/** Reports a table that gives its key both ways (`api_key` and `api_key_env`). */
function checkOneKey(
  table: Record<string, unknown>,
  path: string[],
  problems: string[],
  options: { source: string; text?: string },
): void {
  if (table.api_key === undefined || table.api_key_env === undefined) return;
  problems.push(
    `${locate(options, path, "api_key")}[${
      keyPath(path)
    }] sets both "api_key" and "api_key_env": keep one`,
  );
}

/** Reports quirk names that no quirk has, in `quirks`, `disable_quirks` and `enable_quirks`. */
function checkQuirkNames(
  table: Record<string, unknown>,
  path: string[],
  problems: string[],
  options: { source: string; text?: string },
): void {
  for (const key of ["quirks", "disable_quirks", "enable_quirks"]) {
    const names = table[key];
    if (!Array.isArray(names)) continue;
    for (const name of names) {
      if (typeof name !== "string" || QUIRK_NAMES.includes(name)) continue;
      const hint = suggest(name, [...QUIRK_NAMES]) || ` (quirks: ${QUIRK_NAMES.join(", ")})`;
      problems.push(
        `${locate(options, path, key)}${
          quoted([...path, key])
        } names unknown quirk "${name}"${hint}`,
      );
    }
  }
}

/** A key path for messages: `"provider.format"`, or `models."*opus*"` when parts need quotes. */
function quoted(path: readonly string[]): string {
  const key = keyPath(path);
  return key.includes('"') ? key : `"${key}"`;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "object") return "a table";
  return `${typeof value} ${String(value)}`;
}

function locate(options: { source: string; text?: string }, table: string[], key: string): string {
  const parts = key === "" ? table : [...table, key];
  const line = options.text === undefined ? undefined : lineOfPath(options.text, parts);
  return line === undefined ? `${options.source}: ` : `${options.source}:${line}: `;
}

/** Returns ` (did you mean "x"?)` for the closest known key, or "". */
export function suggest(key: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return best !== undefined && bestDistance <= limit ? ` (did you mean "${best}"?)` : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
