// Claude Code's own state file (~/.claude.json): where it is, its stored refusal of a key, and marking onboarding done.
import { randomBytes } from "node:crypto";
import {
  chmod,
  copyFile,
  mkdir,
  readFile,
  rename,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/** How many trailing characters of a key Claude Code stores in `customApiKeyResponses`. */
const KEY_SUFFIX_LENGTH = 20;

/** The suffix a backup of Claude Code's state file gets before claude-proxy changes it. */
const BACKUP_SUFFIX = ".claude-proxy.bak";

/**
 * The file Claude Code keeps its state in, as Claude Code finds it: a legacy
 * `<config dir>/.config.json` when one exists, else `.claude.json` in `CLAUDE_CONFIG_DIR` or the
 * home directory (`.claude-custom-oauth.json` with `CLAUDE_CODE_CUSTOM_OAUTH_URL`).
 */
export function claudeJsonPath(env: Record<string, string | undefined>, home: string): string {
  const configDir = env.CLAUDE_CONFIG_DIR || join(home, ".claude");
  const legacy = join(configDir, ".config.json");
  try {
    if (statSync(legacy).isFile()) return legacy;
  } catch {
    // No legacy file: the usual one.
  }
  const name = env.CLAUDE_CODE_CUSTOM_OAUTH_URL ? ".claude-custom-oauth.json" : ".claude.json";
  return join(env.CLAUDE_CONFIG_DIR || home, name);
}

/** What {@linkcode prepareClaudeJson} did or found, for the messages `run` prints. */
export interface ClaudeJsonReport {
  /** The file looked at. */
  path: string;
  /** `hasCompletedOnboarding` was added (the file was created when missing). */
  onboardingMarked: boolean;
  /** Where the file was copied before the change, when it existed. */
  backup?: string;
  /** Why the file was left alone (unreadable, not a JSON object, a failed write). */
  warning?: string;
  /** The key Claude Code was told to refuse, when `key` was given and is refused. */
  rejectedKey: boolean;
}

/** Options for {@linkcode prepareClaudeJson}. */
export interface PrepareClaudeJsonOptions {
  /** The API key claude will get in ANTHROPIC_API_KEY, checked against the stored refusals. */
  key?: string;
}

/**
 * Gets Claude Code's state file ready for a session through the proxy: when it lacks
 * `hasCompletedOnboarding` (Claude Code's first-run onboarding calls api.anthropic.com and
 * fails offline), adds `"hasCompletedOnboarding": true`, every other byte kept, written
 * atomically (a temporary file renamed over it) after a backup, with the file's mode kept. A file
 * that is not a JSON object is left alone with a warning. Also reports whether `key` is among the
 * keys Claude Code was told to refuse.
 */
export async function prepareClaudeJson(
  path: string,
  options: PrepareClaudeJsonOptions = {},
): Promise<ClaudeJsonReport> {
  const report: ClaudeJsonReport = { path, onboardingMarked: false, rejectedKey: false };
  // Claude Code rewrites the file while it runs: a change seen between the read and the rename is
  // read again, so no write of another session is lost.
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await readState(path);
    if ("warning" in before) return { ...report, warning: before.warning };
    report.rejectedKey = options.key !== undefined && isRejected(before.json, options.key);
    if (before.json.hasCompletedOnboarding !== undefined) return report;
    try {
      const written = await writeMarked(path, before);
      if (written === "changed meanwhile") continue;
      return { ...report, onboardingMarked: true, ...(written ? { backup: written } : {}) };
    } catch (err) {
      return { ...report, warning: `cannot write it: ${messageOf(err)}` };
    }
  }
  return { ...report, warning: "it kept changing while claude-proxy tried to update it" };
}

/** Whether Claude Code stored a refusal of `key` (it keeps the last 20 characters). */
export function isRejected(json: Record<string, unknown>, key: string): boolean {
  const responses = json.customApiKeyResponses;
  if (typeof responses !== "object" || responses === null) return false;
  const rejected = (responses as { rejected?: unknown }).rejected;
  return Array.isArray(rejected) && rejected.includes(key.slice(-KEY_SUFFIX_LENGTH));
}

interface State {
  /** The file's text, or undefined when it does not exist. */
  text?: string;
  json: Record<string, unknown>;
  mode?: number;
  mtimeMs?: number;
  size?: number;
}

async function readState(path: string): Promise<State | { warning: string }> {
  let text: string;
  let info;
  try {
    info = await stat(path);
    text = await readFile(path, "utf8");
  } catch (err) {
    if (isNotFound(err)) return { json: {} };
    return { warning: `cannot read it: ${messageOf(err)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { warning: `it is not valid JSON (${messageOf(err)})` };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { warning: "it does not hold a JSON object" };
  }
  return {
    text,
    json: json as Record<string, unknown>,
    mode: info.mode & 0o777,
    mtimeMs: info.mtimeMs,
    size: info.size,
  };
}

/** The file's text with `"hasCompletedOnboarding": true` as its first key, all else as it was. */
export function withOnboardingMarked(text: string | undefined): string {
  if (text === undefined) return '{\n  "hasCompletedOnboarding": true\n}\n';
  const open = text.indexOf("{");
  const rest = text.slice(open + 1);
  const empty = rest.trimStart().startsWith("}");
  const indent = /^\r?\n([ \t]+)"/.exec(rest)?.[1] ?? "  ";
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  return text.slice(0, open + 1) + newline + indent + '"hasCompletedOnboarding": true' +
    (empty
      ? newline + rest.trimStart()
      : "," + (rest.startsWith(newline) ? "" : newline + indent)) +
    (empty ? "" : rest);
}

/**
 * Writes the marked file through a temporary file and a rename; returns the backup's path, or
 * "changed meanwhile" when the file changed after it was read (nothing is written then).
 */
async function writeMarked(
  path: string,
  before: State,
): Promise<string | undefined | "changed meanwhile"> {
  const temporary = `${path}.claude-proxy-${randomBytes(4).toString("hex")}.tmp`;
  const mode = before.mode ?? 0o600;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(temporary, withOnboardingMarked(before.text), { mode, flag: "wx" });
  try {
    await chmod(temporary, mode);
    let backup: string | undefined;
    if (before.text !== undefined) {
      backup = path + BACKUP_SUFFIX;
      await copyFile(path, backup);
      await chmod(backup, mode);
    }
    if (await changedSince(path, before)) {
      await unlink(temporary);
      return "changed meanwhile";
    }
    await rename(temporary, path);
    return backup;
  } catch (err) {
    if (existsSync(temporary)) await unlink(temporary).catch(() => {});
    throw err;
  }
}

async function changedSince(path: string, before: State): Promise<boolean> {
  try {
    const now = await stat(path);
    if (before.text === undefined) return true;
    return now.mtimeMs !== before.mtimeMs || now.size !== before.size;
  } catch (err) {
    if (isNotFound(err)) return before.text !== undefined;
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "ENOENT";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
