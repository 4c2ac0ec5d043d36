// The benchmark report: Markdown tables of the figures, their ratios to direct, and the goals met or missed.
import type { CountTokensFigures } from "./count_tokens.ts";
import { BARE_BUN, type GoalResult } from "./goals.ts";
import type { InstructionFigures } from "./instructions.ts";
import type { Sample } from "./load.ts";
import type { Scenario } from "./scenarios.ts";

/** Per target and case: everything measured. */
export interface Figures {
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

/** Memory of one server process. */
export interface MemoryFigures {
  idleFresh: number;
  peakAt64: number;
  idleAfter: number;
  hwm: number;
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

/** A duration (or rate) rounded to three significant digits; "–" when not measured. */
export function ms(value: number): string {
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

/** A Markdown table, numbers right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)]
    .join("\n");
}

function rps(load: Figures["load"], concurrency: number): number {
  const entry = load.get(concurrency);
  return entry && entry.windowMs > 0 ? entry.completed / (entry.windowMs / 1000) : NaN;
}

/** One case: latency percentiles, requests/s and CPU per target, with ratios to direct. */
export function scenarioReport(scenario: Scenario, names: string[], figures: Figures[]): string {
  const [direct] = figures;
  const header = [
    scenario.label,
    "direct",
    ...names.slice(1).flatMap((name) => [name, "× direct", "added"]),
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

/** Resident memory of each server process. */
export function memoryReport(names: string[], memoryFigures: Map<string, MemoryFigures>): string {
  const rows = names.map((name) => {
    const m = memoryFigures.get(name)!;
    return [name, mb(m.idleFresh), mb(m.peakAt64), mb(m.idleAfter), mb(m.hwm)];
  });
  return table(
    ["memory (VmRSS)", "idle after start", "peak at concurrency 64", "idle after the run", "VmHWM"],
    rows,
  );
}

/** The count_tokens figures. */
export function countTokensReport(t: CountTokensFigures): string {
  return table([
    `count_tokens, 76 KB request (${t.inputTokens} tokens)`,
    "p50 (ms)",
    "server CPU (ms)",
  ], [
    ["first call of the process (1 message; loads the tokenizer)", ms(t.loadMs), ""],
    [
      "a new prompt of that size (40 variants after 20 untimed ones, no text repeated)",
      ms(t.newPromptMs),
      ms(t.newPromptCpuMs),
    ],
    [
      "the same request again (system prompt and tools memoized)",
      ms(t.repeatMs),
      ms(t.repeatCpuMs),
    ],
  ]);
}

/** Date, cores, CPU model, kernel, Deno version and the load average around the run. */
export function machine(loadBefore: number): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ??
    "unknown CPU";
  const cores = navigator.hardwareConcurrency;
  const date = new Date().toISOString().slice(0, 10);
  const load = `${loadBefore.toFixed(2)} before, ${Deno.loadavg()[0]!.toFixed(2)} after`;
  return `${date}; ${cores} cores (${cpu}); Linux ${Deno.osRelease()}; Deno ${Deno.version.deno}; ` +
    `load average ${load}`;
}

/** The goals table: each goal met or missed, with the figure, what it was read against, and the target. */
export function goalsReport(results: GoalResult[]): string {
  return table(
    ["goal", "claude-proxy", "against", "target", "met"],
    results.map((r) => [r.goal, r.figure, r.reference, r.target, r.met ? "yes" : "**no**"]),
  );
}

/**
 * Instructions per request under QEMU for each case: claude-proxy, the bare forwarder, and their
 * ratio; the median of the counted rounds, with their spread.
 */
export function instructionsReport(
  cases: string[],
  counted: Map<string, Map<string, InstructionFigures>>,
  counting: { warmup: number; rounds: number; perRound: number },
): string {
  const proxy = counted.get("claude-proxy");
  const bare = counted.get(BARE_BUN);
  const millions = (f: InstructionFigures | undefined) =>
    f
      ? `${(f.median / 1e6).toFixed(2)} (${(f.min / 1e6).toFixed(2)}–${(f.max / 1e6).toFixed(2)})`
      : "–";
  const rows = cases.map((name) => {
    const p = proxy?.get(name);
    const b = bare?.get(name);
    return [name, millions(p), millions(b), p && b ? times(p.median, b.median) : "–"];
  });
  return [
    `Instructions per request under QEMU, millions (median and range of ${counting.rounds} rounds ` +
    `of ${counting.perRound}, after ${counting.warmup} untimed), user space only:`,
    "",
    table(["case", "claude-proxy", "bare forwarder (Bun)", "× bare"], rows),
  ].join("\n");
}
