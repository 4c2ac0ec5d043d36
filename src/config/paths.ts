// The places a config file is looked for, in order. Pure.
import { join } from "node:path";

/** Inputs of {@linkcode configSearchPaths}. */
export interface SearchPathOptions {
  env: Record<string, string | undefined>;
  platform: string;
  cwd: string;
  home: string;
}

/** The platform's per-user config directory for claude-proxy. */
export function userConfigDir(options: Omit<SearchPathOptions, "cwd">): string {
  const { env, platform, home } = options;
  if (platform === "windows") {
    return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "claude-proxy");
  }
  if (platform === "darwin") return join(home, "Library", "Application Support", "claude-proxy");
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "claude-proxy");
}

/** Config paths searched when `--config` is not given, first found wins. */
export function configSearchPaths(options: SearchPathOptions): string[] {
  const paths = [
    join(options.cwd, "claude-proxy.toml"),
    join(userConfigDir(options), "config.toml"),
  ];
  if (options.platform === "darwin") {
    paths.push(
      join(
        options.env.XDG_CONFIG_HOME || join(options.home, ".config"),
        "claude-proxy",
        "config.toml",
      ),
    );
  }
  paths.push(join(options.home, ".claude-proxy.toml"));
  return [...new Set(paths)];
}
