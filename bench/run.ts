// The end-to-end benchmark: the direct baseline and claude-proxy (and claude-code-router) in one run.
//
//   deno run -A bench/run.ts [--ccr] [--quick] [--case NAME]... [--binary PATH] [--json FILE]
//                            [--profile DIR] [--v8-flags FLAGS] [--compare CHECKOUT|BINARY]...
//                            [--bare deno|bun]...
//
// One invocation starts the mock OpenAI upstream and claude-proxy (and, with --ccr,
// claude-code-router 2.0.0 installed from npm) as separate processes on 127.0.0.1, checks each
// answer once, warms up, then alternates targets phase by phase: sequential requests for latency
// and CPU per request, then closed-loop load at concurrency 1, 16 and 64 for throughput. "direct"
// sends the same case straight to the mock as the proxy itself sends it upstream: in OpenAI format,
// or, for the `passthrough-*` cases (routed to an Anthropic-format provider), as the same Anthropic
// request with the upstream model. claude-code-router has no passthrough here: it gets those cases
// through its OpenAI provider, like the others. `--bare` adds bench/bare_proxy.ts, a plain
// forwarder (read the body, re-serialise it or pass its bytes, pipe the answer through one stage,
// translate and log nothing), so each figure can be read against what the runtime itself costs.
// Every loop is bounded by a count or a time; the whole run takes about two minutes (four with
// --ccr, one with --quick). The figures print as Markdown, each with its ratio to direct.
// deno-lint-ignore-file no-console
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { measureCountTokens, variant } from "./count_tokens.ts";
import { type Endpoint, runLoad, timedRequest } from "./load.ts";
import { cpuMs, memory, sampleRss } from "./proc_stats.ts";
import {
  ANTHROPIC_UPSTREAM_KEY,
  anthropicRequest,
  directRequest,
  type PreparedRequest,
  type Scenario,
  scenarios,
} from "./scenarios.ts";
import {
  type BareRuntime,
  CCR_PACKAGE,
  type ServerProcess,
  startBareProxy,
  startClaudeCodeRouter,
  startClaudeProxy,
  startMock,
} from "./targets.ts";
import {
  countTokensReport,
  type Figures,
  machine,
  type MemoryFigures,
  memoryReport,
  scenarioReport,
  targetChecks,
} from "./report.ts";
import { verifyAnswer } from "./verify.ts";

interface Settings {
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

const FULL: Settings = {
  rounds: 6,
  perRound: 50,
  warmup: 1000,
  concurrencies: [1, 16, 64],
  loadWarmupMs: 300,
  loadWindowMs: 1200,
  loadRounds: 2,
  loadCases: ["real-json", "real-stream", "small-stream", "passthrough-real-stream"],
};

const QUICK: Settings = {
  ...FULL,
  rounds: 3,
  perRound: 30,
  warmup: 300,
  loadWindowMs: 600,
  loadRounds: 1,
};

interface Target {
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

async function endpoints(
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

function log(text: string): void {
  console.error(text);
}

/** The usage text; `cases` are the case names. */
function usage(cases: string[]): string {
  return `Usage: deno run -A bench/run.ts [options]

Runs the mock upstream, the direct baseline and claude-proxy in one invocation and prints the
figures as Markdown, each with its ratio to direct.

Options:
  --quick                 a shorter run (about a minute)
  --case NAME             only this case (repeatable): ${cases.join(", ")}
  --ccr                   also claude-code-router 2.0.0, installed from npm into a temp dir
  --compare PATH          also another checkout or a compiled binary, in the same run (repeatable)
  --bare RUNTIME          also a plain forwarder (bench/bare_proxy.ts) on deno or bun (repeatable)
  --binary PATH           run this compiled binary as claude-proxy instead of deno run main.ts
  --v8-flags FLAGS        V8 flags for claude-proxy under deno run
  --profile DIR           write CPU profiles of claude-proxy to DIR (see bench/profile_summary.ts)
  --json FILE             also write every figure as JSON
  -h, --help              show this help`;
}

async function caseNames(): Promise<string[]> {
  return (await scenarios()).map((s) => s.name);
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    args: Deno.args,
    options: {
      help: { type: "boolean", short: "h", default: false },
      ccr: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      binary: { type: "string" },
      json: { type: "string" },
      profile: { type: "string" },
      case: { type: "string", multiple: true },
      compare: { type: "string", multiple: true },
      bare: { type: "string", multiple: true },
      "v8-flags": { type: "string" },
    },
  });
  if (flags.help) return console.log(usage(await caseNames()));
  const settings = flags.quick ? QUICK : FULL;
  const bares = (flags.bare ?? []).map((runtime) => {
    if (runtime !== "deno" && runtime !== "bun") {
      throw new Error(`--bare takes deno or bun, not ${JSON.stringify(runtime)}`);
    }
    return runtime as BareRuntime;
  });
  const loadBefore = Deno.loadavg()[0]!;
  const all = await scenarios();
  const list = flags.case ? all.filter((s) => flags.case!.includes(s.name)) : all;
  if (list.length === 0) {
    throw new Error(`No such case; known: ${all.map((s) => s.name).join(", ")}`);
  }
  const servers: ServerProcess[] = [];
  try {
    const mock = await startMock();
    servers.push(mock);
    const routes = {
      passthrough: Object.fromEntries(
        all.filter((s) => s.upstream === "anthropic").map((s) => [s.clientModel, s.model]),
      ),
      anthropicKey: ANTHROPIC_UPSTREAM_KEY,
    };
    const proxy = await startClaudeProxy(mock.url, {
      ...routes,
      ...(flags.binary ? { binary: flags.binary } : {}),
      denoFlags: [
        ...(flags.profile ? ["--cpu-prof", `--cpu-prof-dir=${flags.profile}`] : []),
        ...(flags["v8-flags"] ? [`--v8-flags=${flags["v8-flags"]}`] : []),
      ],
    });
    servers.push(proxy);
    const targets: Target[] = [
      {
        name: "direct",
        endpoints: await endpoints(mock.url, list, directRequest, true),
        upstreamFormat: true,
      },
      {
        name: "claude-proxy",
        server: proxy,
        endpoints: await endpoints(proxy.url, list, (s) => anthropicRequest(s)),
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
        ),
      });
    }
    for (const path of flags.compare ?? []) {
      const binary = Deno.statSync(path).isFile;
      const other = await startClaudeProxy(
        mock.url,
        { ...routes, ...(binary ? { binary: path } : { checkout: path }) },
      );
      servers.push(other);
      targets.push({
        name: `claude-proxy (${basename(path)})`,
        server: other,
        endpoints: await endpoints(other.url, list, (s) => anthropicRequest(s)),
      });
    }
    for (const runtime of bares) {
      const bare = await startBareProxy(mock.url, runtime);
      servers.push(bare);
      targets.push({
        name: `bare proxy (${runtime})`,
        server: bare,
        // It answers in the upstream's format, so it is read as direct is.
        endpoints: await endpoints(bare.url, list, (s) => anthropicRequest(s), true),
        upstreamFormat: true,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const memoryFigures = new Map<string, MemoryFigures>();
    for (const target of targets.slice(1)) {
      const m = memory(target.server!.pid);
      memoryFigures.set(target.name, { idleFresh: m.rss, peakAt64: 0, idleAfter: 0, hwm: 0 });
    }
    log("checking every answer once ...");
    for (const target of targets.filter((t) => !t.upstreamFormat)) {
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
    // Last, so that the memory figures of every claude-proxy target are taken in the same state
    // (the tokenizer count_tokens loads is not in any of them).
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
    const tokens = await measureCountTokens(proxy.url, {
      small: await anthropicRequest(small),
      warmup: await newPrompts(1000, 20),
      variants: await newPrompts(0, 40),
      repeat: Array.from({ length: 50 }, () => realRequest),
    }, proxy.pid);
    const out: string[] = [];
    out.push(`Machine: ${machine(loadBefore)}`);
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
          targets.map((t) => t.name),
          targets.map((t) => figures.get(t.name)!.get(scenario.name)!),
        ),
      );
    }
    out.push("", memoryReport(targets.slice(1).map((t) => t.name), memoryFigures));
    out.push("", countTokensReport(tokens));
    out.push("", targetChecks(figures, memoryFigures, tokens));
    console.log(out.join("\n"));
    if (flags.json) {
      const dump = {
        machine: machine(loadBefore),
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

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    const badUsage = error instanceof TypeError && "code" in error &&
      String(error.code).startsWith("ERR_PARSE_ARGS");
    log(`bench: ${error instanceof Error ? error.message : String(error)}`);
    if (badUsage) log(`\n${usage(await caseNames())}`);
    Deno.exit(badUsage ? 2 : 1);
  }
}
