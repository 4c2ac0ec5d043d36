// `claude-proxy statusline`: one line for Claude Code's status bar: the routed model and the session's cost and tokens.
import type { CliOptions } from "../cli.ts";
import { loadConfig } from "../config/load.ts";
import { logRecords } from "../log/log_records.ts";
import { resolveRoute } from "../routing/route.ts";
import { addToSession, emptySessionTotals, type SessionTotals } from "../log/session_totals.ts";
import { type CommandContext, loadOptionsFor, logFilePath } from "./config_paths.ts";

/** What Claude Code sends a status line command on stdin (the fields used here). */
export interface StatusLineInput {
  session_id?: string;
  model?: { id?: string; display_name?: string };
}

/** Options for {@linkcode runStatusline}. */
export interface StatuslineOptions extends CommandContext {
  /** Claude Code's JSON (read from stdin). */
  input: string;
  write: (text: string) => void;
  color: boolean;
  fetch?: typeof fetch;
}

/** How long the running proxy gets to answer: the line must not keep Claude Code waiting. */
const ASK_TIMEOUT_MS = 400;
/** How much of the log's end is read when no proxy answers. */
const TAIL_BYTES = 8 * 1024 * 1024;

/**
 * Prints one line: the model the session's requests go to, and what they cost and used so far.
 * It asks the proxy Claude Code talks to (ANTHROPIC_BASE_URL when it is on this machine, or
 * CLAUDE_PROXY_URL), which keeps each session's totals in memory; else it reads the end of the
 * request log. Never fails: a problem prints a shorter line. Returns the exit code (0).
 *
 * @example
 * // settings.json: { "statusLine": { "type": "command", "command": "claude-proxy statusline" } }
 */
export async function runStatusline(cli: CliOptions, options: StatuslineOptions): Promise<number> {
  const input = parseInput(options.input);
  const session = input.session_id;
  let totals: SessionTotals | undefined;
  if (session !== undefined) {
    totals = await askProxy(session, options) ?? await readLog(session, cli, options);
  }
  let routed: string | undefined;
  if (totals === undefined && input.model?.id) routed = await routeOf(input.model.id, cli, options);
  options.write(statusLine(input, totals, { color: options.color, routed }) + "\n");
  return 0;
}

/**
 * Claude Code's `statusLine` setting that runs `program statusline` (`program`: how to start
 * claude-proxy, e.g. its binary's path), each argument quoted for the shell.
 */
export function statusLineSetting(program: readonly string[]): {
  type: "command";
  command: string;
  padding: number;
} {
  const quoted = program.map((arg) =>
    /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
  );
  return { type: "command", command: [...quoted, "statusline"].join(" "), padding: 0 };
}

/** The status line's text for a session's totals (undefined: no request yet). Pure. */
export function statusLine(
  input: StatusLineInput,
  totals: SessionTotals | undefined,
  options: { color: boolean; routed?: string | undefined },
): string {
  const paint = (code: string, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const model = totals?.upstream_model ?? options.routed ?? input.model?.id ?? "claude-proxy";
  const parts = [paint("36", model)];
  if (!totals) return [...parts, paint("2", "no requests yet")].join(paint("2", " · "));
  const cost = totals.cost_usd > 0 || !totals.unpriced ? money(totals.cost_usd) : "no price";
  parts.push(paint("1", totals.unpriced && totals.cost_usd > 0 ? `${cost}+` : cost));
  const input_ = totals.input_tokens + totals.cache_read_tokens + totals.cache_write_tokens;
  let tokens = `${count(input_)} in · ${count(totals.output_tokens)} out`;
  if (totals.cache_read_tokens > 0) {
    tokens += ` (${Math.round((totals.cache_read_tokens / Math.max(1, input_)) * 100)}% cached)`;
  }
  parts.push(tokens);
  parts.push(`${totals.requests} request${totals.requests === 1 ? "" : "s"}`);
  if (totals.errors > 0) parts.push(paint("31", `${totals.errors} failed`));
  return parts.join(paint("2", " · "));
}

function parseInput(text: string): StatusLineInput {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null ? value as StatusLineInput : {};
  } catch {
    return {};
  }
}

/** The proxy Claude Code uses, if it is on this machine (or named by CLAUDE_PROXY_URL). */
export function proxyUrl(env: Record<string, string | undefined>): string | undefined {
  const named = env.CLAUDE_PROXY_URL?.trim();
  if (named) return named.replace(/\/+$/, "");
  const base = env.ANTHROPIC_BASE_URL?.trim();
  if (!base) return undefined;
  try {
    const url = new URL(base);
    const host = url.hostname;
    const local = host === "localhost" || host === "[::1]" || /^127\./.test(host);
    return local ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

async function askProxy(
  session: string,
  options: StatuslineOptions,
): Promise<SessionTotals | undefined> {
  const url = proxyUrl(options.env);
  if (url === undefined) return undefined;
  const token = options.env.ANTHROPIC_AUTH_TOKEN || options.env.ANTHROPIC_API_KEY ||
    options.env.CLAUDE_PROXY_AUTH_TOKEN;
  try {
    const response = await (options.fetch ?? fetch)(
      `${url}/ui/api/sessions/${encodeURIComponent(session)}`,
      {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
      },
    );
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return await response.json() as SessionTotals;
  } catch {
    return undefined; // Not a claude-proxy, or not running: the log answers.
  }
}

/** The session's totals from the end of the request log. */
async function readLog(
  session: string,
  cli: CliOptions,
  options: StatuslineOptions,
): Promise<SessionTotals | undefined> {
  let totals: SessionTotals | undefined;
  try {
    const { path } = await logFilePath(cli, options);
    const containing = `"session_id":${JSON.stringify(session)}`;
    for await (const r of logRecords(path, { tailBytes: TAIL_BYTES, containing })) {
      if (r.session_id !== session) continue;
      totals ??= emptySessionTotals(session, r.time);
      addToSession(totals, r);
    }
  } catch {
    return undefined; // No log yet, or a broken config: the line says less.
  }
  return totals;
}

/** Where `model` goes by the config, before the session has sent anything. */
async function routeOf(
  model: string,
  cli: CliOptions,
  options: StatuslineOptions,
): Promise<string | undefined> {
  try {
    const config = await loadConfig(loadOptionsFor(cli, options));
    return resolveRoute(config, model).model;
  } catch {
    return undefined;
  }
}

function money(usd: number): string {
  if (usd === 0) return "$0.00";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

function count(n: number): string {
  if (n < 1000) return String(n);
  if (n < 100_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, "")}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1e6).toFixed(2).replace(/\.?0+$/, "")}M`;
}
