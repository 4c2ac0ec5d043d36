// The performance goals (issue #22), each checked against one run's figures: met or missed, with the figure.
//
// Latency and CPU goals are absolute, over the direct baseline; where the runtime's own bare
// forwarder (bench/bare_proxy.ts on Bun, the release binaries' runtime) cannot reach an absolute
// figure, the goal is relative to that forwarder measured in the same run.
import type { CountTokensFigures } from "./count_tokens.ts";
import type { Sample } from "./load.ts";
import type { Figures, MemoryFigures } from "./report.ts";

/** The target name of the bare forwarder on Bun in a run. */
export const BARE_BUN = "bare proxy (bun)";

/** What a run measured that the goals read. */
export interface GoalInputs {
  /** Per target name ("direct", "claude-proxy", {@linkcode BARE_BUN}, …), per case. */
  figures: Map<string, Map<string, Figures>>;
  /** Per server target name. */
  memory: Map<string, MemoryFigures>;
  tokens?: CountTokensFigures;
  /** Median time from starting the program to its first answered /health, in ms. */
  startupMs?: number;
}

/** One goal's outcome. */
export interface GoalResult {
  goal: string;
  /** The figure the goal is about, as printed. */
  figure: string;
  /** What it was measured against, as printed ("" when absolute). */
  reference: string;
  target: string;
  met: boolean;
}

type Metric = keyof Sample;

interface Goal {
  label: string;
  /** The figure and the reference it was read against; undefined when the run lacks it. */
  measure(run: Run): { value: number; reference?: string } | undefined;
  op: "≤" | "≥";
  target: number;
  unit: "ms" | "%" | "×" | "MB";
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Reads one run's figures for the goals. */
class Run {
  constructor(readonly inputs: GoalInputs) {}

  #case(target: string, name: string): Figures | undefined {
    const figures = this.inputs.figures.get(target)?.get(name);
    return figures && figures.samples.length > 0 ? figures : undefined;
  }

  p50(target: string, name: string, metric: Metric): number | undefined {
    const values = this.#case(target, name)?.samples.flatMap((s) => s[metric] ?? []);
    return values && values.length > 0 ? percentile(values, 0.5) : undefined;
  }

  /** claude-proxy's p50 minus `base`'s, with the base figure as the reference. */
  over(base: string, name: string, metric: Metric, baseLabel: string) {
    const proxy = this.p50("claude-proxy", name, metric);
    const reference = this.p50(base, name, metric);
    if (proxy === undefined || reference === undefined) return undefined;
    return { value: proxy - reference, reference: `${baseLabel} ${fixed(reference)} ms` };
  }

  cpu(name: string) {
    const f = this.#case("claude-proxy", name);
    return f && f.requests > 0 ? { value: f.cpuMs / f.requests } : undefined;
  }

  rps(target: string, name: string, concurrency: number): number | undefined {
    const load = this.inputs.figures.get(target)?.get(name)?.load.get(concurrency);
    return load && load.windowMs > 0 ? load.completed / (load.windowMs / 1000) : undefined;
  }
}

function fixed(value: number): string {
  const abs = Math.abs(value);
  return abs < 10 ? value.toFixed(2) : abs < 100 ? value.toFixed(1) : value.toFixed(0);
}

const MB = 2 ** 20;

/** The goals, in report order. */
export const GOALS: readonly Goal[] = [
  {
    label: "added latency p50, 76 KB non-streaming",
    measure: (r) => r.over("direct", "real-json", "total", "direct"),
    op: "≤",
    target: 1,
    unit: "ms",
  },
  {
    label: "added latency p50 to the end, 76 KB streaming",
    measure: (r) => r.over("direct", "real-stream", "total", "direct"),
    op: "≤",
    target: 1,
    unit: "ms",
  },
  {
    label: "added first token p50, 76 KB streaming",
    measure: (r) => r.over("direct", "real-stream", "firstToken", "direct"),
    op: "≤",
    target: 1,
    unit: "ms",
  },
  {
    label: "CPU per request, 76 KB non-streaming",
    measure: (r) => r.cpu("real-json"),
    op: "≤",
    target: 1.5,
    unit: "ms",
  },
  {
    label: "CPU per request, 76 KB streaming",
    measure: (r) => r.cpu("real-stream"),
    op: "≤",
    target: 1.5,
    unit: "ms",
  },
  {
    label: "CPU per request, 200-chunk stream",
    measure: (r) => r.cpu("small-stream"),
    op: "≤",
    target: 1,
    unit: "ms",
  },
  {
    label: "passthrough 76 KB non-streaming, p50 over the bare forwarder",
    measure: (r) => r.over(BARE_BUN, "passthrough-real-json", "total", "bare"),
    op: "≤",
    target: 0.3,
    unit: "ms",
  },
  {
    label: "passthrough 76 KB stream, first token p50 over the bare forwarder",
    measure: (r) => r.over(BARE_BUN, "passthrough-real-stream", "firstToken", "bare"),
    op: "≤",
    target: 0.3,
    unit: "ms",
  },
  {
    label: "passthrough 76 KB stream, p50 to the end over the bare forwarder",
    measure: (r) => r.over(BARE_BUN, "passthrough-real-stream", "total", "bare"),
    op: "≤",
    target: 0.3,
    unit: "ms",
  },
  {
    label: "passthrough 200-delta stream, p50 to the end over the bare forwarder",
    measure: (r) => r.over(BARE_BUN, "passthrough-small-stream", "total", "bare"),
    op: "≤",
    target: 0.3,
    unit: "ms",
  },
  {
    label: "requests/s at concurrency 16, 76 KB non-streaming, share of the bare forwarder's",
    measure: (r) => {
      const proxy = r.rps("claude-proxy", "real-json", 16);
      const bare = r.rps(BARE_BUN, "real-json", 16);
      if (proxy === undefined || bare === undefined) return undefined;
      return { value: 100 * proxy / bare, reference: `${fixed(proxy)} of ${fixed(bare)}/s` };
    },
    op: "≥",
    target: 85,
    unit: "%",
  },
  {
    label: "RSS peak at concurrency 64, times the bare forwarder's",
    measure: (r) => {
      const proxy = r.inputs.memory.get("claude-proxy")?.peakAt64;
      const bare = r.inputs.memory.get(BARE_BUN)?.peakAt64;
      if (!proxy || !bare) return undefined;
      return { value: proxy / bare, reference: `${fixed(proxy / MB)} of ${fixed(bare / MB)} MB` };
    },
    op: "≤",
    target: 2,
    unit: "×",
  },
  {
    label: "RSS idle after start",
    measure: (r) => {
      const idle = r.inputs.memory.get("claude-proxy")?.idleFresh;
      return idle ? { value: idle / MB } : undefined;
    },
    op: "≤",
    target: 50,
    unit: "MB",
  },
  {
    label: "/health answered after start, median",
    measure: (r) => r.inputs.startupMs === undefined ? undefined : { value: r.inputs.startupMs },
    op: "≤",
    target: 100,
    unit: "ms",
  },
  {
    label: "count_tokens p50, a new 76 KB prompt",
    measure: (r) => r.inputs.tokens ? { value: r.inputs.tokens.newPromptMs } : undefined,
    op: "≤",
    target: 5,
    unit: "ms",
  },
];

function withUnit(value: number, unit: Goal["unit"]): string {
  return unit === "×" ? `${value.toFixed(2)}×` : `${fixed(value)} ${unit}`;
}

/** Checks every goal the run has figures for; goals whose case or target did not run are left out. */
export function checkGoals(inputs: GoalInputs): GoalResult[] {
  const run = new Run(inputs);
  const results: GoalResult[] = [];
  for (const goal of GOALS) {
    const measured = goal.measure(run);
    if (!measured || !Number.isFinite(measured.value)) continue;
    const { value, reference = "" } = measured;
    results.push({
      goal: goal.label,
      figure: withUnit(value, goal.unit),
      reference,
      target: `${goal.op} ${withUnit(goal.target, goal.unit)}`,
      met: goal.op === "≤" ? value <= goal.target : value >= goal.target,
    });
  }
  return results;
}
