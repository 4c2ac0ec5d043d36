// The benchmark's goals (bench/goals.ts): each met or missed from one run's figures, against direct or the bare forwarder.
import assert from "node:assert/strict";
import { BARE_BUN, checkGoals, type GoalInputs, type GoalResult } from "../../bench/goals.ts";
import { goalsReport } from "../../bench/report.ts";
import type { Figures, MemoryFigures } from "../../bench/report.ts";

const MB = 2 ** 20;

/** Figures of one case: every sample the same, `cpuMs` of CPU per request, `rps` at concurrency 16. */
function figures(
  sample: { total: number; firstByte?: number; firstToken?: number },
  options: { cpuMs?: number; rps?: number } = {},
): Figures {
  const requests = 10;
  return {
    samples: Array.from({ length: requests }, () => ({ firstByte: sample.total, ...sample })),
    cpuMs: (options.cpuMs ?? 0) * requests,
    mockCpuMs: 0,
    driverCpuMs: 0,
    requests,
    load: options.rps === undefined ? new Map() : new Map([[16, {
      completed: options.rps,
      windowMs: 1000,
      cpuMs: 0,
      mockCpuMs: 0,
      errors: 0,
    }]]),
  };
}

function memory(idleFresh: number, peakAt64: number): MemoryFigures {
  return { idleFresh: idleFresh * MB, peakAt64: peakAt64 * MB, idleAfter: 0, hwm: 0 };
}

/** A run in which claude-proxy meets every goal. */
function goodRun(): GoalInputs {
  return {
    figures: new Map([
      [
        "direct",
        new Map([
          ["real-json", figures({ total: 0.2 })],
          ["real-stream", figures({ total: 0.7, firstToken: 0.3 })],
        ]),
      ],
      [
        "claude-proxy",
        new Map([
          ["real-json", figures({ total: 0.9 }, { cpuMs: 0.9, rps: 1800 })],
          ["real-stream", figures({ total: 1.3, firstToken: 1.2 }, { cpuMs: 1.1 })],
          ["small-stream", figures({ total: 1 }, { cpuMs: 0.8 })],
          ["passthrough-real-json", figures({ total: 0.7 })],
          ["passthrough-real-stream", figures({ total: 0.8, firstToken: 0.75 })],
        ]),
      ],
      [
        BARE_BUN,
        new Map([
          ["real-json", figures({ total: 0.8 }, { rps: 2000 })],
          ["passthrough-real-json", figures({ total: 0.5 })],
          ["passthrough-real-stream", figures({ total: 0.6, firstToken: 0.5 })],
        ]),
      ],
    ]),
    memory: new Map([["claude-proxy", memory(46, 170)], [BARE_BUN, memory(30, 90)]]),
    tokens: {
      loadMs: 200,
      newPromptMs: 3.3,
      repeatMs: 0.6,
      newPromptCpuMs: 3.3,
      repeatCpuMs: 0.6,
      inputTokens: 17000,
    },
    startupMs: 40,
  };
}

function byGoal(results: GoalResult[]): Map<string, GoalResult> {
  return new Map(results.map((r) => [r.goal, r]));
}

Deno.test("every goal of a run that meets them is reported met, with its figure and target", () => {
  const results = checkGoals(goodRun());
  assert.deepEqual(results.filter((r) => !r.met), []);
  const goals = byGoal(results);
  assert.deepEqual(goals.get("added latency p50, 76 KB non-streaming"), {
    goal: "added latency p50, 76 KB non-streaming",
    figure: "0.70 ms",
    reference: "direct 0.20 ms",
    target: "≤ 1.00 ms",
    met: true,
  });
  assert.equal(goals.get("added first token p50, 76 KB streaming")?.figure, "0.90 ms");
  assert.equal(goals.get("CPU per request, 76 KB streaming")?.figure, "1.10 ms");
  assert.equal(goals.get("/health answered after start, median")?.target, "≤ 100 ms");
  // The passthrough's 200-delta stream did not run, so its goal is left out, not failed.
  assert.equal(results.length, 14);
});

Deno.test("goals relative to the bare Bun forwarder are read against its figures in the same run", () => {
  const goals = byGoal(checkGoals(goodRun()));
  assert.deepEqual(
    goals.get("passthrough 76 KB non-streaming, p50 over the bare forwarder"),
    {
      goal: "passthrough 76 KB non-streaming, p50 over the bare forwarder",
      figure: "0.20 ms",
      reference: "bare 0.50 ms",
      target: "≤ 0.30 ms",
      met: true,
    },
  );
  const share = goals.get(
    "requests/s at concurrency 16, 76 KB non-streaming, share of the bare forwarder's",
  );
  assert.deepEqual([share?.figure, share?.reference, share?.target], [
    "90.0 %",
    "1800 of 2000/s",
    "≥ 85.0 %",
  ]);
  const rss = goals.get("RSS peak at concurrency 64, times the bare forwarder's");
  assert.deepEqual([rss?.figure, rss?.reference, rss?.met], ["1.89×", "170 of 90.0 MB", true]);
});

Deno.test("a figure past its target is reported missed, whichever way the goal points", () => {
  const run = goodRun();
  run.figures.get("claude-proxy")!.set("small-stream", figures({ total: 1 }, { cpuMs: 1.4 }));
  run.figures.get("claude-proxy")!.get("real-json")!.load.get(16)!.completed = 1480;
  run.memory.set("claude-proxy", memory(55, 250));
  run.startupMs = 140;
  const missed = checkGoals(run).filter((r) => !r.met).map((r) => `${r.goal}: ${r.figure}`);
  assert.deepEqual(missed, [
    "CPU per request, 200-chunk stream: 1.40 ms",
    "requests/s at concurrency 16, 76 KB non-streaming, share of the bare forwarder's: 74.0 %",
    "RSS peak at concurrency 64, times the bare forwarder's: 2.78×",
    "RSS idle after start: 55.0 MB",
    "/health answered after start, median: 140 ms",
  ]);
});

Deno.test("without the bare forwarder's figures the goals read against it are left out", () => {
  const run = goodRun();
  run.figures.delete(BARE_BUN);
  run.memory.delete(BARE_BUN);
  const goals = checkGoals(run).map((r) => r.goal);
  assert.ok(!goals.some((g) => g.includes("bare forwarder")), goals.join("\n"));
  assert.ok(goals.includes("added latency p50, 76 KB non-streaming"));
});

Deno.test("the goals table marks a missed goal so it stands out", () => {
  const run = goodRun();
  run.startupMs = 140;
  const text = goalsReport(checkGoals(run));
  const lines = text.split("\n");
  assert.equal(lines[0], "| goal | claude-proxy | against | target | met |");
  assert.ok(
    lines.includes("| /health answered after start, median | 140 ms |  | ≤ 100 ms | **no** |"),
  );
  assert.ok(lines.includes("| RSS idle after start | 46.0 MB |  | ≤ 50.0 MB | yes |"));
});
