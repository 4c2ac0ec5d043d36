// The phases of a benchmark run: latency, load, start-up, count_tokens and instructions per request.
// deno-lint-ignore-file no-console
import { fromFileUrl } from "../tests/helpers/paths.ts";
import { measureStartup, median } from "./binary.ts";
import { measureCountTokens, variant } from "./count_tokens.ts";
import { BARE_BUN } from "./goals.ts";
import {
  buildCounter,
  counterPrefix,
  type InstructionFigures,
  measureInstructions,
} from "./instructions.ts";
import { type Endpoint, plainRequest, runLoad, timedRequest } from "./load.ts";
import { cpuMs, sampleRss } from "./proc_stats.ts";
import type { Figures } from "./report.ts";
import { anthropicRequest, type PreparedRequest, type Scenario } from "./scenarios.ts";
import { type ServerProcess, startBareProxy, startClaudeProxy } from "./targets.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));

/** Progress goes to stderr; the report to stdout. */
export function log(text: string): void {
  console.error(text);
}

/** How many requests, rounds and windows a run uses. */
export interface Settings {
  /** Starts of the program timed to its first /health. */
  startups: number;
  /** Instruction counting: untimed requests, then counted rounds of `perRound`, per case. */
  counting: { warmup: number; rounds: number; perRound: number };
  rounds: number;
  perRound: number;
  /**
   * Untimed requests per case and target before the timed ones. A long-running proxy is measured
   * once its JIT has settled: under `deno run`, after only 150 the passthrough stream's
   * `message_stop` was still about 0.5 ms slower than after 1500.
   */
  warmup: number;
  concurrencies: number[];
  loadWarmupMs: number;
  loadWindowMs: number;
  loadRounds: number;
  /** Cases run under load (the others get latency and CPU only). */
  loadCases: string[];
}

/** A full run (about ten minutes). */
export const FULL: Settings = {
  startups: 10,
  counting: { warmup: 300, rounds: 3, perRound: 100 },
  rounds: 6,
  perRound: 50,
  warmup: 1000,
  concurrencies: [1, 16, 64],
  loadWarmupMs: 300,
  loadWindowMs: 1200,
  loadRounds: 2,
  loadCases: ["real-json", "real-stream", "small-stream", "passthrough-real-stream"],
};

/** A `--quick` run (about four minutes). */
export const QUICK: Settings = {
  ...FULL,
  startups: 5,
  counting: { warmup: 150, rounds: 3, perRound: 40 },
  rounds: 3,
  perRound: 30,
  warmup: 300,
  loadWindowMs: 600,
  loadRounds: 1,
};

/** Something the driver sends requests to: direct, claude-proxy, a bare forwarder, … */
export interface Target {
  name: string;
  /** The process whose CPU and memory are reported (none for direct). */
  server?: ServerProcess;
  endpoints: Map<string, Endpoint>;
  /** Whether it answers in the upstream's format (direct, a bare proxy): its answers are not checked. */
  upstreamFormat?: boolean;
}

const ANTHROPIC_MARKERS = { tokenMarker: '"text_delta"', stopMarker: "event: message_stop" };
const OPENAI_MARKERS = { tokenMarker: '"delta":{"content":"', stopMarker: "data: [DONE]" };

/** Anthropic frames from the proxies; direct answers in the format of the case's upstream. */
function markers(direct: boolean, scenario: Scenario) {
  return direct && scenario.upstream === "openai" ? OPENAI_MARKERS : ANTHROPIC_MARKERS;
}

/** Each case's endpoint at `url`, with its request prepared by `prepare`. */
export async function endpoints(
  url: string,
  list: Scenario[],
  prepare: (s: Scenario) => PreparedRequest | Promise<PreparedRequest>,
  direct = false,
): Promise<Map<string, Endpoint>> {
  const map = new Map<string, Endpoint>();
  for (const scenario of list) {
    map.set(scenario.name, {
      url,
      request: await prepare(scenario),
      stream: scenario.stream,
      ...markers(direct, scenario),
    });
  }
  return map;
}

function readCpu(pid: number | undefined): number {
  return pid === undefined ? 0 : cpuMs(pid);
}

/** Figures before anything was measured. */
export function emptyFigures(): Figures {
  return {
    samples: [],
    cpuMs: 0,
    mockCpuMs: 0,
    driverCpuMs: 0,
    requests: 0,
    load: new Map(),
  };
}

/** Rotates the target order each round so no target always runs first or last. */
function rotated<T>(list: T[], round: number): T[] {
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** Sequential requests per case, targets alternating round by round: latency and CPU per request. */
export async function latencyPhases(
  targets: Target[],
  list: Scenario[],
  mockPid: number,
  settings: Settings,
  figures: Map<string, Map<string, Figures>>,
): Promise<void> {
  for (const scenario of list) {
    log(`latency: ${scenario.name}`);
    for (let round = 0; round < settings.rounds; round++) {
      for (const target of rotated(targets, round)) {
        const endpoint = target.endpoints.get(scenario.name)!;
        const entry = figures.get(target.name)!.get(scenario.name)!;
        const cpu0 = readCpu(target.server?.pid);
        const mock0 = cpuMs(mockPid);
        const driver0 = cpuMs(Deno.pid);
        for (let i = 0; i < settings.perRound; i++) {
          entry.samples.push(await timedRequest(endpoint));
        }
        entry.cpuMs += readCpu(target.server?.pid) - cpu0;
        entry.mockCpuMs += cpuMs(mockPid) - mock0;
        entry.driverCpuMs += cpuMs(Deno.pid) - driver0;
        entry.requests += settings.perRound;
      }
    }
  }
}

/** Closed-loop load per case and concurrency, targets alternating: requests/s, CPU, peak RSS at 64. */
export async function loadPhases(
  targets: Target[],
  list: Scenario[],
  mockPid: number,
  settings: Settings,
  figures: Map<string, Map<string, Figures>>,
  peaks: Map<string, number>,
): Promise<void> {
  for (const scenario of list.filter((s) => settings.loadCases.includes(s.name))) {
    for (const concurrency of settings.concurrencies) {
      log(`throughput: ${scenario.name} at concurrency ${concurrency}`);
      for (let round = 0; round < settings.loadRounds; round++) {
        for (const target of rotated(targets, round)) {
          const pid = target.server?.pid;
          const sampler = pid !== undefined && concurrency === 64 ? sampleRss(pid) : undefined;
          let cpu0 = 0;
          let mock0 = 0;
          let cpu = 0;
          let mock = 0;
          const result = await runLoad(target.endpoints.get(scenario.name)!, {
            concurrency,
            warmupMs: settings.loadWarmupMs,
            windowMs: settings.loadWindowMs,
            onWindow: (edge) => {
              if (edge === "start") {
                cpu0 = readCpu(pid);
                mock0 = cpuMs(mockPid);
              } else {
                cpu = readCpu(pid) - cpu0;
                mock = cpuMs(mockPid) - mock0;
              }
            },
          });
          if (sampler) {
            peaks.set(target.name, Math.max(peaks.get(target.name) ?? 0, sampler.stop()));
          }
          if (result.errors > 0) {
            log(`  ${target.name}: ${result.errors} errors, first: ${result.firstError}`);
          }
          const entry = figures.get(target.name)!.get(scenario.name)!;
          const sum = entry.load.get(concurrency) ??
            { completed: 0, windowMs: 0, cpuMs: 0, mockCpuMs: 0, errors: 0 };
          sum.completed += result.completed;
          sum.windowMs += result.windowMs;
          sum.cpuMs += cpu;
          sum.mockCpuMs += mock;
          sum.errors += result.errors;
          entry.load.set(concurrency, sum);
        }
      }
    }
  }
}

/** The passthrough routes and key the proxies are configured with. */
export interface Routes {
  passthrough: Record<string, string>;
  anthropicKey: string;
}

/** Start-ups of claude-proxy to its first answered /health: the median, in ms. */
export async function startupPhase(binary: string | undefined, runs: number): Promise<number> {
  log(`start-up to the first /health (${runs} starts) ...`);
  const command = binary ? { label: "binary", program: binary, args: [], env: {} } : {
    label: "deno run main.ts",
    program: Deno.execPath(),
    args: ["run", "--quiet", "-A", `${ROOT}main.ts`],
    env: {},
  };
  return median((await measureStartup(command, runs)).startMs);
}

/** The count_tokens phase on the running claude-proxy. */
export async function countTokensPhase(all: Scenario[], proxy: ServerProcess) {
  log("count_tokens ...");
  const small = all.find((s) => s.name === "small-stream")!;
  const real = all.find((s) => s.name === "real-json")!;
  const realRequest = await anthropicRequest(real);
  const newPrompts = async (from: number, count: number) => {
    const requests = [];
    for (let i = from; i < from + count; i++) {
      requests.push(await anthropicRequest({ ...real, anthropic: variant(real.anthropic, i) }));
    }
    return requests;
  };
  return await measureCountTokens(proxy.url, {
    small: await anthropicRequest(small),
    warmup: await newPrompts(1000, 20),
    variants: await newPrompts(0, 40),
    repeat: Array.from({ length: 50 }, () => realRequest),
  }, proxy.pid);
}

/**
 * Instructions per request of the release binary and the bare Bun forwarder, each started again
 * under QEMU with the counting plugin, against the same mock.
 */
export async function instructionPhase(
  binary: string,
  mockUrl: string,
  routes: Routes,
  list: Scenario[],
  settings: Settings,
): Promise<Map<string, Map<string, InstructionFigures>>> {
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-bench-count-" });
  const counted = new Map<string, Map<string, InstructionFigures>>();
  try {
    const plugin = await buildCounter(dir);
    const starts: [string, (prefix: string[]) => Promise<ServerProcess>, boolean][] = [
      ["claude-proxy", (prefix) => startClaudeProxy(mockUrl, { ...routes, binary, prefix }), false],
      [BARE_BUN, (prefix) => startBareProxy(mockUrl, "bun", { prefix }), true],
    ];
    for (const [name, start, upstreamFormat] of starts) {
      log(`instructions per request under QEMU: ${name} ...`);
      const outFile = `${dir}/${name.replace(/\W+/g, "-")}.count`;
      const server = await start(counterPrefix(plugin, outFile));
      try {
        const ends = await endpoints(server.url, list, (s) => anthropicRequest(s), upstreamFormat);
        const senders = new Map(
          [...ends].map((
            [caseName, endpoint],
          ) => [caseName, { send: () => plainRequest(endpoint) }]),
        );
        counted.set(
          name,
          await measureInstructions(outFile, senders, { ...settings.counting, log }),
        );
      } finally {
        await server.stop();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return counted;
}
