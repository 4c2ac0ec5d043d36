// Tests for the bounded JSONL request log: bound, concurrency, reopen, torn tails, back-pressure.
import assert from "node:assert/strict";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openJsonlLog } from "../../src/log/jsonl_log.ts";
import { parseLogEntries, parseLogLines, readLogRecords } from "../../src/log/log_lines.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { withTempDir } from "../helpers/paths.ts";

function record(i: number, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    id: `req_${i}`,
    method: "POST",
    path: "/v1/messages",
    model: "claude-sonnet-4-5",
    provider: "deepseek",
    upstream_model: "deepseek-chat",
    status: 200,
    total_ms: 100 + i,
    ...extra,
  };
}

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  return withTempDir("claude-proxy-log-", fn);
}

/** Every line of the file, asserting each one ends with a newline and parses. */
async function strictLines(path: string): Promise<RequestLogRecord[]> {
  const text = await readFile(path, "utf8");
  if (text === "") return [];
  assert.ok(text.endsWith("\n"), "the file ends with a complete line");
  return text.slice(0, -1).split("\n").map((line) => JSON.parse(line) as RequestLogRecord);
}

Deno.test("openJsonlLog never lets the file pass its bound and keeps the newest records", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, maxEntries: 50 });
    for (let i = 0; i < 250; i++) {
      log.write(record(i));
      await log.flush();
      const lines = (await readFile(path, "utf8")).split("\n").length - 1;
      assert.ok(lines <= 63, `${lines} lines after ${i + 1} writes`);
    }
    await log.close();
    const records = await strictLines(path);
    assert.ok(records.length >= 50 && records.length <= 63);
    const ids = records.map((r) => Number(r.id.slice(4)));
    const newest = ids.at(-1)!;
    assert.equal(newest, 249);
    assert.deepEqual(ids, ids.map((_, i) => newest - ids.length + 1 + i), "consecutive, in order");
    assert.ok(log.stats().compactions >= 3);
    assert.equal(log.stats().dropped, 0);
    await assert.rejects(stat(`${path}.tmp`), { code: "ENOENT" });
  });
});

Deno.test("openJsonlLog writes only whole lines when hundreds of writes race", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, maxEntries: 1000 });
    const body = "x".repeat(3000);
    await Promise.all(Array.from({ length: 500 }, async (_, i) => {
      for (let k = 0; k < i % 7; k++) await Promise.resolve();
      log.write(record(i, { bodies: { response: `${i}:${body}` } }));
    }));
    await log.close();
    const records = await strictLines(path);
    assert.equal(records.length, 500);
    assert.deepEqual(
      new Set(records.map((r) => r.id)),
      new Set(Array.from({ length: 500 }, (_, i) => `req_${i}`)),
    );
    for (const r of records) assert.equal(r.bodies?.response, `${r.id.slice(4)}:${body}`);
  });
});

Deno.test("openJsonlLog keeps the newest maxEntries when one burst exceeds the bound", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, maxEntries: 100 });
    const order: string[] = [];
    await Promise.all(Array.from({ length: 500 }, async (_, i) => {
      for (let k = 0; k < (i * 13) % 5; k++) await Promise.resolve();
      order.push(`req_${i}`);
      log.write(record(i));
    }));
    await log.close();
    const records = await strictLines(path);
    assert.deepEqual(records.map((r) => r.id), order.slice(-100));
  });
});

Deno.test("openJsonlLog counts existing lines on reopen so the bound holds across restarts", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    let log = await openJsonlLog({ path, maxEntries: 50 });
    for (let i = 0; i < 60; i++) log.write(record(i));
    await log.close();
    const before = (await strictLines(path)).length;

    log = await openJsonlLog({ path, maxEntries: 50 });
    assert.equal(log.stats().lines, before);
    for (let i = 60; i < 80; i++) {
      log.write(record(i));
      await log.flush();
    }
    await log.close();
    const after = await strictLines(path);
    assert.ok(after.length <= 63, `${after.length} lines`);
    assert.equal(after.at(-1)?.id, "req_79");

    log = await openJsonlLog({ path, maxEntries: 10 });
    await log.close();
    assert.deepEqual(
      (await strictLines(path)).map((r) => r.id),
      Array.from({ length: 10 }, (_, i) => `req_${70 + i}`),
      "a smaller bound compacts on open",
    );
  });
});

Deno.test("openJsonlLog cuts a torn last line and removes a stale temp file on open", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const whole = [0, 1, 2].map((i) => JSON.stringify(record(i)) + "\n").join("");
    await writeFile(path, whole + '{"time":"2026-01-01T00:00:03.000Z","id":"req_');
    await writeFile(`${path}.tmp`, "half a compaction");
    const log = await openJsonlLog({ path, maxEntries: 50 });
    assert.equal(log.stats().lines, 3);
    await assert.rejects(stat(`${path}.tmp`), { code: "ENOENT" });
    log.write(record(3));
    await log.close();
    assert.deepEqual((await strictLines(path)).map((r) => r.id), [
      "req_0",
      "req_1",
      "req_2",
      "req_3",
    ]);
  });
});

Deno.test("readLogRecords skips a torn last line", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    await writeFile(
      path,
      JSON.stringify(record(0)) + "\n" + JSON.stringify(record(1)).slice(0, 40),
    );
    assert.deepEqual((await readLogRecords(path)).map((r) => r.id), ["req_0"]);
  });
});

Deno.test("parseLogLines keeps records of the log's shape and skips lines other programs wrote", () => {
  const ours = [
    record(0),
    record(1, { stop_reason: null, changes: ["dropped metadata"], stream: true }),
    { ...record(2), added_by_a_later_version: { any: "thing" } },
  ];
  const foreign = [
    { message: "hello" },
    { ...record(3), status: "200" },
    { ...record(4), changes: "dropped metadata" },
    { ...record(5), input_tokens: [1] },
    { ...record(6), bodies: { client: 5 } },
    { ...record(7), time: undefined },
    [record(8)],
    "text",
  ];
  const lines = [...ours, ...foreign].map((value) => JSON.stringify(value) ?? "").join("\n");
  assert.deepEqual(parseLogLines(lines).map((entry) => entry.record), ours);
  assert.deepEqual(
    parseLogLines(lines).map((entry) => entry.line),
    ours.map((r) => JSON.stringify(r)),
  );
});

Deno.test("openJsonlLog drops and counts records when the queue is full instead of growing", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, maxEntries: 1000, maxPending: 10 });
    for (let i = 0; i < 100; i++) log.write(record(i));
    await log.close();
    const lines = (await strictLines(path)).length;
    assert.ok(lines <= 11, `${lines} lines`);
    assert.equal(log.stats().dropped, 100 - lines);
    assert.equal(log.stats().written, lines);
  });
});

Deno.test("openJsonlLog keeps the file under maxBytes", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, maxEntries: 10_000, maxBytes: 4096 });
    for (let i = 0; i < 200; i++) {
      log.write(record(i, { bodies: { response: "y".repeat(i % 50) } }));
      await log.flush();
      assert.ok((await stat(path)).size <= 4096);
    }
    log.write(record(200, { bodies: { response: "z".repeat(10_000) } }));
    await log.close();
    const records = await strictLines(path);
    assert.equal(records.at(-1)?.id, "req_200");
    assert.equal(records.at(-1)?.bodies, undefined, "bodies too large for the cap are left out");
    assert.equal(records.at(-2)?.id, "req_199");
  });
});

Deno.test("openJsonlLog flushes on close and drops writes after it", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "nested", "dir", "requests.jsonl");
    const log = await openJsonlLog({ path });
    log.write(record(0));
    log.write(record(1));
    await log.close();
    log.write(record(2));
    await log.close();
    assert.deepEqual((await strictLines(path)).map((r) => r.id), ["req_0", "req_1"]);
    assert.equal(log.stats().dropped, 1);
  });
});

Deno.test("openJsonlLog redacts secrets from every line, bodies included", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const configured = "dsk-live-0123456789abcdef";
    const leaked = [
      configured,
      "sk-proj-AbCdEf0123456789xyz",
      "sk-ant-api03-ZZZZZZZZZZZZZZZZ",
      "gsk_abcdefghijklmnopqrstuv",
      "AIzaSyA1234567890abcdefghijklmnopqrstu",
      "opaque-token-value-42",
    ];
    const log = await openJsonlLog({ path, secrets: [configured] });
    log.write(record(0, {
      error_message: `Upstream said: invalid key ${configured}`,
      user_agent: "claude-cli/2.1",
      bodies: {
        client: JSON.stringify({ model: "claude", api_key: leaked[5], note: `use ${leaked[1]}` }),
        upstream: `POST /v1/chat?key=${leaked[4]}\nAuthorization: Bearer ${leaked[2]}\n` +
          `x-api-key: ${leaked[3]}\n\n{"messages":[]}`,
        response: JSON.stringify({ echo: { headers: { authorization: `Bearer ${configured}` } } }),
      },
    }));
    await log.close();
    const text = await readFile(path, "utf8");
    for (const secret of leaked) assert.ok(!text.includes(secret), `"${secret}" leaked`);
    const [written] = await strictLines(path);
    assert.match(written!.bodies!.upstream!, /\{"messages":\[\]\}$/);
    assert.equal(written!.user_agent, "claude-cli/2.1");
    assert.match(written!.error_message!, /invalid key \[REDACTED\]/);
  });
});

Deno.test("openJsonlLog names the path when the log cannot be opened", async () => {
  await withDir(async (dir) => {
    const blocker = join(dir, "file");
    await writeFile(blocker, "not a directory");
    const path = join(blocker, "requests.jsonl");
    await assert.rejects(openJsonlLog({ path }), (error: Error) => {
      assert.match(error.message, /^Cannot open the request log ".+requests\.jsonl": /);
      return true;
    });
  });
});

Deno.test("openJsonlLog writes a start line per started request, which parseLogLines skips", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, secrets: ["sk-start-secret-1234"] });
    log.started({ ...record(1), status: 0, total_ms: 0, user_agent: "sk-start-secret-1234" });
    await log.flush();
    log.write(record(1));
    await log.close();
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0]!), {
      event: "start",
      time: record(1).time,
      id: "req_1",
      method: "POST",
      path: "/v1/messages",
      model: "claude-sonnet-4-5",
      provider: "deepseek",
      upstream_model: "deepseek-chat",
    });
    assert.deepEqual(parseLogLines(lines.join("\n")).map((l) => l.record.id), ["req_1"]);
    assert.deepEqual(
      parseLogEntries(lines.join("\n")).map((e) =>
        "start" in e ? `start ${e.start.id}` : e.record.id
      ),
      ["start req_1", "req_1"],
    );
    assert.equal(log.stats().written, 1, "a start line is no record");
  });
});

Deno.test("openJsonlLog writes a start line once its request is routed, and none for a request already ended", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path });
    // As the server does: the record starts with the request line, and gains its route later.
    const quick = {
      time: record(1).time,
      id: "req_quick",
      method: "POST",
      path: "/v1/messages",
      status: 0,
      total_ms: 0,
    };
    const slow = { ...quick, id: "req_slow" };
    log.started(quick);
    log.started(slow);
    Object.assign(slow, {
      model: "claude-opus-5-5",
      provider: "openai",
      upstream_model: "gpt-6-sol",
    });
    log.write(Object.assign(quick, { status: 200, total_ms: 3 }));
    await log.close();
    const entries = parseLogEntries(await readFile(path, "utf8"));
    const starts = entries.flatMap((e) => "start" in e ? [e.start] : []);
    assert.deepEqual(starts.map((s) => [s.id, s.model, s.upstream_model]), [
      ["req_slow", "claude-opus-5-5", "gpt-6-sol"],
    ]);
  });
});

Deno.test("openJsonlLog counts records, not start lines, against maxEntries, also after reopening", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    let log = await openJsonlLog({ path, maxEntries: 20 });
    for (let i = 0; i < 100; i++) {
      log.started(record(i));
      await log.flush();
      log.write(record(i));
      await log.flush();
    }
    await log.close();
    const count = async () => {
      const entries = parseLogEntries(await readFile(path, "utf8"));
      return {
        records: entries.filter((e) => "record" in e).length,
        starts: entries.filter((e) => "start" in e).length,
      };
    };
    let { records, starts } = await count();
    assert.ok(records >= 20 && records <= 25, `${records} records kept`);
    assert.ok(starts >= records - 1 && starts <= records + 1, `${starts} start lines kept`);
    // Reopened, the writer tells the start lines from the records again.
    log = await openJsonlLog({ path, maxEntries: 20 });
    for (let i = 100; i < 110; i++) log.started(record(i));
    await log.close();
    ({ records } = await count());
    assert.ok(records >= 20, `start lines pushed records out: ${records} left`);
  });
});
