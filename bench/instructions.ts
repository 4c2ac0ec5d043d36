// Instructions per request, counted under QEMU's user-mode emulator: a CPU figure the machine's load does not move.
//
// A server started under {@linkcode counterPrefix} runs 5–10 times slower, but every guest
// instruction it executes (its own, the runtime's, JIT-compiled code, all threads) is counted by a
// small QEMU plugin (bench/insn_count.c) that keeps the running total in a file. Reading the total
// while the server is idle, before and after a batch of requests, gives the instructions the batch
// took, whatever else the cores are doing. The kernel's share (system calls) is not in it.
// valgrind's callgrind would count the same way but stops Bun with SIGILL (valgrind 3.19 does not
// decode the SSE4.2 string instruction Bun's HTTP parser uses), so QEMU is used instead.
import { fromFileUrl } from "../tests/helpers/paths.ts";

const PLUGIN_SOURCE = fromFileUrl(new URL("insn_count.c", import.meta.url));

/** Why instructions cannot be counted here, or undefined when they can. */
export async function countingUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
    return `counting runs on linux x86_64, not ${Deno.build.target}`;
  }
  for (const [program, install] of [["qemu-x86_64", "qemu-user"], ["cc", "gcc"]] as const) {
    try {
      await new Deno.Command(program, { args: ["--version"], stdout: "null", stderr: "null" })
        .output();
    } catch {
      return `${program} is not installed (apt-get install ${install})`;
    }
  }
  return undefined;
}

/** Compiles the counting plugin into `dir`; returns its path. */
export async function buildCounter(dir: string): Promise<string> {
  const plugin = `${dir}/libinsn_count.so`;
  const output = await new Deno.Command("cc", {
    args: ["-O2", "-shared", "-fPIC", "-o", plugin, PLUGIN_SOURCE, "-lpthread"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `Building the counting plugin failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return plugin;
}

/** The command prefix that runs a program under QEMU, counting into `outFile`. */
export function counterPrefix(plugin: string, outFile: string): string[] {
  return ["qemu-x86_64", "-cpu", "max", "-plugin", `${plugin},out=${outFile}`];
}

/** The total in `outFile` once it has stopped changing (the server is idle). */
export async function readCount(outFile: string, settleMs = 40): Promise<number> {
  let last = -1;
  for (let i = 0; i < 250; i++) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const value = Number((await Deno.readTextFile(outFile)).trim());
    if (value === last) return value;
    last = value;
  }
  throw new Error(`The instruction count in ${outFile} kept changing while the server was idle`);
}

/** The instructions the counted server executes while `work` runs. */
export async function countInstructions(
  outFile: string,
  work: () => Promise<void>,
): Promise<number> {
  const before = await readCount(outFile);
  await work();
  return await readCount(outFile) - before;
}

/** Instructions per request of one case on one target: the median of the rounds, and their spread. */
export interface InstructionFigures {
  median: number;
  min: number;
  max: number;
}

/** Options for {@linkcode measureInstructions}. */
export interface MeasureInstructionsOptions {
  /** Untimed requests before counting (the JIT settles). */
  warmup: number;
  rounds: number;
  perRound: number;
  log?: (text: string) => void;
}

/**
 * Counts instructions per request for each endpoint of a target whose server counts into
 * `outFile`: `warmup` requests, then `rounds` counted batches of `perRound`.
 */
export async function measureInstructions(
  outFile: string,
  endpoints: Map<string, { send(): Promise<void> }>,
  options: MeasureInstructionsOptions,
): Promise<Map<string, InstructionFigures>> {
  const result = new Map<string, InstructionFigures>();
  for (const [name, endpoint] of endpoints) {
    options.log?.(`  ${name}`);
    for (let i = 0; i < options.warmup; i++) await endpoint.send();
    const perRequest: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const count = await countInstructions(outFile, async () => {
        for (let i = 0; i < options.perRound; i++) await endpoint.send();
      });
      perRequest.push(count / options.perRound);
    }
    perRequest.sort((a, b) => a - b);
    result.set(name, {
      median: perRequest[Math.floor(perRequest.length / 2)]!,
      min: perRequest[0]!,
      max: perRequest.at(-1)!,
    });
  }
  return result;
}
