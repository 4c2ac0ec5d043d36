// docs/observability.md documents every metric /metrics serves.
import assert from "node:assert/strict";
import { Metrics } from "../../src/log/metrics.ts";

Deno.test("docs/observability.md describes every metric /metrics renders", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/observability.md", import.meta.url));
  const metrics = new Metrics({ now: () => 0 });
  metrics.observe({
    time: "2026-12-08T00:00:00.000Z",
    id: "r",
    method: "POST",
    path: "/v1/messages",
    provider: "openai",
    upstream_model: "gpt-6-sol",
    status: 500,
    error_type: "api_error",
    input_tokens: 1,
    output_tokens: 1,
    ttfb_ms: 1,
    total_ms: 2,
  });
  metrics.retry("openai");
  const names = [...metrics.render().matchAll(/^# TYPE claude_proxy_(\w+) (\w+)$/gm)];
  assert.ok(names.length >= 8, metrics.render());
  for (const [, name, type] of names) {
    const row = doc.split("\n").find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row, `docs/observability.md has no row for ${name}`);
    assert.ok(row.includes(` ${type} `), `${name} is a ${type}: ${row}`);
  }
});
