// Runs main.ts as its own process in a throwaway HOME and project directory, for command-line tests.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { denoDir } from "../helpers/deno_dir.ts";
import { fromFileUrl } from "../helpers/paths.ts";
import { type CommandResult, decodeOutput } from "../helpers/process.ts";

/** The repository root. */
export const REPO = fromFileUrl(new URL("../../", import.meta.url));
const MAIN = join(REPO, "main.ts");
const DENO_JSON = join(REPO, "deno.json");

/** A temporary HOME (with XDG dirs) and a project directory to run claude-proxy in. */
export interface Sandbox {
  root: string;
  home: string;
  /** The working directory commands run in. */
  project: string;
  /** The environment commands get (no variables from the test runner's own). */
  env: Record<string, string>;
  /** Writes `text` to `path` (relative to the sandbox root), creating directories; returns the path. */
  write(path: string, text: string): string;
  /** Runs `claude-proxy ...args`; `env` is added to the sandbox's. */
  run(
    args: string[],
    options?: { env?: Record<string, string>; cwd?: string },
  ): Promise<CommandResult>;
  /** Starts `claude-proxy ...args` with piped output, for commands that keep running. */
  spawn(args: string[], options?: { env?: Record<string, string> }): Deno.ChildProcess;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Makes a sandbox; dispose of it with `await using`. */
export async function makeSandbox(): Promise<Sandbox> {
  const root = await Deno.makeTempDir({ prefix: "claude-proxy-cli-" });
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_STATE_HOME: join(home, ".local/state"),
    DENO_DIR: await denoDir(),
    NO_COLOR: "1",
  };
  const command = (args: string[], extra: Record<string, string>, cwd: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "--config", DENO_JSON, MAIN, ...args],
      cwd,
      env: { ...env, ...extra },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  return {
    root,
    home,
    project,
    env,
    write(path, text) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    async run(args, options = {}) {
      return decodeOutput(await command(args, options.env ?? {}, options.cwd ?? project).output());
    },
    spawn(args, options = {}) {
      return command(args, options.env ?? {}, project).spawn();
    },
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}
