// Tests for the Prometheus metrics kept from finished requests.
import assert from "node:assert/strict";
import { MAX_LABEL_VALUES, Metrics, modelLabels, OTHER_LABEL } from "../../src/log/metrics.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import { createApp } from "../../src/server/app.ts";
import { randomId } from "../../src/server/deps.ts";
import { NULL_LOGGER } from "../../src/log/record.ts";
import { jsonResponse, startMockUpstream } from "../helpers/mock_upstream.ts";
import { testConfig } from "../helpers/proxy.ts";

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

Deno.test("Metrics folds 20,000 model names no rule maps into one label", () => {
  const metrics = new Metrics({ models: ["deepseek-chat"] });
  metrics.observe(record({ provider: "deepseek", upstream_model: "deepseek-chat" }));
  for (let i = 0; i < 20_000; i++) {
    metrics.observe(
      record({ provider: "deepseek", upstream_model: `made-up-${i}`, input_tokens: 1 }),
    );
  }
  const text = metrics.render();
  const lines = text.split("\n");
  assert.ok(
    lines.includes(
      'claude_proxy_requests_total{provider="deepseek",model="other",status="200"} 20000',
    ),
  );
  assert.ok(
    lines.includes(
      'claude_proxy_requests_total{provider="deepseek",model="deepseek-chat",status="200"} 1',
    ),
  );
  assert.ok(
    lines.includes(
      'claude_proxy_tokens_total{direction="input",provider="deepseek",model="other"} 20000',
    ),
  );
  assert.ok(!text.includes("made-up"));
  assert.ok(text.length < 8_000, `${text.length} bytes`);
});

Deno.test("Metrics keeps at most MAX_LABEL_VALUES values of any label", () => {
  const metrics = new Metrics(); // no model list: names are kept up to the bound
  for (let i = 0; i < 5_000; i++) {
    metrics.observe(record({
      provider: `p${i}`,
      model: `m${i}`,
      status: 500,
      error_type: `made_up_error_${i}`,
    }));
    metrics.retry(`p${i}`);
  }
  const lines = metrics.render().split("\n");
  const series = (name: string) => lines.filter((l) => l.startsWith(`claude_proxy_${name}{`));
  assert.equal(series("requests_total").length, MAX_LABEL_VALUES + 1);
  assert.equal(series("errors_total").length, MAX_LABEL_VALUES + 1);
  assert.equal(series("retries_total").length, MAX_LABEL_VALUES + 1);
  assert.ok(
    lines.includes(
      `claude_proxy_retries_total{provider="${OTHER_LABEL}"} ${5_000 - MAX_LABEL_VALUES}`,
    ),
  );
});

Deno.test("modelLabels lists what the rules route to and the exact model_options names", () => {
  const config = testConfig("http://127.0.0.1:9", {
    models: { "*sonnet*": "gpt-4o", "claude-haiku-4-5": "gpt-4o-mini", "*": "gpt-4.1" },
    model_options: { "o3": { reasoning: true }, "gpt-5*": { reasoning: true } },
  });
  assert.deepEqual([...modelLabels(config)].sort(), ["gpt-4.1", "gpt-4o", "gpt-4o-mini", "o3"]);
});

Deno.test("GET /metrics stays small after 500 requests for models no rule maps", async () => {
  const mock = await startMockUpstream(() =>
    jsonResponse({
      id: "c1",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    })
  );
  try {
    const config = testConfig(mock.url, { models: { "*sonnet*": "gpt-4o" } });
    const app = createApp({
      config,
      logger: NULL_LOGGER,
      now: () => Date.now(),
      newId: randomId,
      metrics: new Metrics({ models: modelLabels(config) }),
    });
    const ask = async (model: string) => {
      const response = await app.request("http://127.0.0.1/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    };
    await ask("claude-sonnet-4-5");
    for (let i = 0; i < 500; i++) await ask(`client-chosen-name-${i}-${"x".repeat(100)}`);
    const text = await (await app.request("http://127.0.0.1/metrics")).text();
    assert.ok(text.includes('model="gpt-4o",status="200"} 1'));
    assert.ok(text.includes('model="other",status="200"} 500'));
    assert.ok(!text.includes("client-chosen-name"));
    assert.ok(text.length < 8_000, `${text.length} bytes`);
  } finally {
    await mock.close();
  }
});
