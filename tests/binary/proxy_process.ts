// Runs claude-proxy as a user would, in a child process: the compiled binary, or `deno run` with its permissions.
import { existsSync } from "node:fs";
import { binaryName, DENO_PERMISSIONS, hostTarget } from "../../scripts/compile.ts";
import { fromFileUrl } from "../helpers/paths.ts";
import { type CommandResult, decodeOutput, type ProxyCommand } from "../helpers/process.ts";
import { denoDir } from "../helpers/deno_dir.ts";

// The binary tests and the benchmarks start the proxy through this module.
export {
  OutputLog,
  type ProxyCommand,
  type RunningProxy,
  startProxyProcess,
} from "../helpers/process.ts";

/** The environment variable naming the binary under test; when set, the binary must exist. */
export const BINARY_ENV = "CLAUDE_PROXY_BINARY";

const ROOT = fromFileUrl(new URL("../../", import.meta.url));

/** The binary to test, or the reason there is none (the tests using it are then ignored). */
export function findBinary(): { command: ProxyCommand } | { skip: string } {
  const given = Deno.env.get(BINARY_ENV);
  const target = hostTarget(Deno.build.os, Deno.build.arch);
  const path = given ?? (target ? `${ROOT}dist/${binaryName(target)}` : undefined);
  if (path === undefined) return { skip: `no release target for ${Deno.build.target}` };
  if (!existsSync(path)) {
    if (given !== undefined) throw new Error(`${BINARY_ENV} is "${given}" but no file is there`);
    return {
      skip: `${path} is not built: run "deno task compile:bun --target host" (or ` +
        `"deno task compile:deno --target host"), or set ${BINARY_ENV}`,
    };
  }
  return {
    command: { label: `binary ${path.replace(ROOT, "")}`, program: path, args: [], env: {} },
  };
}

/** `deno run` of main.ts with exactly the permissions `deno compile` grants the binary. */
export async function denoRunCommand(): Promise<ProxyCommand> {
  return {
    label: "deno run with the compile permissions",
    program: Deno.execPath(),
    args: [
      "run",
      "--no-prompt",
      "--quiet",
      `--config=${ROOT}deno.json`,
      ...DENO_PERMISSIONS,
      `${ROOT}main.ts`,
    ],
    env: { DENO_DIR: await denoDir(), DENO_NO_UPDATE_CHECK: "1" },
  };
}

/** A program to test: the binary (ignored, with the reason printed, when not built) and `deno run`. */
export interface Subject {
  label: string;
  /** Undefined when the subject is not available; its tests are then ignored. */
  command?: ProxyCommand;
}

/** The programs the binary tests run against. */
export async function subjects(): Promise<Subject[]> {
  const binary = findBinary();
  const list: Subject[] = [];
  if ("skip" in binary) {
    // deno-lint-ignore no-console
    console.warn(`tests/binary: binary tests ignored: ${binary.skip}`);
    list.push({ label: "binary" });
  } else {
    list.push({ label: binary.command.label, command: binary.command });
  }
  const deno = await denoRunCommand();
  list.push({ label: deno.label, command: deno });
  return list;
}

/** A throwaway home: HOME, config, state and temp dirs inside it, removed by `remove()`. */
export interface TempHome {
  dir: string;
  /** A clean environment pointing every per-user directory into `dir`. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

/** Makes a {@linkcode TempHome}. */
export async function makeTempHome(): Promise<TempHome> {
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-binary-" });
  const env: Record<string, string> = {
    HOME: dir,
    USERPROFILE: dir,
    XDG_CONFIG_HOME: `${dir}/config`,
    XDG_STATE_HOME: `${dir}/state`,
    APPDATA: `${dir}/AppData/Roaming`,
    LOCALAPPDATA: `${dir}/AppData/Local`,
    PATH: Deno.env.get("PATH") ?? "",
    NO_COLOR: "1",
  };
  // Windows programs need these to start and to open sockets.
  for (const key of ["SystemRoot", "SYSTEMROOT", "TEMP", "TMP", "windir", "ComSpec"]) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return { dir, env, remove: () => Deno.remove(dir, { recursive: true }) };
}

/** Runs claude-proxy with `args` until it exits (stdin closed, a clean environment). */
export async function runProxy(
  command: ProxyCommand,
  options: { args: string[]; home: TempHome },
): Promise<CommandResult> {
  const output = await new Deno.Command(command.program, {
    args: [...command.args, ...options.args],
    cwd: options.home.dir,
    env: { ...options.home.env, ...command.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeOutput(output);
}
