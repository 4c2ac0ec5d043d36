// Finds and reads the config file (the only file system access in config/), then parses, validates, resolves.
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { ConfigError } from "../errors.ts";
import { parseConfig } from "./parse.ts";
import { configSearchPaths } from "./paths.ts";
import { type CliConfigOptions, resolveConfig } from "./resolve.ts";
import type { Config } from "./schema.ts";
import { type FileConfig, validateConfig } from "./validate.ts";

/** Inputs of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** `--config PATH`: replaces the search. */
  configPath?: string;
  cli: CliConfigOptions;
  env: Record<string, string | undefined>;
  platform: string;
  cwd: string;
  home?: string;
}

/** Loads, validates and resolves the config. */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const { path, file } = await readConfigFile(options);
  return resolveConfig({ cli: options.cli, env: options.env, file, source: path ?? "defaults" });
}

/** Reads the first config file found (or the one named), returning its validated content. */
export async function readConfigFile(
  options: LoadConfigOptions,
): Promise<{ path?: string; file: FileConfig }> {
  const paths = options.configPath !== undefined ? [options.configPath] : configSearchPaths({
    env: options.env,
    platform: options.platform,
    cwd: options.cwd,
    home: options.home ?? homedir(),
  });
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENOENT" && options.configPath === undefined) continue;
      const reason = code === "ENOENT" ? "file not found" : (err as Error).message;
      throw new ConfigError(`Cannot load config "${path}": ${reason}`, [reason], { cause: err });
    }
    const raw = parseConfig(text, path);
    return { path, file: validateConfig(raw, { source: path, text }) };
  }
  return { file: {} };
}
