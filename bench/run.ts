// The end-to-end benchmark: the direct baseline and claude-proxy (and claude-code-router) in one run.
//
//   deno run -A bench/run.ts [--ccr] [--quick] [--case NAME]... [--binary PATH] [--json FILE]
//                            [--profile DIR] [--compare CHECKOUT]
//
// One invocation starts the mock OpenAI upstream and claude-proxy (and, with --ccr,
// claude-code-router 2.0.0 installed from npm) as separate processes on 127.0.0.1, checks each
// answer once, warms up, then alternates targets phase by phase: sequential requests for latency
// and CPU per request, then closed-loop load at concurrency 1, 16 and 64 for throughput. "direct"
// sends the same case straight to the mock in OpenAI format (what the proxy itself sends upstream).
// Every loop is bounded by a count or a time; the whole run takes about two minutes (four with
// --ccr, one with --quick). The figures print as Markdown, each with its ratio to direct.
// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";
import { type Endpoint, runLoad, type Sample, timedRequest } from "./load.ts";
import { cpuMs, memory, sampleRss } from "./proc_stats.ts";
import {
  anthropicRequest,
  directRequest,
  type PreparedRequest,
  type Scenario,
  scenarios,
} from "./scenarios.ts";
import {
  CCR_PACKAGE,
  type ServerProcess,
  startClaudeCodeRouter,
  startClaudeProxy,
  startMock,
} from "./targets.ts";
import { verifyAnswer } from "./verify.ts";

interface Settings {
  rounds: number;
  perRound: number;
  warmup: number;
  concurrencies: number[];
  loadWarmupMs: number;
  loadWindowMs: number;
  loadRounds: number;
  /** Cases run under load (the others get latency and CPU only). */
  loadCases: string[];
}

const FULL: Settings = {
  rounds: 6,
  perRound: 50,
  warmup: 150,
  concurrencies: [1, 16, 64],
  loadWarmupMs: 300,
  loadWindowMs: 1200,
  loadRounds: 2,
  loadCases: ["real-json", "real-stream", "small-stream"],
};

const QUICK: Settings = {
  ...FULL,
  rounds: 3,
  perRound: 30,
  warmup: 80,
  loadWindowMs: 600,
  loadRounds: 1,
};

interface Target {
  name: string;
  /** The process whose CPU and memory are reported (none for direct). */
  server?: ServerProcess;
  endpoints: Map<string, Endpoint>;
}

/** Per target and case: everything measured. */
interface Figures {
  samples: Sample[];
  /** Server CPU over the sequential phases, and the requests it served. */
  cpuMs: number;
  mockCpuMs: number;
  driverCpuMs: number;
  requests: number;
  /** By concurrency. */
  load: Map<number, {
    completed: number;
    windowMs: number;
    cpuMs: number;
    mockCpuMs: number;
    errors: number;
  }>;
}

interface MemoryFigures {
  idleFresh: number;
  peakAt64: number;
  idleAfter: number;
  hwm: number;
}

const PROXY_MARKERS = { tokenMarker: '"text_delta"', stopMarker: "event: message_stop" };
const DIRECT_MARKERS = { tokenMarker: '"delta":{"content":"', stopMarker: "data: [DONE]" };

async function endpoints(
  url: string,
  list: Scenario[],
  prepare: (s: Scenario) => PreparedRequest | Promise<PreparedRequest>,
  markers: { tokenMarker: string; stopMarker: string },
): Promise<Map<string, Endpoint>> {
  const map = new Map<string, Endpoint>();
  for (const scenario of list) {
    map.set(scenario.name, {
      url,
      request: await prepare(scenario),
      stream: scenario.stream,
      ...markers,
    });
  }
  return map;
}

function readCpu(pid: number | undefined): number {
  return pid === undefined ? 0 : cpuMs(pid);
}

function emptyFigures(): Figures {
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

async function latencyPhases(
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

async function loadPhases(
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

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

type Metric = keyof Sample;
const METRICS: [Metric, string][] = [
  ["total", "total"],
  ["firstByte", "first byte"],
  ["firstToken", "first token"],
  ["stop", "message_stop"],
];
const QUANTILES: [number, string][] = [[0.5, "p50"], [0.9, "p90"], [0.99, "p99"]];

function values(samples: Sample[], metric: Metric): number[] {
  return samples.map((s) => s[metric]).filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function times(value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base === 0) return "–";
  return `${(value / base).toFixed(value / base < 10 ? 2 : 0)}×`;
}

function added(value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base)) return "–";
  const diff = value - base;
  return `${diff >= 0 ? "+" : "−"}${ms(Math.abs(diff))}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)]
    .join("\n");
}

function rps(load: Figures["load"], concurrency: number): number {
  const entry = load.get(concurrency);
  return entry && entry.windowMs > 0 ? entry.completed / (entry.windowMs / 1000) : NaN;
}

function scenarioReport(scenario: Scenario, targets: Target[], figures: Figures[]): string {
  const [direct] = figures;
  const others = targets.slice(1);
  const header = [
    scenario.label,
    "direct",
    ...others.flatMap((t) => [t.name, "× direct", "added"]),
  ];
  const rows: string[][] = [];
  const row = (label: string, pick: (f: Figures) => number, unit = "ms") => {
    const base = pick(direct!);
    const cells = [label, ms(base)];
    figures.slice(1).forEach((f) => {
      const value = pick(f);
      cells.push(ms(value), times(value, base), unit === "ms" ? added(value, base) : "");
    });
    rows.push(cells);
  };
  for (const [metric, label] of METRICS) {
    if (!scenario.stream && (metric === "firstToken" || metric === "stop")) continue;
    for (const [q, name] of QUANTILES) {
      row(`${label} ${name} (ms)`, (f) => percentile(values(f.samples, metric), q));
    }
  }
  if (direct!.load.size > 0) {
    for (const concurrency of [...direct!.load.keys()]) {
      row(`requests/s at concurrency ${concurrency}`, (f) => rps(f.load, concurrency), "rps");
    }
  }
  const cpuRow = (label: string, pick: (f: Figures) => number) => {
    rows.push([label, "", ...figures.slice(1).flatMap((f) => [ms(pick(f)), "", ""])]);
  };
  cpuRow("server CPU per request, sequential (ms)", (f) => f.cpuMs / f.requests);
  const loaded = direct!.load.get(16);
  if (loaded) {
    cpuRow("server CPU per request at concurrency 16 (ms)", (f) => {
      const entry = f.load.get(16);
      return entry && entry.completed > 0 ? entry.cpuMs / entry.completed : NaN;
    });
  }
  row("mock CPU per request, sequential (ms)", (f) => f.mockCpuMs / f.requests, "cpu");
  row("driver CPU per request, sequential (ms)", (f) => f.driverCpuMs / f.requests, "cpu");
  return table(header, rows);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function memoryReport(targets: Target[], memoryFigures: Map<string, MemoryFigures>): string {
  const rows = targets.slice(1).map((t) => {
    const m = memoryFigures.get(t.name)!;
    return [t.name, mb(m.idleFresh), mb(m.peakAt64), mb(m.idleAfter), mb(m.hwm)];
  });
  return table(
    ["memory (VmRSS)", "idle after start", "peak at concurrency 64", "idle after the run", "VmHWM"],
    rows,
  );
}

function machine(): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ??
    "unknown CPU";
  const cores = navigator.hardwareConcurrency;
  const date = new Date().toISOString().slice(0, 10);
  const load = Deno.loadavg()[0]!.toFixed(2);
  return `${date}; ${cores} cores (${cpu}); Linux ${Deno.osRelease()}; Deno ${Deno.version.deno}; ` +
    `load average ${load}`;
}

type Check = [label: string, value: (c: CheckContext) => number, goal: number, op: "≤" | "≥"];

interface CheckContext {
  added(name: string, metric: Metric): number;
  cpu(name: string): number;
  share(name: string, concurrency: number): number;
  memory: MemoryFigures;
}

/** The project's performance goals (see the Performance section of README.md). */
const CHECKS: Check[] = [
  ["added latency p50, 76 KB non-streaming (ms)", (c) => c.added("real-json", "total"), 1, "≤"],
  ["added latency p50, 76 KB streaming (ms)", (c) => c.added("real-stream", "total"), 1, "≤"],
  [
    "added first token p50, 76 KB streaming (ms)",
    (c) => c.added("real-stream", "firstToken"),
    1,
    "≤",
  ],
  ["CPU per request, 76 KB non-streaming (ms)", (c) => c.cpu("real-json"), 1, "≤"],
  ["CPU per request, 76 KB streaming (ms)", (c) => c.cpu("real-stream"), 1.5, "≤"],
  ["CPU per request, 200-chunk small stream (ms)", (c) => c.cpu("small-stream"), 1, "≤"],
  ["requests/s at 16, 76 KB non-streaming (% of direct)", (c) => c.share("real-json", 16), 40, "≥"],
  ["requests/s at 16, 76 KB streaming (% of direct)", (c) => c.share("real-stream", 16), 40, "≥"],
  ["requests/s at 16, small streams (% of direct)", (c) => c.share("small-stream", 16), 30, "≥"],
  ["RSS idle after start (MB)", (c) => c.memory.idleFresh / 2 ** 20, 60, "≤"],
  ["RSS peak at concurrency 64 (MB)", (c) => c.memory.peakAt64 / 2 ** 20 || NaN, 120, "≤"],
];

/** The pass/fail table for the goals; goals whose case did not run are left out. */
function targetChecks(
  byName: Map<string, Map<string, Figures>>,
  memoryFigures: Map<string, MemoryFigures>,
): string {
  const direct = byName.get("direct")!;
  const proxy = byName.get("claude-proxy")!;
  const p50 = (f: Figures | undefined, metric: Metric) =>
    f ? percentile(values(f.samples, metric), 0.5) : NaN;
  const context: CheckContext = {
    added: (name, metric) => p50(proxy.get(name), metric) - p50(direct.get(name), metric),
    cpu: (name) => {
      const f = proxy.get(name);
      return f ? f.cpuMs / f.requests : NaN;
    },
    share: (name, concurrency) => {
      const p = proxy.get(name);
      const d = direct.get(name);
      return p && d ? 100 * rps(p.load, concurrency) / rps(d.load, concurrency) : NaN;
    },
    memory: memoryFigures.get("claude-proxy")!,
  };
  const rows: string[][] = [];
  for (const [label, value, goal, op] of CHECKS) {
    const v = value(context);
    if (!Number.isFinite(v)) continue;
    const met = op === "≤" ? v <= goal : v >= goal;
    rows.push([label, ms(v), `${op} ${goal}`, met ? "yes" : "**no**"]);
  }
  return table(["goal", "claude-proxy", "target", "met"], rows);
}

function log(text: string): void {
  console.error(text);
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    args: Deno.args,
    options: {
      ccr: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      binary: { type: "string" },
      json: { type: "string" },
      profile: { type: "string" },
      case: { type: "string", multiple: true },
      compare: { type: "string" },
    },
  });
  const settings = flags.quick ? QUICK : FULL;
  const all = await scenarios();
  const list = flags.case ? all.filter((s) => flags.case!.includes(s.name)) : all;
  if (list.length === 0) {
    throw new Error(`No such case; known: ${all.map((s) => s.name).join(", ")}`);
  }
  const servers: ServerProcess[] = [];
  try {
    const mock = await startMock();
    servers.push(mock);
    const proxy = await startClaudeProxy(mock.url, {
      ...(flags.binary ? { binary: flags.binary } : {}),
      ...(flags.profile ? { denoFlags: ["--cpu-prof", `--cpu-prof-dir=${flags.profile}`] } : {}),
    });
    servers.push(proxy);
    const targets: Target[] = [
      { name: "direct", endpoints: await endpoints(mock.url, list, directRequest, DIRECT_MARKERS) },
      {
        name: "claude-proxy",
        server: proxy,
        endpoints: await endpoints(proxy.url, list, (s) => anthropicRequest(s), PROXY_MARKERS),
      },
    ];
    if (flags.ccr) {
      log(`installing and starting ${CCR_PACKAGE} ...`);
      const ccr = await startClaudeCodeRouter(mock.url, list.map((s) => s.model));
      servers.push(ccr);
      targets.push({
        name: "claude-code-router",
        server: ccr,
        endpoints: await endpoints(
          ccr.url,
          list,
          (s) => anthropicRequest(s, { model: `mock,${s.model}` }),
          PROXY_MARKERS,
        ),
      });
    }
    if (flags.compare) {
      const other = await startClaudeProxy(mock.url, { checkout: flags.compare });
      servers.push(other);
      targets.push({
        name: "claude-proxy (compare)",
        server: other,
        endpoints: await endpoints(other.url, list, (s) => anthropicRequest(s), PROXY_MARKERS),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const memoryFigures = new Map<string, MemoryFigures>();
    for (const target of targets.slice(1)) {
      const m = memory(target.server!.pid);
      memoryFigures.set(target.name, { idleFresh: m.rss, peakAt64: 0, idleAfter: 0, hwm: 0 });
    }
    log("checking every answer once ...");
    for (const target of targets.slice(1)) {
      for (const scenario of list) {
        await verifyAnswer(target.endpoints.get(scenario.name)!, scenario);
      }
    }
    log("warming up ...");
    for (const target of targets) {
      for (const scenario of list) {
        const endpoint = target.endpoints.get(scenario.name)!;
        for (let i = 0; i < settings.warmup; i++) await timedRequest(endpoint);
      }
    }
    const figures = new Map(
      targets.map((t) => [t.name, new Map(list.map((s) => [s.name, emptyFigures()]))]),
    );
    await latencyPhases(targets, list, mock.pid, settings, figures);
    const peaks = new Map<string, number>();
    await loadPhases(targets, list, mock.pid, settings, figures, peaks);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const target of targets.slice(1)) {
      const m = memory(target.server!.pid);
      const entry = memoryFigures.get(target.name)!;
      entry.idleAfter = m.rss;
      entry.hwm = m.peak;
      entry.peakAt64 = peaks.get(target.name) ?? 0;
    }
    const out: string[] = [];
    out.push(`Machine: ${machine()}`);
    out.push(
      `Each case: ${settings.rounds * settings.perRound} sequential requests per target ` +
        `(${settings.rounds} alternating rounds); load windows of ${settings.loadWindowMs} ms × ` +
        `${settings.loadRounds} per concurrency. "added" is claude-proxy minus direct.`,
    );
    for (const scenario of list) {
      out.push(
        "",
        scenarioReport(
          scenario,
          targets,
          targets.map((t) => figures.get(t.name)!.get(scenario.name)!),
        ),
      );
    }
    out.push("", memoryReport(targets, memoryFigures));
    out.push("", targetChecks(figures, memoryFigures));
    console.log(out.join("\n"));
    if (flags.json) {
      const dump = {
        machine: machine(),
        settings,
        figures: Object.fromEntries([...figures].map(([name, byCase]) => [
          name,
          Object.fromEntries(
            [...byCase].map(([c, f]) => [c, { ...f, load: Object.fromEntries(f.load) }]),
          ),
        ])),
        memory: Object.fromEntries(memoryFigures),
      };
      await Deno.writeTextFile(flags.json, JSON.stringify(dump, null, 2));
    }
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}

if (import.meta.main) await main();
