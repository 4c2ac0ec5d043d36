// Tests for one request log written by several writers: two logs in one process, and two processes.
import assert from "node:assert/strict";
import { appendFile, mkdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openJsonlLog } from "../../src/log/jsonl_log.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { withTempDir } from "../helpers/paths.ts";

function record(writer: string, i: number): RequestLogRecord {
  return {
    time: "2026-01-01T00:00:00.000Z",
    id: `${writer}_${i}`,
    method: "POST",
    path: "/v1/messages",
    status: 200,
    total_ms: i,
  };
}

/** Every line of the file, asserting each one ends with a newline and parses (no torn line). */
async function strictIds(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  assert.ok(text === "" || text.endsWith("\n"), "the file ends with a complete line");
  return text.split("\n").slice(0, -1).map((line) => (JSON.parse(line) as RequestLogRecord).id);
}

/**
 * What each writer's records in the file must be when none was lost: the file keeps the newest
 * lines in the order they were written, so each writer's records in it are its newest ones, with
 * no gap, ending with the last one it wrote.
 */
function assertNoneLost(ids: string[], writers: string[], perWriter: number): void {
  for (const writer of writers) {
    const mine = ids.filter((id) => id.startsWith(`${writer}_`)).map((id) =>
      Number(id.split("_")[1])
    );
    assert.ok(mine.length > 0, `no record of ${writer} in the file: ${ids.join(" ")}`);
    const first = mine[0]!;
    assert.deepEqual(mine, mine.map((_, i) => first + i), `${writer}'s records have a gap`);
    assert.equal(mine.at(-1), perWriter - 1, `${writer}'s newest record is missing`);
  }
}

Deno.test("two logs on one file lose no record through many compactions", async () => {
  await withTempDir("claude-proxy-shared-", async (dir) => {
    const path = join(dir, "requests.jsonl");
    const a = await openJsonlLog({ path, maxEntries: 20 });
    const b = await openJsonlLog({ path, maxEntries: 20 });
    for (let i = 0; i < 300; i++) {
      a.write(record("a", i));
      b.write(record("b", i));
      if (i % 7 === 0) await a.flush();
      if (i % 5 === 0) await b.flush();
    }
    await Promise.all([a.close(), b.close()]);
    const ids = await strictIds(path);
    assert.ok(ids.length >= 20 && ids.length <= 25, `${ids.length} lines`);
    assertNoneLost(ids, ["a", "b"], 300);
    assert.ok(a.stats().compactions >= 3 && b.stats().compactions >= 3);
    assert.equal(a.stats().dropped + b.stats().dropped, 0);
    await assert.rejects(stat(`${path}.lock`), { code: "ENOENT" });
  });
});

/**
 * A child process that writes `count` records as fast as it can once told to start (a line on its
 * stdin), says "done", and on the next line writes one last record (id `<name>_<count>`).
 */
function writerScript(path: string, name: string, count: number): string {
  const module = new URL("../../src/log/jsonl_log.ts", import.meta.url).href;
  return `
import { openJsonlLog } from ${JSON.stringify(module)};
const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
const say = (text) => Deno.stdout.write(new TextEncoder().encode(text + "\\n"));
const log = await openJsonlLog({ path: ${JSON.stringify(path)}, maxEntries: 100 });
const write = (i) => log.write({ time: "2026-01-01T00:00:00.000Z", id: "${name}_" + i,
  method: "POST", path: "/v1/messages", status: 200, total_ms: i,
  bodies: { response: "r".repeat((i * 7919) % 3000) } });
await say("ready");
await lines.read();
for (let i = 0; i < ${count}; i++) {
  write(i);
  if (i % 3 === 0) await log.flush();
}
await log.flush();
await say("done");
await lines.read();
write(${count});
await log.close();
const { compactions, dropped } = log.stats();
await say(JSON.stringify({ compactions, dropped }));
`;
}

/** Starts a writer child; `next()` sends it a line and reads its next line of output. */
async function startWriter(dir: string, path: string, name: string) {
  const script = join(dir, `${name}.ts`);
  await writeFile(script, writerScript(path, name, 400));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const line = async () => {
    while (!buffered.includes("\n")) {
      const { value, done } = await stdout.read();
      if (done) throw new Error(`writer ${name} ended early`);
      buffered += value;
    }
    const at = buffered.indexOf("\n");
    const text = buffered.slice(0, at);
    buffered = buffered.slice(at + 1);
    return text;
  };
  return {
    line,
    async next() {
      await stdin.write(new TextEncoder().encode("go\n"));
      return await line();
    },
    async end() {
      await stdin.close();
      await stdout.cancel();
      return await child.status;
    },
  };
}

Deno.test("two processes on one log file lose no record and tear no line through compactions", async () => {
  await withTempDir("claude-proxy-shared-", async (dir) => {
    const path = join(dir, "requests.jsonl");
    const writers = await Promise.all(["p", "q"].map((name) => startWriter(dir, path, name)));
    try {
      for (const writer of writers) assert.equal(await writer.line(), "ready");
      // Both write 400 records at once, each compacting the file the other appends to.
      assert.deepEqual(await Promise.all(writers.map((w) => w.next())), ["done", "done"]);
      // Then each writes one more: both must be in the file, after their others with no gap.
      const stats = (await Promise.all(writers.map((w) => w.next()))).map((s) => JSON.parse(s));
      const ids = await strictIds(path);
      assertNoneLost(ids, ["p", "q"], 401);
      assert.ok(stats.every(({ dropped }) => dropped === 0));
      const compactions = stats.map(({ compactions }) => compactions);
      assert.ok(
        compactions.every((n) => n >= 1) && compactions[0] + compactions[1] >= 4,
        `${compactions}`,
      );
    } finally {
      for (const writer of writers) await writer.end();
    }
  });
});

Deno.test("a writer cuts off a line another writer left torn before it appends", async () => {
  await withTempDir("claude-proxy-shared-", async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, maxEntries: 100 });
    log.write(record("a", 0));
    await log.flush();
    await appendFile(path, '{"time":"2026-01-01T00:00:00.000Z","id":"torn'); // killed mid-write
    log.write(record("a", 1));
    await log.close();
    assert.deepEqual(await strictIds(path), ["a_0", "a_1"]);
  });
});

Deno.test("a lock left by a process that is gone, or stuck for long, is broken", async () => {
  await withTempDir("claude-proxy-shared-", async (dir) => {
    const path = join(dir, "requests.jsonl");
    await writeFile(`${path}.lock`, "999999999 left-by-a-killed-writer\n");
    const log = await openJsonlLog({ path, maxEntries: 100 });
    log.write(record("a", 0));
    await log.flush();
    await writeFile(`${path}.lock`, `${Deno.pid} held-far-too-long\n`); // alive, but an hour old
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(`${path}.lock`, hourAgo, hourAgo);
    log.write(record("a", 1));
    await log.close();
    assert.deepEqual(await strictIds(path), ["a_0", "a_1"]);
    await assert.rejects(stat(`${path}.lock`), { code: "ENOENT" });
  });
});

Deno.test("dropped records are reported once when dropping starts and once when it ends", async () => {
  await withTempDir("claude-proxy-shared-", async (dir) => {
    const path = join(dir, "requests.jsonl");
    const warnings: string[] = [];
    const errors: unknown[] = [];
    const log = await openJsonlLog({
      path,
      maxEntries: 100,
      warn: (line) => warnings.push(line),
      onError: (error) => errors.push(error),
    });
    await mkdir(`${path}.lock`); // every write now fails: the lock cannot be taken
    for (let i = 0; i < 50; i++) {
      log.write(record("a", i));
      await log.flush();
    }
    assert.equal(errors.length, 50, "each failed write is an error for the error hook");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /^request log ".+requests\.jsonl": .+; records are dropped until/);
    await Deno.remove(`${path}.lock`);
    log.write(record("a", 50));
    await log.flush();
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /writing again; 50 records not written$/);
    await log.close();
    assert.equal(warnings.length, 2);
    assert.deepEqual(await strictIds(path), ["a_50"]);
  });
});

Deno.test("a full queue drops records with one warning, and close reports what was lost", async () => {
  await withTempDir("claude-proxy-shared-", async (dir) => {
    const path = join(dir, "requests.jsonl");
    const warnings: string[] = [];
    const log = await openJsonlLog({ path, maxPending: 10, warn: (line) => warnings.push(line) });
    for (let i = 0; i < 100; i++) log.write(record("a", i));
    await log.close();
    assert.equal(log.stats().dropped, 90);
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0]!, /10 records are waiting for the disk; records are dropped until/);
    assert.match(warnings[1]!, /writing again; 90 records not written$/);
  });
});
