// The end-to-end benchmark: the release binary against the direct baseline and the bare Bun forwarder, in one run.
//
//   deno task bench          (= deno bench bench/translate_bench.ts, then deno run -A bench/run.ts)
//   deno run -A bench/run.ts [--quick] [--case NAME]... [--binary PATH | --source] [--ccr]
//                            [--compare CHECKOUT|BINARY]... [--bare deno]... [--json FILE]
//                            [--no-instructions] [--profile DIR] [--v8-flags FLAGS]
//
// claude-proxy is the release binary: built for this machine with `bun build --compile` (as the
// release workflow builds it) into a temporary directory, unless --binary names a build or
// --source asks for `deno run main.ts`. One invocation starts the mock upstream, claude-proxy and
// bench/bare_proxy.ts on Bun (a plain forwarder: read the body, re-serialise it or pass its bytes,
// pipe the answer through one stage, translate and log nothing; the floor the goals are read
// against where the issue says so), and with --ccr claude-code-router 2.0.0, as separate processes
// on 127.0.0.1. It checks each answer once, warms up, then alternates targets phase by phase:
// sequential requests for latency and CPU per request, then closed-loop load at concurrency 1, 16
// and 64 for throughput and peak memory. "direct" sends the same case straight to the mock as the
// proxy itself sends it upstream: in OpenAI format, or for the `passthrough-*` cases (routed to an
// Anthropic-format provider) as the same Anthropic request with the upstream model. Then it times
// start-up to the first /health, count_tokens, and (on linux x86_64 with qemu-user and a C
// compiler) counts the instructions per request of claude-proxy and the bare forwarder under
// QEMU, which the machine's load does not move (bench/instructions.ts). It prints the figures as
// Markdown, each with its ratio to direct, and every goal (bench/goals.ts) met or missed.
// Every loop is bounded by a count or a time; a full run takes about ten minutes, --quick four.
// deno-lint-ignore-file no-console
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { binaryName, bunCommand, compileCommand, hostTarget } from "../scripts/compile.ts";
import { fromFileUrl } from "../tests/helpers/paths.ts";
import { checkGoals } from "./goals.ts";
import { countingUnavailable, type InstructionFigures } from "./instructions.ts";
import {
  countTokensPhase,
  emptyFigures,
  endpoints,
  FULL,
  instructionPhase,
  latencyPhases,
  loadPhases,
  log,
  QUICK,
  type Routes,
  startupPhase,
  type Target,
} from "./phases.ts";
import { timedRequest } from "./load.ts";
import { memory } from "./proc_stats.ts";
import { ANTHROPIC_UPSTREAM_KEY, anthropicRequest, directRequest, scenarios } from "./scenarios.ts";
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
  goalsReport,
  instructionsReport,
  machine,
  type MemoryFigures,
  memoryReport,
  scenarioReport,
} from "./report.ts";
import { verifyAnswer } from "./verify.ts";

/** The usage text; `cases` are the case names. */
function usage(cases: string[]): string {
  return `Usage: deno run -A bench/run.ts [options]

Builds the release binary for this machine (bun build --compile) and runs it, the mock upstream,
the direct baseline and the bare Bun forwarder in one invocation; prints the figures as Markdown,
each with its ratio to direct, and every performance goal met or missed.

Options:
  --quick                 a shorter run (about four minutes)
  --case NAME             only this case (repeatable): ${cases.join(", ")}
  --binary PATH           run this build as claude-proxy instead of building the release binary
  --source                run deno run main.ts as claude-proxy instead of the release binary
  --ccr                   also claude-code-router 2.0.0, installed from npm into a temp dir
  --compare PATH          also another checkout or a compiled binary, in the same run (repeatable)
  --bare RUNTIME          also a plain forwarder on deno (the one on bun always runs)
  --no-instructions       skip counting instructions per request under QEMU
  --v8-flags FLAGS        V8 flags for claude-proxy under --source
  --profile DIR           write a CPU profile of claude-proxy to DIR when it stops
                          (Bun's or Deno's --cpu-prof; see bench/profile_summary.ts)
  --json FILE             also write every figure as JSON
  -h, --help              show this help`;
}

async function caseNames(): Promise<string[]> {
  return (await scenarios()).map((s) => s.name);
}

const ROOT = fromFileUrl(new URL("../", import.meta.url));

/**
 * Builds this machine's release binary into `dir` with Bun, as the release workflow does; returns
 * its path and the Bun version that built it.
 */
async function buildReleaseBinary(dir: string): Promise<{ binary: string; bun: string }> {
  const target = hostTarget(Deno.build.os, Deno.build.arch);
  if (!target) throw new Error(`No release target for ${Deno.build.target}: use --source`);
  const output = `${dir}/${binaryName(target)}`;
  const [program, ...args] = [
    ...await bunCommand(),
    ...compileCommand(target, { compiler: "bun", output }),
  ] as [string, ...string[]];
  log(`building the release binary (${program} ${args.join(" ")}) ...`);
  const built = await new Deno.Command(program, {
    args,
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (!built.success) {
    throw new Error(
      `Building the release binary failed:\n${new TextDecoder().decode(built.stderr)}`,
    );
  }
  const version = await new Deno.Command(program, { args: ["--version"] }).output();
  return { binary: output, bun: new TextDecoder().decode(version.stdout).trim() };
}

/** The bare forwarders to run: Bun's always (the goals' floor), Deno's when asked. */
function bareRuntimes(asked: string[]): BareRuntime[] {
  for (const runtime of asked) {
    if (runtime !== "deno" && runtime !== "bun") {
      throw new Error(`--bare takes deno or bun, not ${JSON.stringify(runtime)}`);
    }
  }
  return ["bun", ...(asked.includes("deno") ? ["deno" as const] : [])];
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    args: Deno.args,
    options: {
      help: { type: "boolean", short: "h", default: false },
      ccr: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      binary: { type: "string" },
      source: { type: "boolean", default: false },
      "no-instructions": { type: "boolean", default: false },
      json: { type: "string" },
      profile: { type: "string" },
      case: { type: "string", multiple: true },
      compare: { type: "string", multiple: true },
      bare: { type: "string", multiple: true },
      "v8-flags": { type: "string" },
    },
  });
  if (flags.help) return console.log(usage(await caseNames()));
  if (flags.binary && flags.source) throw new Error("Give --binary or --source, not both");
  const settings = flags.quick ? QUICK : FULL;
  const bares = bareRuntimes(flags.bare ?? []);
  const loadBefore = Deno.loadavg()[0]!;
  const all = await scenarios();
  const list = flags.case ? all.filter((s) => flags.case!.includes(s.name)) : all;
  if (list.length === 0) {
    throw new Error(`No such case; known: ${all.map((s) => s.name).join(", ")}`);
  }
  const noCounting = flags["no-instructions"]
    ? "--no-instructions"
    : flags.source
    ? "it counts the compiled binary, not deno run"
    : await countingUnavailable();
  const buildDir = await Deno.makeTempDir({ prefix: "claude-proxy-bench-build-" });
  const servers: ServerProcess[] = [];
  try {
    const built = flags.source || flags.binary ? undefined : await buildReleaseBinary(buildDir);
    const binary = built?.binary ??
      (flags.binary ? fromFileUrl(new URL(flags.binary, `file://${Deno.cwd()}/`)) : undefined);
    const subject = built
      ? `the release binary (${basename(built.binary)}, built for this run with Bun ${built.bun})`
      : binary
      ? `the binary ${flags.binary}`
      : "deno run main.ts";
    log(`claude-proxy: ${subject}`);
    const mock = await startMock();
    servers.push(mock);
    const routes: Routes = {
      passthrough: Object.fromEntries(
        all.filter((s) => s.upstream === "anthropic").map((s) => [s.clientModel, s.model]),
      ),
      anthropicKey: ANTHROPIC_UPSTREAM_KEY,
    };
    const profile = flags.profile
      ? fromFileUrl(new URL(flags.profile, `file://${Deno.cwd()}/`))
      : "";
    const proxy = await startClaudeProxy(mock.url, {
      ...routes,
      ...(binary ? { binary } : {}),
      // A Bun-compiled binary takes runtime flags from BUN_OPTIONS.
      ...(binary && profile
        ? { env: { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } }
        : {}),
      denoFlags: [
        ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : []),
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
      const isBinary = Deno.statSync(path).isFile;
      const other = await startClaudeProxy(
        mock.url,
        { ...routes, ...(isBinary ? { binary: path } : { checkout: path }) },
      );
      servers.push(other);
      targets.push({
        name: `claude-proxy (${basename(path)})`,
        server: other,
        endpoints: await endpoints(other.url, list, (s) => anthropicRequest(s)),
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
    // After the memory figures, so that the tokenizer count_tokens loads is in none of them.
    const tokens = await countTokensPhase(all, proxy);
    for (const server of servers.splice(1).reverse()) await server.stop();
    const startupMs = await startupPhase(binary, settings.startups);
    let instructions: Map<string, Map<string, InstructionFigures>> | undefined;
    if (noCounting === undefined && binary) {
      instructions = await instructionPhase(binary, mock.url, routes, list, settings);
    } else {
      log(`instructions per request not counted: ${noCounting}`);
    }
    const goals = checkGoals({ figures, memory: memoryFigures, tokens, startupMs });
    const out: string[] = [];
    out.push(`Machine: ${machine(loadBefore)}`);
    out.push(`claude-proxy: ${subject}.`);
    out.push(
      `Each case: ${settings.rounds * settings.perRound} sequential requests per target ` +
        `(${settings.rounds} alternating rounds); load windows of ${settings.loadWindowMs} ms × ` +
        `${settings.loadRounds} per concurrency. "added" is the target minus direct.`,
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
    out.push(
      "",
      `Start-up to the first answered /health: ${
        startupMs.toFixed(0)
      } ms (median of ${settings.startups}).`,
    );
    out.push("", countTokensReport(tokens));
    if (instructions) {
      out.push("", instructionsReport(list.map((s) => s.name), instructions, settings.counting));
    }
    out.push("", goalsReport(goals));
    console.log(out.join("\n"));
    if (flags.json) {
      const dump = {
        machine: machine(loadBefore),
        subject,
        settings,
        figures: Object.fromEntries([...figures].map(([name, byCase]) => [
          name,
          Object.fromEntries(
            [...byCase].map(([c, f]) => [c, { ...f, load: Object.fromEntries(f.load) }]),
          ),
        ])),
        memory: Object.fromEntries(memoryFigures),
        startupMs,
        tokens,
        instructions: instructions &&
          Object.fromEntries([...instructions].map(([name, m]) => [name, Object.fromEntries(m)])),
        goals,
      };
      await Deno.writeTextFile(flags.json, JSON.stringify(dump, null, 2));
    }
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await Deno.remove(buildDir, { recursive: true });
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
