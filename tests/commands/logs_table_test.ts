// Tests for the request log table: the golden sample, colors, and widths kept across calls.
import assert from "node:assert/strict";
import { formatLogRows, formatLogTable, TYPICAL_WIDTHS } from "../../src/commands/logs_table.ts";
import { readLogRecords } from "../../src/log/log_lines.ts";
import { assertGolden } from "../helpers/golden.ts";
import { fromFileUrl } from "../helpers/paths.ts";

const SAMPLE = fromFileUrl(new URL("../fixtures/logs/sample.jsonl", import.meta.url));

Deno.test("formatLogTable renders the sample log as the golden table", async () => {
  const records = await readLogRecords(SAMPLE);
  assertGolden(
    formatLogTable(records, { color: false, timeZone: "UTC" }),
    new URL("../fixtures/logs/sample.txt", import.meta.url),
  );
});

Deno.test("formatLogTable colors the golden table for a terminal", async () => {
  const records = await readLogRecords(SAMPLE);
  const colored = formatLogTable(records, { color: true, timeZone: "UTC" });
  assertGolden(colored, new URL("../fixtures/logs/sample.color.txt", import.meta.url));
  // Without the escape codes it is exactly the plain table.
  // deno-lint-ignore no-control-regex
  const stripped = colored.replace(/\x1b\[\d+m/g, "");
  assert.equal(stripped, formatLogTable(records, { color: false, timeZone: "UTC" }));
});

Deno.test("formatLogTable returns nothing for no records", () => {
  assert.equal(formatLogTable([], { color: false }), "");
});

Deno.test("formatLogRows keeps at least the given widths and returns the widths it used", async () => {
  const [first] = await readLogRecords(SAMPLE);
  const plain = formatLogRows([first!], { color: false, header: false, timeZone: "UTC" });
  const padded = formatLogRows([first!], {
    color: false,
    header: false,
    timeZone: "UTC",
    minWidths: TYPICAL_WIDTHS,
  });
  assert.equal(plain.text.split("\n").length, 2, "one row, no header");
  assert.ok(!plain.text.startsWith("TIME"));
  assert.deepEqual(padded.widths, plain.widths.map((w, i) => Math.max(w, TYPICAL_WIDTHS[i]!)));
  assert.ok(padded.widths.some((w, i) => w > plain.widths[i]!), "a typical width is wider");
  assert.equal(padded.text.indexOf("claude"), TYPICAL_WIDTHS[0]! + 2);
});

Deno.test("formatLogRows shows a change once and then counts it, so rows do not repeat the same note", () => {
  const base = {
    time: "2026-03-02T10:00:00.000Z",
    method: "POST",
    path: "/v1/messages",
    model: "claude-sonnet-5-5",
    status: 200,
    total_ms: 5,
  };
  const changes = ["dropped thinking", "max_tokens capped 64000 → 32768"];
  const seenNotes = new Set<string>();
  const first = formatLogRows([{ ...base, id: "a", changes }], {
    color: false,
    header: false,
    seenNotes,
  });
  assert.match(first.text, /dropped thinking; max_tokens capped 64000 → 32768$/m);
  const later = formatLogRows([
    { ...base, id: "b", changes },
    { ...base, id: "c", changes: [...changes, "removed 1 image"] },
  ], { color: false, header: false, seenNotes });
  const [b, c] = later.text.trimEnd().split("\n");
  assert.match(b!, /200 +5 +\+2 as above$/);
  assert.match(c!, /removed 1 image; \+2 as above$/);
});

Deno.test("formatLogRows draws a start line without status or duration, with its note", () => {
  const start = {
    event: "start" as const,
    time: "2026-03-02T10:00:00.000Z",
    id: "s",
    method: "POST",
    path: "/v1/messages",
    model: "claude-opus-5-5",
    provider: "openai",
    upstream_model: "gpt-6-sol",
  };
  const rows = formatLogRows([start], { color: false, header: false, timeZone: "UTC" });
  assert.match(
    rows.text,
    /^03-02 10:00:00 {2}claude-opus-5-5 → openai:gpt-6-sol {2}… +in flight\n$/,
  );
  const following = formatLogRows([start], {
    color: false,
    header: false,
    timeZone: "UTC",
    startNote: "started",
  });
  assert.match(following.text, /… +started\n$/);
});

Deno.test("formatLogTable shows a request's routing decisions before its changes", () => {
  const text = formatLogTable([{
    time: "2026-12-08T10:00:00.000Z",
    id: "req_1",
    method: "POST",
    path: "/v1/messages",
    status: 200,
    total_ms: 900,
    model: "claude-sonnet-4-5",
    provider: "gemini",
    upstream_model: "gemini-2.5-pro",
    routing: ["long_context: 131k > 100k"],
    changes: ["removed billing header"],
  }], { color: false, timeZone: "UTC" });
  assert.match(
    text,
    /claude-sonnet-4-5 → gemini:gemini-2\.5-pro .*long_context: 131k > 100k; removed billing header/,
  );
});
