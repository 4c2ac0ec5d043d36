// The instruction counter (bench/instructions.ts and its QEMU plugin, bench/insn_count.c).
import assert from "node:assert/strict";
import {
  buildCounter,
  counterPrefix,
  countingUnavailable,
  countInstructions,
  readCount,
} from "../../bench/instructions.ts";
import { withTempDir } from "../helpers/paths.ts";

const unavailable = await countingUnavailable();

async function countedRun(plugin: string, outFile: string, args: string[]): Promise<number> {
  const [program, ...rest] = [...counterPrefix(plugin, outFile), ...args] as [string, ...string[]];
  const { success } = await new Deno.Command(program, { args: rest, stdout: "null" }).output();
  assert.ok(success);
  return await readCount(outFile);
}

Deno.test({
  name: "the QEMU plugin counts more instructions for a program that does more",
  ignore: unavailable !== undefined,
  fn: () =>
    withTempDir("claude-proxy-count-", async (dir) => {
      const plugin = await buildCounter(dir);
      const quiet = await countedRun(plugin, `${dir}/true.count`, ["/bin/true"]);
      const busy = await countedRun(plugin, `${dir}/loop.count`, [
        "/bin/sh",
        "-c",
        "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done",
      ]);
      assert.ok(quiet > 10_000, `true ran ${quiet} instructions`);
      assert.ok(busy > 10 * quiet, `the loop ran ${busy}, true ${quiet}`);
    }),
});

Deno.test("countInstructions is the difference of the settled totals around the work", async () => {
  await withTempDir("claude-proxy-count-", async (dir) => {
    const file = `${dir}/count`;
    await Deno.writeTextFile(file, "1000\n");
    const counted = await countInstructions(file, async () => {
      await Deno.writeTextFile(file, "1500\n");
      await Deno.writeTextFile(file, "4200\n");
    });
    assert.equal(counted, 3200);
  });
});
