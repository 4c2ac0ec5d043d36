// The dashboard's state: the request log read once (10,000 entries), live requests, bodies, redaction.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestLogRecord } from "../../../src/log/record.ts";
import { Dashboard } from "../../../src/server/ui/dashboard.ts";
import { historyRecords } from "../../helpers/log_history.ts";
import { testConfig } from "../../helpers/proxy.ts";

const KEY = "sk-test-secret-key-123456";

async function withLog<T>(lines: string[], fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "claude-proxy-dashboard-"));
  try {
    const path = join(dir, "requests.jsonl");
    await writeFile(path, lines.join("\n") + "\n");
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function live(id: string, extra: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    time: new Date().toISOString(),
    id,
    method: "POST",
    path: "/v1/messages",
    model: "claude-opus-4-8",
    provider: "custom",
    upstream_model: "gpt-6-sol",
    status: 200,
    total_ms: 42,
    ...extra,
  };
}

Deno.test("Dashboard reads a log of 10,000 requests once and sends a snapshot of bounded size", async () => {
  const history = historyRecords({ count: 10_000, now: Date.now(), spanMs: 7 * 86_400_000 });
  const lines = history.map((r) => JSON.stringify(r));
  // Start lines, a line some other program wrote, and a torn last line are no records.
  lines.splice(5000, 0, '{"event":"start","time":"2026-12-01T00:00:00Z","id":"req_x"}', "not json");
  lines.push('{"time":"2026-12-0');
  await withLog(lines, async (path) => {
    const dashboard = new Dashboard({ config: testConfig("http://127.0.0.1:9"), logPath: path });
    await dashboard.load();
    await dashboard.load(); // Read once: a second call shares the first.
    assert.equal(dashboard.recent.size, 10_000);
    const snapshot = dashboard.snapshot();
    assert.equal(snapshot.loading, false);
    assert.equal(snapshot.recent.length, 100, "the table starts with the newest 100");
    assert.equal(snapshot.recent[0]?.id, history.at(-1)!.id);
    assert.equal(snapshot.points.t.length, 10_000, "the charts get every request, as columns");
    assert.deepEqual(
      new Set(snapshot.points.models),
      new Set(["gpt-6-sol", "gpt-6-luna", "deepseek-v4-pro", "gemini-3-flash"]),
    );
    const costs = snapshot.points.cost.filter((c): c is number => c !== null);
    const expected = history.reduce((sum, r) => sum + (r.cost_usd ?? 0), 0);
    assert.ok(Math.abs(costs.reduce((a, b) => a + b, 0) - expected) < 1e-9);
    assert.ok(snapshot.sessions.length > 0 && snapshot.sessions.length <= 50);
    const sessionTotal = snapshot.sessions.reduce((sum, s) => sum + s.requests, 0);
    assert.equal(sessionTotal, 10_000);
    // The JSON a page downloads stays small: columns, not records.
    const size = JSON.stringify(snapshot).length;
    assert.ok(size < 1_500_000, `snapshot is ${size} characters`);
    // Every request can be paged to, 500 at a time.
    let seen = 0;
    let before: number | undefined;
    while (true) {
      const page = dashboard.recent.entries({
        limit: 500,
        ...(before !== undefined ? { before } : {}),
      });
      if (page.length === 0) break;
      seen += page.length;
      before = page.at(-1)!.seq;
    }
    assert.equal(seen, 10_000);
  });
});

Deno.test("Dashboard keeps the newest requests of a log longer than its capacity, and counts all in sessions", async () => {
  const history = historyRecords({ count: 2500, now: Date.now() });
  await withLog(history.map((r) => JSON.stringify(r)), async (path) => {
    const dashboard = new Dashboard({
      config: testConfig("http://127.0.0.1:9"),
      logPath: path,
      capacity: 1000,
    });
    await dashboard.load();
    assert.equal(dashboard.recent.size, 1000);
    assert.equal(dashboard.recent.entries({ limit: 1 })[0]?.id, history.at(-1)!.id);
    const sessions = dashboard.recent.sessions(100);
    assert.equal(sessions.reduce((sum, s) => sum + s.requests, 0), 2500);
  });
});

Deno.test("Dashboard starts empty when the log does not exist yet", async () => {
  const dashboard = new Dashboard({
    config: testConfig("http://127.0.0.1:9"),
    logPath: join(tmpdir(), `claude-proxy-no-such-log-${crypto.randomUUID()}.jsonl`),
  });
  await dashboard.load();
  assert.equal(dashboard.recent.size, 0);
  assert.equal(dashboard.snapshot().loading, false);
});

Deno.test("Dashboard keeps the newest bodies in memory and finds older ones in the log", async () => {
  const old = { ...live("req_old"), bodies: { client: '{"old":true}', response: "{}" } };
  await withLog([JSON.stringify(old), ""], async (path) => {
    const dashboard = new Dashboard({ config: testConfig("http://127.0.0.1:9"), logPath: path });
    await dashboard.load();
    dashboard.observer.started?.(live("req_new", { status: 0 }));
    dashboard.observer.finished?.(live("req_new", { bodies: { client: '{"new":true}' } }));
    assert.deepEqual(await dashboard.bodies("req_new"), { client: '{"new":true}' });
    assert.deepEqual(await dashboard.bodies("req_old"), { client: '{"old":true}', response: "{}" });
    assert.equal(await dashboard.bodies("req_missing"), undefined);
    assert.equal(dashboard.recent.entries({ limit: 5, text: "req_old" })[0]?.has_bodies, true);
  });
});

Deno.test("Dashboard shows pages nothing of the config's keys", () => {
  const config = testConfig("http://127.0.0.1:9", { auth_token: "proxy-token-0123456789" });
  const dashboard = new Dashboard({ config });
  dashboard.observer.started?.(live("req_1", { status: 0 }));
  dashboard.observer.finished?.(live("req_1", {
    status: 401,
    error_type: "authentication_error",
    error_message: `Incorrect API key provided: ${KEY} (token proxy-token-0123456789)`,
  }));
  const text = JSON.stringify(dashboard.snapshot());
  assert.doesNotMatch(text, new RegExp(KEY));
  assert.doesNotMatch(text, /proxy-token-0123456789/);
  assert.match(text, /\[REDACTED\]/);
  assert.match(text, /"key":"set"/, "the provider's key is said to be set, never shown");
});
