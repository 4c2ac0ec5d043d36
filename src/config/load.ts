// Finds and reads the config files and OpenCode's auth.json (the only file access in config/), then merges and resolves.
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { ConfigError } from "../errors.ts";
import { defaultLogPath } from "./default_log_path.ts";
import { type ConfigLayer, type LayerKind, mergeLayers } from "./layers.ts";
import { type OpenCodeAuth, parseOpenCodeAuth } from "./opencode_auth.ts";
import { parseConfig } from "./parse.ts";
import { configLayerPaths, openCodeAuthPath } from "./paths.ts";
import { type CliConfigOptions, resolveConfig } from "./resolve.ts";
import type { Config } from "./schema.ts";
import { cleanConfig, validateConfig } from "./validate.ts";

/** Inputs of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** `--config PATH`: replaces the project and user search (the managed file still applies). */
  configPath?: string;
  cli: CliConfigOptions;
  env: Record<string, string | undefined>;
  platform: string;
  cwd: string;
  home?: string;
  /** Where the administrator's file is looked for (default: the platform's, see paths.ts). */
  managedPaths?: string[];
  /** OpenCode's auth.json (default: the XDG data dir's); `null` skips it. */
  openCodeAuthPath?: string | null;
}

/** The config files found, by layer, and every path looked at. */
export interface ConfigFiles {
  layers: ConfigLayer[];
  /** Every path looked at, in search order, with its layer and whether it was read. */
  searched: Array<{ kind: LayerKind; path: string; used: boolean; exists: boolean }>;
}

/** A config read from the files: its request log always has a path (the default when none is set). */
export type LoadedConfig = Config & { log: { file: string } };

/** `config`, which names the default log file when nothing sets one (loadConfig passes it). */
function withLogFile(config: Config): LoadedConfig {
  if (config.log.file === undefined) throw new TypeError("resolveConfig lost the default log file");
  return config as LoadedConfig;
}

/**
 * Loads, validates, merges and resolves the config.
 *
 * @example
 * const config = await loadConfig({ cli: {}, env: runtime.env(), platform: "linux", cwd: "." });
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  // A file with problems is still resolved, cleaned, so one run reports every problem.
  let invalid: ConfigError | undefined;
  const files = await readConfigLayers(options).catch((err) => {
    if (!(err instanceof InvalidFilesError)) throw err;
    invalid = err;
    return err.cleaned;
  });
  const merged = mergeLayers(files.layers);
  const authPath = options.openCodeAuthPath === undefined
    ? openCodeAuthPath({ env: options.env, platform: options.platform, home: home(options) })
    : options.openCodeAuthPath;
  const openCode = authPath === null ? undefined : await readOpenCodeAuth(authPath);
  const resolve = () =>
    resolveConfig({
      cli: options.cli,
      env: options.env,
      file: merged.file,
      source: merged.files.join(", ") || "defaults",
      files: merged.files,
      origins: merged.origins,
      pinned: merged.pinned,
      ...(openCode ? { openCode } : {}),
      defaultLogFile: defaultLogPath({
        env: options.env,
        platform: options.platform,
        home: home(options),
      }),
      searched: {
        configs: files.searched.filter((s) => s.kind !== "managed").map((s) => s.path),
        ...(authPath !== null ? { openCode: authPath } : {}),
      },
    });
  if (!invalid) return withLogFile(resolve());
  let more: ConfigError | undefined;
  try {
    resolve();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    more = err;
  }
  throw withResolveProblems(invalid, more);
}

/** The file's problems, then those only resolving finds (each once). */
function withResolveProblems(invalid: ConfigError, more: ConfigError | undefined): ConfigError {
  // "No provider configured" only says that the broken files gave none: not a problem of its own.
  const extra = (more?.problems ?? []).filter((p) =>
    !invalid.problems.includes(p) && !p.startsWith("no provider configured")
  );
  if (extra.length === 0) return invalid;
  const count = extra.length === 1 ? "1 more problem" : `${extra.length} more problems`;
  return new ConfigError(
    `${invalid.message}\nAnd with the rest of the config (${count}):\n${
      extra.map((p) => `  - ${p}`).join("\n")
    }`,
    [...invalid.problems, ...extra],
  );
}

function home(options: LoadConfigOptions): string {
  return options.home ?? homedir();
}

/** The paths looked at, layer by layer, highest precedence first. */
function searchOrder(options: LoadConfigOptions): Array<[LayerKind, string[]]> {
  const paths = configLayerPaths({
    env: options.env,
    platform: options.platform,
    cwd: options.cwd,
    home: home(options),
  });
  const search: Array<[LayerKind, string[]]> = [["managed", options.managedPaths ?? paths.managed]];
  if (options.configPath !== undefined) search.push(["explicit", [options.configPath]]);
  else search.push(["project", paths.project], ["user", paths.user]);
  return search;
}

/** Every path looked at, whether it exists and whether it would be used; reads nothing. */
export async function locateConfigFiles(
  options: LoadConfigOptions,
): Promise<ConfigFiles["searched"]> {
  const out: ConfigFiles["searched"] = [];
  for (const [kind, candidates] of searchOrder(options)) {
    let found = false;
    for (const path of candidates) {
      const present = await fileExists(path);
      out.push({ kind, path, used: present && !found, exists: present });
      found ||= present;
    }
  }
  return out;
}

/** Config files with problems, and what of them is valid. */
class InvalidFilesError extends ConfigError {
  constructor(message: string, problems: string[], readonly cleaned: ConfigFiles) {
    super(message, problems);
  }
}

/** Reads and validates the first file of each layer; every file's problems in one ConfigError. */
export async function readConfigLayers(options: LoadConfigOptions): Promise<ConfigFiles> {
  const search = searchOrder(options);
  const out: ConfigFiles = { layers: [], searched: [] };
  const errors: ConfigError[] = [];
  const cleaned: ConfigLayer[] = [];
  for (const [kind, candidates] of search) {
    let found = false;
    for (const path of candidates) {
      if (found) {
        out.searched.push({ kind, path, used: false, exists: await fileExists(path) });
        continue;
      }
      const text = await readText(path, kind === "explicit");
      out.searched.push({ kind, path, used: text !== undefined, exists: text !== undefined });
      if (text === undefined) continue;
      found = true;
      const raw = parseConfig(text, path);
      try {
        const file = validateConfig(raw, { source: path, text });
        out.layers.push({ kind, path, text, file });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        errors.push(err);
        cleaned.push({ kind, path, text, file: cleanConfig(raw) });
      }
    }
  }
  if (errors.length === 0) return out;
  // The files as far as they are valid, for the caller to resolve and report what else is wrong.
  const layers = [...out.layers, ...cleaned].sort((a, b) =>
    out.searched.findIndex((s) => s.path === a.path) -
    out.searched.findIndex((s) => s.path === b.path)
  );
  throw new InvalidFilesError(
    errors.length === 1 ? errors[0]!.message : errors.map((e) => e.message).join("\n"),
    errors.flatMap((e) => e.problems),
    { layers, searched: out.searched },
  );
}

/** Whether something exists at `path`. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The file's text, or undefined when it does not exist (an error for a file named with --config). */
async function readText(path: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    if ((code === "ENOENT" || code === "ENOTDIR") && !required) return undefined;
    const reason = code === "ENOENT"
      ? "file not found"
      : code === "EISDIR"
      ? "it is a directory"
      : code === "EACCES"
      ? "permission denied"
      : (err as Error).message;
    throw new ConfigError(`Cannot load config "${path}": ${reason}`, [reason], { cause: err });
  }
}

/** Reads OpenCode's auth.json; a missing or unreadable file gives no keys, never an error. */
async function readOpenCodeAuth(path: string): Promise<OpenCodeAuth | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return {
      path,
      keys: {},
      notices: [`Cannot read OpenCode credentials "${path}": ${code ?? err}`],
    };
  }
  return parseOpenCodeAuth(text, path);
}
