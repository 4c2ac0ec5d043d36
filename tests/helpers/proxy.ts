// Starts the proxy in-process on 127.0.0.1 port 0 for tests, with a config built from a file object.
import { resolveConfig } from "../../src/config/resolve.ts";
import type { Config } from "../../src/config/schema.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import type { RequestLogger, RequestLogRecord } from "../../src/log/record.ts";
import { serve } from "../../src/runtime.ts";
import { createApp } from "../../src/server/app.ts";
import { type AppDeps, randomId } from "../../src/server/deps.ts";

/** A proxy running for a test. */
export interface TestProxy {
  url: string;
  config: Config;
  records: RequestLogRecord[];
  /** Resolves when `count` log records have been written. */
  waitForRecords(count: number): Promise<RequestLogRecord[]>;
  close(): Promise<void>;
}

/** Builds a config for an OpenAI-format provider at `baseUrl`, with extra file keys. */
export function testConfig(baseUrl: string, file: FileConfig = {}): Config {
  return resolveConfig({
    cli: {},
    env: {},
    file: {
      provider: { name: "custom", base_url: baseUrl, api_key: "sk-test-secret-key-123456" },
      upstream: { retries: 0, ping_interval_ms: 60_000 },
      ...file,
    },
    source: "test",
  });
}

/** Starts the app on a free port. */
export function startProxy(config: Config, overrides: Partial<AppDeps> = {}): TestProxy {
  const records: RequestLogRecord[] = [];
  const waiters: Array<{ count: number; resolve: (r: RequestLogRecord[]) => void }> = [];
  const logger: RequestLogger = {
    write(record) {
      records.push(record);
      for (const waiter of [...waiters]) {
        if (records.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(records);
        }
      }
    },
    close: () => Promise.resolve(),
  };
  const app = createApp({
    config,
    logger,
    now: () => Date.now(),
    newId: randomId,
    ...overrides,
  });
  const server = serve(app.fetch, { hostname: "127.0.0.1", port: 0 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    config,
    records,
    waitForRecords(count) {
      if (records.length >= count) return Promise.resolve(records);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => server.shutdown(),
  };
}
