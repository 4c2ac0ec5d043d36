// Tests for the Prometheus metrics kept from finished requests.
import assert from "node:assert/strict";
import { Metrics } from "../../src/log/metrics.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";

function record(extra: Partial<RequestLogRecord>): RequestLogRecord {
  return {
    time: "2026-01-01T00:00:00.000Z",
    id: "req",
    method: "POST",
    path: "/v1/messages",
    status: 200,
    total_ms: 0,
    ...extra,
  };
}

function scripted(): Metrics {
  let now = 1_000_000;
  const metrics = new Metrics({ now: () => (now += 61_500) });
  const deepseek = {
    model: "claude-sonnet-4-5",
    provider: "deepseek",
    upstream_model: "deepseek-chat",
  };
  metrics.observe(record({
    ...deepseek,
    total_ms: 80,
    ttfb_ms: 40,
    input_tokens: 100,
    output_tokens: 20,
    cached_tokens: 64,
  }));
  metrics.observe(
    record({ ...deepseek, total_ms: 1200, ttfb_ms: 300, input_tokens: 50, output_tokens: 5 }),
  );
  metrics.observe(record({
    ...deepseek,
    status: 429,
    total_ms: 30,
    error_type: "rate_limit_error",
  }));
  metrics.observe(record({
    model: "claude-haiku-4-5",
    provider: "groq",
    upstream_model: 'llama "fast"',
    status: 502,
    total_ms: 45_000,
    error_type: "api_error",
  }));
  metrics.observe(record({ path: "/v1/models", method: "GET", total_ms: 1 }));
  metrics.retry("deepseek");
  metrics.retry("deepseek");
  metrics.retry("groq");
  metrics.streamStarted();
  metrics.streamStarted();
  metrics.streamEnded();
  return metrics;
}

Deno.test("Metrics counts requests by provider, model and status", () => {
  const lines = scripted().render().split("\n");
  for (
    const expected of [
      "# TYPE claude_proxy_requests_total counter",
      'claude_proxy_requests_total{provider="deepseek",model="deepseek-chat",status="200"} 2',
      'claude_proxy_requests_total{provider="deepseek",model="deepseek-chat",status="429"} 1',
      'claude_proxy_requests_total{provider="groq",model="llama \\"fast\\"",status="502"} 1',
      'claude_proxy_requests_total{provider="none",model="unknown",status="200"} 1',
      'claude_proxy_errors_total{provider="deepseek",type="rate_limit_error"} 1',
      'claude_proxy_errors_total{provider="groq",type="api_error"} 1',
    ]
  ) assert.ok(lines.includes(expected), `missing: ${expected}`);
  assert.equal(lines.filter((l) => l.startsWith("claude_proxy_requests_total")).length, 4);
});

Deno.test("Metrics sums input, output and cached tokens", () => {
  const lines = scripted().render().split("\n");
  for (
    const expected of [
      "# TYPE claude_proxy_tokens_total counter",
      'claude_proxy_tokens_total{direction="input",provider="deepseek",model="deepseek-chat"} 150',
      'claude_proxy_tokens_total{direction="output",provider="deepseek",model="deepseek-chat"} 25',
      'claude_proxy_tokens_total{direction="cached",provider="deepseek",model="deepseek-chat"} 64',
    ]
  ) assert.ok(lines.includes(expected), `missing: ${expected}`);
  assert.equal(lines.filter((l) => l.startsWith("claude_proxy_tokens_total")).length, 3);
});

Deno.test("Metrics renders cumulative latency and TTFB histograms", () => {
  const lines = scripted().render().split("\n");
  for (
    const expected of [
      "# TYPE claude_proxy_request_duration_seconds histogram",
      'claude_proxy_request_duration_seconds_bucket{provider="deepseek",le="0.1"} 2',
      'claude_proxy_request_duration_seconds_bucket{provider="deepseek",le="1"} 2',
      'claude_proxy_request_duration_seconds_bucket{provider="deepseek",le="2.5"} 3',
      'claude_proxy_request_duration_seconds_bucket{provider="deepseek",le="+Inf"} 3',
      'claude_proxy_request_duration_seconds_sum{provider="deepseek"} 1.31',
      'claude_proxy_request_duration_seconds_count{provider="deepseek"} 3',
      'claude_proxy_request_duration_seconds_bucket{provider="groq",le="30"} 0',
      'claude_proxy_request_duration_seconds_bucket{provider="groq",le="60"} 1',
      "# TYPE claude_proxy_ttfb_seconds histogram",
      'claude_proxy_ttfb_seconds_bucket{provider="deepseek",le="0.05"} 1',
      'claude_proxy_ttfb_seconds_bucket{provider="deepseek",le="0.25"} 1',
      'claude_proxy_ttfb_seconds_bucket{provider="deepseek",le="0.5"} 2',
      'claude_proxy_ttfb_seconds_sum{provider="deepseek"} 0.34',
      'claude_proxy_ttfb_seconds_count{provider="deepseek"} 2',
    ]
  ) assert.ok(lines.includes(expected), `missing: ${expected}`);
  assert.ok(!lines.some((l) => l.startsWith('claude_proxy_ttfb_seconds_count{provider="groq"}')));
});

Deno.test("Metrics reports retries, streams in flight and uptime", () => {
  const lines = scripted().render().split("\n");
  for (
    const expected of [
      'claude_proxy_retries_total{provider="deepseek"} 2',
      'claude_proxy_retries_total{provider="groq"} 1',
      "# TYPE claude_proxy_streams_in_flight gauge",
      "claude_proxy_streams_in_flight 1",
      "claude_proxy_uptime_seconds 61.5",
    ]
  ) assert.ok(lines.includes(expected), `missing: ${expected}`);
});

Deno.test("Metrics output is valid exposition text: HELP and TYPE before each family", () => {
  const text = scripted().render();
  assert.ok(text.endsWith("\n"));
  const families = new Set<string>();
  for (const line of text.trimEnd().split("\n")) {
    const type = line.match(/^# TYPE (\w+) (counter|gauge|histogram)$/);
    if (type) {
      families.add(type[1]!);
      continue;
    }
    if (line.startsWith("# HELP ")) continue;
    const sample = line.match(/^(\w+?)(_bucket|_sum|_count)?(\{.*\})? (-?[\d.e+]+)$/);
    assert.ok(sample, `not a sample line: ${line}`);
    assert.ok(
      families.has(sample[1]!) || families.has(sample[1]! + (sample[2] ?? "")),
      `no TYPE before ${line}`,
    );
  }
  assert.equal(families.size, 8);
});

Deno.test("Metrics never lets the stream gauge go negative", () => {
  const metrics = new Metrics();
  metrics.streamEnded();
  assert.ok(metrics.render().includes("\nclaude_proxy_streams_in_flight 0\n"));
});
