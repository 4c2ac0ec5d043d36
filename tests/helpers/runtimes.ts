// The runtimes a test can run the proxy's source under: Deno always, Bun when it is installed.
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fromFileUrl } from "./paths.ts";
import type { ProxyCommand } from "./process.ts";

const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));

/** A runtime to run a script with: its program and the arguments before the script. */
export interface ScriptRuntime {
  name: "deno" | "bun";
  program: string;
  args: string[];
}

/** `bun` on PATH, if installed. */
export function findBun(): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    const candidate = join(dir, "bun");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Deno, and Bun when installed (install it with the version in scripts/compile.ts). */
export function scriptRuntimes(): ScriptRuntime[] {
  const runtimes: ScriptRuntime[] = [{
    name: "deno",
    program: Deno.execPath(),
    args: ["run", "-A"],
  }];
  const bun = findBun();
  if (bun) runtimes.push({ name: "bun", program: bun, args: ["run"] });
  return runtimes;
}

/** claude-proxy's main.ts under `runtime`, as a command for startProxyProcess. */
export function mainUnder(runtime: ScriptRuntime): ProxyCommand {
  return {
    label: `${runtime.name} main.ts`,
    program: runtime.program,
    args: [...runtime.args, MAIN],
    env: {},
  };
}

/** `command` run with its open-file limit set to `limit` (Linux `prlimit`), or undefined without it. */
export function withFileLimit(command: ProxyCommand, limit: number): ProxyCommand | undefined {
  const prlimit = ["/usr/bin/prlimit", "/bin/prlimit"].find((path) => existsSync(path));
  if (!prlimit) return undefined;
  return {
    label: `${command.label} with ${limit} files`,
    program: prlimit,
    args: [`--nofile=${limit}`, "--", command.program, ...command.args],
    env: command.env,
  };
}
