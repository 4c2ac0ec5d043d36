// The places config files (and OpenCode's credentials) are looked for, by layer and in order. Pure.
import { posix, win32 } from "node:path";

/** Inputs of {@linkcode configSearchPaths} and {@linkcode configLayerPaths}. */
export interface SearchPathOptions {
  env: Record<string, string | undefined>;
  /** "linux", "darwin", "windows" or another (as `runtime.platform()` returns it). */
  platform: string;
  cwd: string;
  home: string;
}

/** Where each config layer is looked for; in each list the first file found is used. */
export interface ConfigLayerPaths {
  /** The administrator's file: its keys are pinned, nothing else may change them. */
  managed: string[];
  /** The project's file, in the working directory: overrides the user file key by key. */
  project: string[];
  /** The user's own file. */
  user: string[];
}

function pathFor(platform: string): typeof posix {
  return platform === "windows" ? win32 : posix;
}

/** The platform's per-user config directory for claude-proxy. */
export function userConfigDir(options: Omit<SearchPathOptions, "cwd">): string {
  const { env, platform, home } = options;
  const path = pathFor(platform);
  if (platform === "windows") {
    return path.join(env.APPDATA || path.join(home, "AppData", "Roaming"), "claude-proxy");
  }
  if (platform === "darwin") {
    return path.join(home, "Library", "Application Support", "claude-proxy");
  }
  return path.join(xdgConfigHome(options), "claude-proxy");
}

function xdgConfigHome(options: Omit<SearchPathOptions, "cwd">): string {
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const value = options.env.XDG_CONFIG_HOME;
  return value && posix.isAbsolute(value) ? value : posix.join(options.home, ".config");
}

/** The administrator's config file locations for the platform. */
export function managedConfigPaths(options: Pick<SearchPathOptions, "env" | "platform">): string[] {
  if (options.platform === "windows") {
    const base = options.env.ProgramData || options.env.PROGRAMDATA || "C:\\ProgramData";
    return [win32.join(base, "claude-proxy", "config.toml")];
  }
  const etc = "/etc/claude-proxy/config.toml";
  if (options.platform === "darwin") {
    return ["/Library/Application Support/claude-proxy/config.toml", etc];
  }
  return [etc];
}

/**
 * The config files looked for, by layer.
 *
 * @example
 * configLayerPaths({ env: {}, platform: "linux", cwd: "/work", home: "/home/ada" }).user;
 * // ["/home/ada/.config/claude-proxy/config.toml", "/home/ada/.claude-proxy.toml"]
 */
export function configLayerPaths(options: SearchPathOptions): ConfigLayerPaths {
  const path = pathFor(options.platform);
  const user = [path.join(userConfigDir(options), "config.toml")];
  if (options.platform === "darwin") {
    user.push(posix.join(xdgConfigHome(options), "claude-proxy", "config.toml"));
  }
  user.push(path.join(options.home, ".claude-proxy.toml"));
  return {
    managed: managedConfigPaths(options),
    project: [
      path.join(options.cwd, "claude-proxy.toml"),
      path.join(options.cwd, ".claude-proxy", "config.toml"),
    ],
    user: [...new Set(user)],
  };
}

/** Project and user config paths in search order (without the managed file). */
export function configSearchPaths(options: SearchPathOptions): string[] {
  const layers = configLayerPaths(options);
  return [...new Set([...layers.project, ...layers.user])];
}

/** OpenCode's credentials file: `${XDG_DATA_HOME:-~/.local/share}/opencode/auth.json` on every OS. */
export function openCodeAuthPath(options: Omit<SearchPathOptions, "cwd">): string {
  const path = pathFor(options.platform);
  const data = options.env.XDG_DATA_HOME;
  const base = data && path.isAbsolute(data) ? data : path.join(options.home, ".local", "share");
  return path.join(base, "opencode", "auth.json");
}
