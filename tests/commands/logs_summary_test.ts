// `claude-proxy logs --summary`: totals per model, provider, session or day, as a table or JSON.
import assert from "node:assert/strict";
import { parseCli } from "../../src/cli.ts";
import { runLogs } from "../../src/commands/logs.ts";
import { runLogsSummary } from "../../src/commands/logs_summary.ts";
import { UsageError } from "../../src/errors.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { makeSandbox } from "../cli/sandbox.ts";

function record(n: number, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: `2026-12-0${1 + (n % 2)}T10:00:0${n % 10}.000Z`,
    id: `req_${n}`,
    method: "POST",
    path: "/v1/messages",
    provider: "openai",
    upstream_model: n % 3 === 0 ? "gpt-6-luna" : "gpt-6-sol",
    session_id: "s1",
    status: 200,
    total_ms: 1_000 + n * 100,
    input_tokens: 12_000,
    output_tokens: 400,
    cached_tokens: 50_000,
    cost_usd: 0.25,
    ...extra,
  };
}

const LOG = [
  ...Array.from({ length: 9 }, (_, i) => record(i + 1)),
  (({ input_tokens: _i, output_tokens: _o, cached_tokens: _c, cost_usd: _u, ...failed }) => failed)(
    record(10, { status: 529, error_type: "overloaded_error" }),
  ),
  // A start line and a torn line are no requests.
  { event: "start", time: "2026-12-02T10:00:00.000Z", id: "req_11" },
].map((r) => JSON.stringify(r)).join("\n") + '\n{"time":"2026';

async function summary(args: Partial<Parameters<typeof runLogsSummary>[0]>, text = LOG) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/requests.jsonl`;
  await Deno.writeTextFile(path, text);
  let out = "";
  let err = "";
  try {
    const code = await runLogsSummary({
      path,
      timeZone: "UTC",
      write: (t) => (out += t),
      writeError: (t) => (err += t),
      ...args,
    });
    return { code, out, err };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("logs --summary --by model prints a row per model and the total", async () => {
  const { code, out } = await summary({ by: "model" });
  assert.equal(code, 0);
  const lines = out.trimEnd().split("\n");
  assert.match(
    lines[0]!,
    /^MODEL\s+REQUESTS\s+ERRORS\s+INPUT\s+OUTPUT\s+CACHE READ\s+CACHE WRITE\s+COST\s+P50\s+P95$/,
  );
  assert.match(
    lines[1]!,
    /^gpt-6-sol\s+7\s+1\s+72\.0k\s+2400\s+300k\s+-\s+\$1\.50\s+1\.4 s\s+1\.8 s$/,
  );
  assert.match(
    lines[2]!,
    /^gpt-6-luna\s+3\s+-\s+36\.0k\s+1200\s+150k\s+-\s+\$0\.75\s+1\.6 s\s+1\.9 s$/,
  );
  assert.match(lines[3]!, /^total\s+10\s+1\s+108k\s+3600\s+450k\s+-\s+\$2\.25\s+1\.5 s\s+1\.9 s$/);
  assert.equal(lines.length, 4);
});

Deno.test("logs --summary --json gives the rows and the total, with since", async () => {
  const since = Date.parse("2026-12-02T00:00:00Z");
  const { out } = await summary({ by: "day", json: true, since });
  const json = JSON.parse(out);
  assert.equal(json.by, "day");
  assert.equal(json.since, "2026-12-02T00:00:00.000Z");
  assert.deepEqual(json.rows.map((r: { key: string }) => r.key), ["2026-12-02"]);
  assert.equal(json.total.requests, 5);
  assert.equal(json.total.errors, 0, "the failed request came the day before");
  assert.equal(json.total.cost_usd, 1.25);
  assert.equal(typeof json.total.p95_ms, "number");
});

Deno.test("logs --summary without --by prints one line of totals and says what had no price", async () => {
  const unpriced = JSON.stringify({ ...record(1), cost_usd: undefined }) + "\n";
  const { out } = await summary({}, LOG.replace(/\n[^\n]*$/, "\n") + unpriced);
  const lines = out.trimEnd().split("\n");
  assert.match(lines[0]!, /^\s+REQUESTS\s+ERRORS/);
  assert.match(lines[1]!, /^all\s+11\s+1\s.*\$2\.25\+/);
  assert.match(out, /1 request had no known price/);
});

Deno.test("logs --summary says so when the log is missing or has nothing in the range", async () => {
  let err = "";
  const missing = await runLogsSummary({
    path: "/nonexistent/requests.jsonl",
    write: () => {},
    writeError: (t) => (err += t),
  });
  assert.equal(missing, 1);
  assert.match(err, /No request log at "\/nonexistent\/requests.jsonl"/);
  const empty = await summary({ since: Date.parse("2030-01-01"), sinceText: "2030-01-01" });
  assert.equal(empty.code, 0);
  assert.match(empty.err, /No requests since 2030-01-01/);
});

Deno.test("the command line takes --summary with --by and --since, and refuses what does not go", () => {
  const cli = parseCli(["logs", "--summary", "--by", "session", "--since", "7d"]);
  assert.equal(cli.summary, true);
  assert.equal(cli.by, "session");
  assert.equal(cli.since, "7d");
  assert.throws(() => parseCli(["logs", "--by", "model"]), UsageError);
  assert.throws(() => parseCli(["logs", "--summary", "--by", "week"]), /--by must be one of/);
  assert.throws(() => parseCli(["logs", "--summary", "-f"]), /takes no --follow/);
  assert.equal(parseCli(["run", "--statusline"]).statusline, true);
  assert.throws(() => parseCli(["serve", "--statusline"]), UsageError);
});

Deno.test({
  name:
    "claude-proxy logs --summary runs from the command line, and a bad --since is a usage error",
  sanitizeResources: false,
  fn: async () => {
    await using box = await makeSandbox();
    const log = box.write("requests.jsonl", LOG);
    const ok = await box.run([
      "logs",
      "--summary",
      "--by",
      "provider",
      "--json",
      "--log-file",
      log,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).rows.map((r: { key: string }) => r.key), ["openai"]);
    const bad = await box.run(["logs", "--since", "last tuesday", "--log-file", log]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since must be a time like 30m, 24h, 7d, today or 2026-12-01/);
  },
});

Deno.test("logs --since lists only the requests since then", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/requests.jsonl`;
    await Deno.writeTextFile(path, LOG);
    let out = "";
    await runLogs({
      path,
      json: true,
      since: Date.parse("2026-12-02T00:00:00Z"),
      write: (t) => (out += t),
    });
    const ids = out.trim().split("\n").map((line) => JSON.parse(line).id);
    assert.deepEqual(ids, ["req_1", "req_3", "req_5", "req_7", "req_9"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
