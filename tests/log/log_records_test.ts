// Streaming the request log: whole or its tail, lines across chunk boundaries, non-records skipped.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logRecords } from "../../src/log/log_records.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";

function record(n: number, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: "2026-12-01T10:00:00.000Z",
    id: `req_${n}`,
    method: "POST",
    path: "/v1/messages",
    status: 200,
    total_ms: n,
    ...extra,
  };
}

async function withFile<T>(text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "claude-proxy-log-records-"));
  try {
    const path = join(dir, "requests.jsonl");
    await writeFile(path, text);
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function ids(path: string, options = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const r of logRecords(path, options)) out.push(r.id);
  return out;
}

Deno.test("logRecords reads every record, skipping start lines, foreign lines and a torn last line", async () => {
  const text = [
    JSON.stringify(record(1)),
    '{"event":"start","time":"2026-12-01T10:00:00.000Z","id":"req_2"}',
    "not json",
    '{"hello":"world"}',
    JSON.stringify(record(2)),
    '{"time":"2026-12-01T1', // torn: no newline after it
  ].join("\n");
  await withFile(text, async (path) => {
    assert.deepEqual(await ids(path), ["req_1", "req_2"]);
  });
});

Deno.test("logRecords reads a line that spans chunks whole", async () => {
  const big = record(2, { bodies: { client: "x".repeat(3 * 1024 * 1024) } });
  const text = [record(1), big, record(3)].map((r) => JSON.stringify(r)).join("\n") + "\n";
  await withFile(text, async (path) => {
    const records: RequestLogRecord[] = [];
    for await (const r of logRecords(path)) records.push(r);
    assert.deepEqual(records.map((r) => r.id), ["req_1", "req_2", "req_3"]);
    assert.equal(records[1]!.bodies?.client?.length, 3 * 1024 * 1024);
  });
});

Deno.test("logRecords reads only the tail when asked, dropping the line it starts inside", async () => {
  const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify(record(i)));
  const text = lines.join("\n") + "\n";
  const tail = lines.slice(-3).join("\n").length + 1 + 10; // Three lines and part of a fourth.
  await withFile(text, async (path) => {
    assert.deepEqual(await ids(path, { tailBytes: tail }), ["req_97", "req_98", "req_99"]);
    assert.equal((await ids(path, { tailBytes: 10 * text.length })).length, 100);
  });
});

Deno.test("logRecords parses only the lines holding the given text", async () => {
  const text = [record(1, { session_id: "a" }), record(2, { session_id: "b" })]
    .map((r) => JSON.stringify(r)).join("\n") + "\n";
  await withFile(text, async (path) => {
    assert.deepEqual(await ids(path, { containing: '"session_id":"b"' }), ["req_2"]);
  });
});
