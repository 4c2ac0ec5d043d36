// Figures for the shipped binary: file size, start-up time to the first answered /health, idle RSS.
//
//   deno run -A bench/binary.ts [--runs N] [BINARY...]
//
// Measures dist/claude-proxy-<host> (when built) and any BINARY given, against two same-run
// baselines: `deno run main.ts` and, when bun is on PATH, `bun main.ts`. Start-up is the wall time
// from spawn to the first 200 from /health (the median of N runs); idle RSS is read once the
// server has answered and sat idle for a moment.
// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";
import { binaryName, DENO_PERMISSIONS, hostTarget } from "../scripts/compile.ts";
import {
  makeTempHome,
  type ProxyCommand,
  startProxyProcess,
  type TempHome,
} from "../tests/binary/proxy_process.ts";
import { denoDir } from "../tests/helpers/deno_dir.ts";
import { decodeOutput } from "../tests/helpers/process.ts";

const ROOT = new URL("../", import.meta.url);
const SETTLE_MS = 1000;

/** Start-up and memory figures of one program. */
export interface StartupFigures {
  label: string;
  sizeBytes?: number;
  startMs: number[];
  rssBytes?: number;
}

async function commands(binaries: string[]): Promise<ProxyCommand[]> {
  const list: ProxyCommand[] = [];
  const main = new URL("main.ts", ROOT).pathname;
  list.push({
    label: "deno run main.ts",
    program: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      `--config=${new URL("deno.json", ROOT).pathname}`,
      ...DENO_PERMISSIONS,
      main,
    ],
    env: { DENO_DIR: await denoDir() },
  });
  if (await hasBun()) list.push({ label: "bun main.ts", program: "bun", args: [main], env: {} });
  const target = hostTarget(Deno.build.os, Deno.build.arch);
  const built = target ? new URL(`dist/${binaryName(target)}`, ROOT).pathname : undefined;
  for (const path of [...(built && exists(built) ? [built] : []), ...binaries]) {
    list.push({
      label: path.replace(new URL(".", ROOT).pathname, ""),
      program: path,
      args: [],
      env: {},
    });
  }
  return list;
}

async function hasBun(): Promise<boolean> {
  try {
    return (await new Deno.Command("bun", { args: ["--version"] }).output()).success;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Resident set size of `pid` in bytes, from /proc on Linux or `ps` elsewhere. */
async function rss(pid: number): Promise<number | undefined> {
  if (Deno.build.os === "linux") {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const kb = status.match(/^VmRSS:\s+(\d+) kB/m)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  }
  if (Deno.build.os === "windows") return undefined;
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  const kb = Number(decodeOutput(out).stdout.trim());
  return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
}

/** One start: spawn → banner → first 200 from /health; optionally the idle RSS after that. */
async function startOnce(command: ProxyCommand, home: TempHome, measureRss: boolean) {
  const config = `${home.dir}/config.toml`;
  const started = performance.now();
  const proxy = await startProxyProcess(command, { args: ["-c", config, "-p", "0"], home });
  try {
    const response = await fetch(`${proxy.url}/health`);
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
    const ms = performance.now() - started;
    let rssBytes: number | undefined;
    if (measureRss) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      rssBytes = await rss(proxy.process.pid);
    }
    return { ms, rssBytes };
  } finally {
    await proxy.stop(Deno.build.os === "windows" ? "SIGKILL" : "SIGTERM");
  }
}

/**
 * Starts `command` once to warm the file cache, then `runs` times, timing spawn → first 200 from
 * /health; reads the idle RSS after the last start.
 */
export async function measureStartup(command: ProxyCommand, runs: number): Promise<StartupFigures> {
  const home = await makeTempHome();
  try {
    await Deno.writeTextFile(
      `${home.dir}/config.toml`,
      '[provider]\nname = "custom"\nbase_url = "http://127.0.0.1:9/v1"\napi_key = "sk-bench"\n',
    );
    await startOnce(command, home, false); // warm the file cache
    const startMs: number[] = [];
    let rssBytes: number | undefined;
    for (let i = 0; i < runs; i++) {
      const result = await startOnce(command, home, i === runs - 1);
      startMs.push(result.ms);
      rssBytes ??= result.rssBytes;
    }
    const sizeBytes = command.args.length === 0
      ? (await Deno.stat(command.program)).size
      : undefined;
    return {
      label: command.label,
      startMs,
      ...(sizeBytes ? { sizeBytes } : {}),
      ...(rssBytes ? { rssBytes } : {}),
    };
  } finally {
    await home.remove();
  }
}

/** The median of `values`. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? "-" : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function ratio(value: number | undefined, base: number | undefined): string {
  return value === undefined || base === undefined ? "-" : `${(value / base).toFixed(2)}x`;
}

function report(figures: StartupFigures[], runs: number): string {
  const base = figures[0]!;
  const baseStart = median(base.startMs);
  const header = [
    "program",
    "size",
    `start-up (median of ${runs})`,
    "min-max",
    "idle RSS",
    "start ×",
    "RSS ×",
  ];
  const rows = figures.map((f) => {
    const start = median(f.startMs);
    return [
      f.label,
      mb(f.sizeBytes),
      `${start.toFixed(0)} ms`,
      `${Math.min(...f.startMs).toFixed(0)}-${Math.max(...f.startMs).toFixed(0)} ms`,
      mb(f.rssBytes),
      ratio(start, baseStart),
      ratio(f.rssBytes, base.rssBytes),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "10" } },
    allowPositionals: true,
  });
  const runs = Number(values.runs);
  const figures: StartupFigures[] = [];
  for (const command of await commands(positionals)) {
    console.error(`measuring ${command.label} ...`);
    figures.push(await measureStartup(command, runs));
  }
  console.log(`claude-proxy on ${Deno.build.target}; ratios against "${figures[0]!.label}"\n`);
  console.log(report(figures, runs));
}
