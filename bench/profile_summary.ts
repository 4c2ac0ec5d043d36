// Summarises a .cpuprofile (from Deno's or Bun's --cpu-prof): the top functions by self and total time.
//
//   deno run --allow-read bench/profile_summary.ts PROFILE.cpuprofile [--top N] [--filter TEXT]
//
// Self time is where the samples landed; total time adds everything the function called. Functions
// are keyed by name, file and line, so one function shows once however many call paths reach it.
// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One function's share of a profile. */
export interface FunctionTime {
  key: string;
  selfMs: number;
  totalMs: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules|\.deno|npm|src|bench|ext)\//, "$1/");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

/** Self and total ms per function, largest total first. */
export function summarise(profile: Profile): { functions: FunctionTime[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // V8 samples idle time as "(idle)"; JavaScriptCore (Bun) records no sample while idle, so the
  // delta before a sample can hold an idle gap. A sample counts at most the median interval.
  const sorted = [...profile.timeDeltas].sort((a, b) => a - b);
  const cap = profile.nodes.some((n) => n.callFrame.functionName === "(idle)")
    ? Infinity
    : sorted[Math.floor(sorted.length / 2)] ?? 0;
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.min(profile.timeDeltas[i] ?? 0, cap));
  });
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const key = label(node);
    self.set(key, (self.get(key) ?? 0) + us);
    const seen = new Set<string>();
    for (
      let current: number | undefined = id;
      current !== undefined;
      current = parent.get(current)
    ) {
      const k = label(byId.get(current)!);
      if (seen.has(k)) continue; // recursion: count once per sample
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const functions = [...total].map(([key, us]) => ({
    key,
    selfMs: (self.get(key) ?? 0) / 1000,
    totalMs: us / 1000,
  }));
  const totalMs = [...selfUs.values()].reduce((a, b) => a + b, 0) / 1000;
  return { functions, totalMs };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { top: { type: "string", default: "30" }, filter: { type: "string" } },
    allowPositionals: true,
  });
  const top = Number(values.top);
  for (const path of positionals) {
    const { functions, totalMs } = summarise(JSON.parse(await Deno.readTextFile(path)));
    const idle = functions.find((f) => f.key.startsWith("(idle)"))?.selfMs ?? 0;
    const shown = values.filter
      ? functions.filter((f) => f.key.includes(values.filter!))
      : functions;
    const pct = (ms: number) => `${(100 * ms / (totalMs - idle)).toFixed(1)}%`.padStart(6);
    console.log(
      `${path}: ${totalMs.toFixed(0)} ms sampled, ${(totalMs - idle).toFixed(0)} ms busy`,
    );
    console.log("\nby self time:");
    for (const f of [...shown].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) {
      if (f.key.startsWith("(idle)")) continue;
      console.log(`${pct(f.selfMs)} ${f.selfMs.toFixed(1).padStart(8)} ms  ${f.key}`);
    }
    console.log("\nby total time:");
    for (const f of [...shown].sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) {
      if (f.key.startsWith("(idle)") || f.key.startsWith("(root)")) continue;
      console.log(`${pct(f.totalMs)} ${f.totalMs.toFixed(1).padStart(8)} ms  ${f.key}`);
    }
  }
}
