import assert from "node:assert/strict";
import { formatRequestLine, withRequestLines } from "../../src/commands/request_line.ts";
import type { RequestLogger, RequestLogRecord } from "../../src/log/record.ts";

function record(
  extra: { [K in keyof RequestLogRecord]?: RequestLogRecord[K] | undefined } = {},
): RequestLogRecord {
  const out: Record<string, unknown> = {
    time: "2026-12-08T10:42:07.120Z",
    id: "req_1",
    method: "POST",
    path: "/v1/messages",
    model: "claude-opus-5-5",
    provider: "openai",
    upstream_model: "gpt-6-sol",
    status: 200,
    input_tokens: 12_345,
    output_tokens: 456,
    total_ms: 2_412,
    ...extra,
  };
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out as unknown as RequestLogRecord;
}

Deno.test("formatRequestLine shows time, client model → upstream model, status, tokens and duration", () => {
  assert.equal(
    formatRequestLine(record(), { timeZone: "UTC" }),
    "10:42:07  claude-opus-5-5 → openai:gpt-6-sol                    200    12.3k→456 tok     2.4 s",
  );
});

Deno.test("formatRequestLine keeps its columns aligned whatever the model names", () => {
  const lines = [
    record(),
    record({ model: "claude-haiku-5-5", upstream_model: "gpt-6-luna", total_ms: 830 }),
    record({
      model: "claude-sonnet-5-5[1m]",
      provider: "fireworks",
      upstream_model: "accounts/fireworks/models/kimi-k2p6-with-a-long-name",
      input_tokens: 2_100_000,
      output_tokens: 12,
      total_ms: 125_000,
    }),
  ].map((r) => formatRequestLine(r, { timeZone: "UTC" }));
  const statusAt = lines.map((line) => line.search(/ 200 /));
  assert.deepEqual(new Set(statusAt).size, 1, lines.join("\n"));
  assert.match(lines[1]!, / 830 ms$/);
  assert.match(lines[2]!, /accounts\/firework… {2}200 +2\.1M→12 tok +2 m 5 s$/);
});

Deno.test("formatRequestLine ends a failed request with its error, cut short", () => {
  const line = formatRequestLine(
    record({
      status: 401,
      input_tokens: undefined,
      output_tokens: undefined,
      total_ms: 90,
      error_type: "authentication_error",
      error_message: "Upstream returned 401: Incorrect API key provided\n".repeat(5),
    }),
    { timeZone: "UTC" },
  );
  assert.match(
    line,
    / {2}401 +90 ms {2}authentication_error: Upstream returned 401: Incorrect API/,
  );
  assert.ok(line.length < 220, line);
  assert.ok(!line.includes("\n"));
  assert.match(
    formatRequestLine(record({ method: "GET", path: "/v1/models", model: undefined })),
    /GET \/v1\/models/,
  );
});

Deno.test("withRequestLines prints each finished request and still logs it", async () => {
  const logged: RequestLogRecord[] = [];
  const started: RequestLogRecord[] = [];
  const inner: RequestLogger = {
    write: (r) => logged.push(r),
    started: (r) => started.push(r),
    close: () => Promise.resolve(),
  };
  const printed: string[] = [];
  const logger = withRequestLines(inner, (line) => printed.push(line), { timeZone: "UTC" });
  logger.started?.(record());
  logger.write(record());
  await logger.close();
  assert.equal(logged.length, 1);
  assert.equal(started.length, 1);
  assert.equal(printed.length, 1);
  assert.match(printed[0]!, /^10:42:07 {2}claude-opus-5-5 → openai:gpt-6-sol .*\n$/);
  const failing = withRequestLines(inner, () => {
    throw new Error("stderr closed");
  });
  failing.write(record());
  assert.equal(logged.length, 2, "a failing terminal does not lose the log line");
});
