// Tests for `claude-proxy logs`: -n, --errors, --json, a missing log, and follow mode.
import assert from "node:assert/strict";
import { appendFile, copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runLogs } from "../../src/commands/logs.ts";
import { formatLogTable } from "../../src/commands/logs_table.ts";
import { openJsonlLog } from "../../src/log/jsonl_log.ts";
import { readLogRecords } from "../../src/log/log_lines.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { fromFileUrl, withTempDir } from "../helpers/paths.ts";

const SAMPLE = fromFileUrl(new URL("../fixtures/logs/sample.jsonl", import.meta.url));

/** Collects written text and lets a test wait (without sleeping) until some text shows up. */
function output() {
  let text = "";
  const waiters: { needle: string; resolve: () => void }[] = [];
  return {
    write(chunk: string) {
      text += chunk;
      for (const waiter of waiters.filter((w) => text.includes(w.needle))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    get text() {
      return text;
    },
    /** Resolves once `needle` has been written; rejects after 10 s so a broken follow fails. */
    until(needle: string): Promise<void> {
      if (text.includes(needle)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`"${needle}" never printed:\n${text}`)),
          10_000,
        );
        waiters.push({ needle, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  return withTempDir("claude-proxy-logs-", fn);
}

function record(id: string, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: "2026-03-02T10:00:00.000Z",
    id,
    method: "POST",
    path: "/v1/messages",
    model: "claude-sonnet-4-5",
    provider: "deepseek",
    upstream_model: "deepseek-chat",
    status: 200,
    total_ms: 42,
    ...extra,
  };
}

Deno.test("runLogs -n prints only the most recent requests", async () => {
  const out = output();
  const code = await runLogs({ path: SAMPLE, n: 3, timeZone: "UTC", write: out.write });
  assert.equal(code, 0);
  const records = await readLogRecords(SAMPLE);
  assert.equal(out.text, formatLogTable(records.slice(-3), { color: false, timeZone: "UTC" }));
  assert.deepEqual(out.text.split("\n").slice(1, -1).map((l) => l.slice(0, 14)), [
    "03-02 09:17:00",
    "03-02 09:18:20",
    "03-02 09:18:59",
  ]);
});

Deno.test("runLogs --errors shows only failed requests", async () => {
  const out = output();
  assert.equal(await runLogs({ path: SAMPLE, errors: true, json: true, write: out.write }), 0);
  const ids = out.text.trimEnd().split("\n").map((line) => JSON.parse(line).id);
  assert.deepEqual(ids, ["req_04", "req_07", "req_08"]);
});

Deno.test("runLogs --json prints the raw lines byte for byte", async () => {
  const out = output();
  assert.equal(await runLogs({ path: SAMPLE, n: 2, json: true, write: out.write }), 0);
  const lines = (await readFile(SAMPLE, "utf8")).trimEnd().split("\n");
  assert.equal(out.text, lines.slice(-2).join("\n") + "\n");
});

Deno.test("runLogs says where it looked and fails when the log is missing", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "nowhere", "requests.jsonl");
    const out = output();
    const errors = output();
    const code = await runLogs({ path, write: out.write, writeError: errors.write });
    assert.equal(code, 1);
    assert.equal(out.text, "");
    assert.ok(errors.text.includes(`"${path}"`), errors.text);
  });
});

Deno.test("runLogs skips a torn last line and reports an empty selection", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    await writeFile(path, JSON.stringify(record("req_ok")) + "\n" + '{"time":"2026-03-02T1');
    const out = output();
    assert.equal(await runLogs({ path, json: true, write: out.write }), 0);
    assert.equal(out.text, JSON.stringify(record("req_ok")) + "\n");
    const none = output();
    assert.equal(await runLogs({ path, errors: true, write: none.write }), 0);
    assert.match(none.text, /^No failed requests in the request log ".+"\n$/);
  });
});

Deno.test("runLogs skips a line whose fields have other types than the log writes", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const odd = { ...record("req_odd", { model: "odd-model" }), changes: 5, status: "500" };
    await writeFile(path, [record("req_ok"), odd].map((r) => JSON.stringify(r)).join("\n") + "\n");
    const json = output();
    assert.equal(await runLogs({ path, json: true, write: json.write }), 0);
    assert.equal(json.text, JSON.stringify(record("req_ok")) + "\n");
    for (const options of [{}, { errors: true }, { color: true }]) {
      const out = output();
      assert.equal(await runLogs({ path, write: out.write, ...options }), 0);
      assert.doesNotMatch(out.text, /odd-model/);
    }
  });
});

Deno.test("runLogs -f prints an appended record and stops when aborted", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    await copyFile(SAMPLE, path);
    const out = output();
    const controller = new AbortController();
    const done = runLogs({
      path,
      n: 1,
      follow: true,
      pollMs: 5,
      timeZone: "UTC",
      signal: controller.signal,
      write: out.write,
    });
    await out.until("No route for model");
    await appendFile(path, JSON.stringify(record("req_new", { total_ms: 777777 })) + "\n");
    await out.until("777777");
    controller.abort();
    assert.equal(await done, 0);
    const rows = out.text.trimEnd().split("\n");
    assert.equal(rows.length, 3, out.text);
    assert.match(rows[0]!, /^TIME +MODEL → UPSTREAM/);
    assert.match(
      rows[2]!,
      /^03-02 10:00:00 {2}claude-sonnet-4-5 → deepseek:deepseek-chat +200 +777777/,
    );
  });
});

Deno.test("runLogs -f prints every new record exactly once across compactions", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    const log = await openJsonlLog({ path, maxEntries: 5 });
    for (let i = 0; i < 4; i++) log.write(record(`old_${i}`));
    await log.flush();
    const out = output();
    const controller = new AbortController();
    const done = runLogs({
      path,
      n: 1,
      follow: true,
      json: true,
      pollMs: 5,
      signal: controller.signal,
      write: out.write,
    });
    await out.until("old_3");
    for (let i = 0; i < 15; i++) {
      log.write(record(`new_${i}`));
      await log.flush();
      await out.until(`"new_${i}"`);
    }
    controller.abort();
    assert.equal(await done, 0);
    await log.close();
    assert.ok(log.stats().compactions >= 4, `${log.stats().compactions} compactions`);
    const ids = out.text.trimEnd().split("\n").map((line) => JSON.parse(line).id);
    assert.deepEqual(ids, ["old_3", ...Array.from({ length: 15 }, (_, i) => `new_${i}`)]);
  });
});

/** The start line the JSONL log writes when a request begins. */
function startLine(id: string): string {
  const { status: _s, total_ms: _t, ...fields } = record(id);
  return JSON.stringify({ event: "start", ...fields }) + "\n";
}

Deno.test("runLogs -f shows a request when it starts and again when it ends", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    await writeFile(path, JSON.stringify(record("req_old")) + "\n");
    const out = output();
    const controller = new AbortController();
    const done = runLogs({
      path,
      follow: true,
      pollMs: 5,
      timeZone: "UTC",
      signal: controller.signal,
      write: out.write,
    });
    await out.until("200");
    await appendFile(path, startLine("req_new"));
    await out.until("started");
    await appendFile(path, JSON.stringify(record("req_new", { total_ms: 31337 })) + "\n");
    await out.until("31337");
    controller.abort();
    assert.equal(await done, 0);
    const rows = out.text.trimEnd().split("\n");
    assert.equal(rows.length, 4, out.text);
    assert.match(
      rows[2]!,
      /^03-02 10:00:00 {2}claude-sonnet-4-5 → deepseek:deepseek-chat +… +started$/,
    );
    assert.match(
      rows[3]!,
      /^03-02 10:00:00 {2}claude-sonnet-4-5 → deepseek:deepseek-chat +200 +31337/,
    );
  });
});

Deno.test("runLogs lists a request that started but has not ended as in flight, and never counts a start as a request", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "requests.jsonl");
    await writeFile(
      path,
      startLine("req_1") + JSON.stringify(record("req_1")) + "\n" + startLine("req_2") +
        JSON.stringify(record("req_3", { status: 500, error_type: "api_error" })) + "\n",
    );
    const out = output();
    assert.equal(await runLogs({ path, timeZone: "UTC", write: out.write }), 0);
    const rows = out.text.trimEnd().split("\n").slice(1);
    assert.equal(rows.length, 3, out.text);
    assert.match(rows[0]!, / 200 /);
    assert.match(rows[1]!, / … +in flight$/);
    assert.match(rows[2]!, / 500 /);
    const json = output();
    await runLogs({ path, json: true, write: json.write });
    assert.equal(json.text.trimEnd().split("\n").length, 2, "--json lists records only");
    const errors = output();
    await runLogs({ path, errors: true, timeZone: "UTC", write: errors.write });
    assert.equal(errors.text.trimEnd().split("\n").length, 2, "--errors shows no start");
  });
});
