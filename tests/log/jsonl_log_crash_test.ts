// Tests that a request log killed with SIGKILL mid-write (and mid-compaction) stays readable.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openJsonlLog } from "../../src/log/jsonl_log.ts";

const MAX_ENTRIES = 40;
const BOUND = Math.ceil(MAX_ENTRIES * 1.25);

/** A child that writes in a tight loop (lines up to ~40 KiB, so compaction runs constantly). */
function writerScript(path: string): string {
  const module = new URL("../../src/log/jsonl_log.ts", import.meta.url).href;
  return `
import { openJsonlLog } from ${JSON.stringify(module)};
const log = await openJsonlLog({ path: ${JSON.stringify(path)}, maxEntries: ${MAX_ENTRIES} });
let announced = false;
for (let i = 0; ; i++) {
  log.write({
    time: new Date().toISOString(), id: "req_" + i, method: "POST", path: "/v1/messages",
    status: 200, total_ms: i, bodies: { response: "r".repeat((i * 7919) % 40000) },
  });
  if (i % 8 === 0) await log.flush();
  if (!announced && log.stats().compactions >= 3) {
    announced = true;
    await Deno.stdout.write(new TextEncoder().encode("compacting\\n"));
  }
}
`;
}

/** Starts the writer, waits until it has compacted a few times, then kills it with SIGKILL. */
async function killWriterMidWrite(dir: string, path: string): Promise<void> {
  const script = join(dir, "writer.ts");
  await writeFile(script, writerScript(path));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("compacting\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGKILL");
  await reader.cancel();
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", "the writer was killed, not finished");
  assert.ok(seen.includes("compacting"), "the writer reached steady compaction");
}

Deno.test("openJsonlLog leaves only valid JSON lines when its process is killed mid-write", async () => {
  const dir = await mkdtemp(join(tmpdir(), "claude-proxy-crash-"));
  try {
    const path = join(dir, "requests.jsonl");
    for (let round = 0; round < 3; round++) {
      await killWriterMidWrite(dir, path);
      // Every newline-terminated line parses; only a last line without its newline may be torn.
      const text = await readFile(path, "utf8");
      const lines = text.split("\n");
      const tail = lines.pop()!;
      for (const line of lines) JSON.parse(line);
      if (tail !== "") assert.throws(() => JSON.parse(tail), "a complete line lost its newline");
      assert.ok(lines.length <= BOUND, `${lines.length} lines, more than the bound`);
      assert.ok(lines.length >= MAX_ENTRIES, `${lines.length} lines: compaction lost records`);

      // Reopening repairs the file and keeps counting from what is there.
      const log = await openJsonlLog({ path, maxEntries: MAX_ENTRIES });
      assert.equal(log.stats().lines, lines.length);
      log.write({
        time: "2026-01-01T00:00:00.000Z",
        id: `after_${round}`,
        method: "POST",
        path: "/",
        status: 200,
        total_ms: 1,
      });
      await log.close();
      const repaired = await readFile(path, "utf8");
      assert.ok(
        repaired.endsWith(
          `"after_${round}","method":"POST","path":"/","status":200,"total_ms":1}\n`,
        ),
      );
      for (const line of repaired.slice(0, -1).split("\n")) JSON.parse(line);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
