// Starts the proxy in-process on 127.0.0.1 port 0 for tests, alone or in front of a mock upstream.
import { parseConfig } from "../../src/config/parse.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { Config } from "../../src/config/schema.ts";
import { type FileConfig, validateConfig } from "../../src/config/validate.ts";
import type { RequestLogger, RequestLogRecord } from "../../src/log/record.ts";
import { serve } from "../../src/runtime.ts";
import { createApp } from "../../src/server/app.ts";
import { type AppDeps, randomId } from "../../src/server/deps.ts";
import {
  type MockHandler,
  type MockStep,
  type MockUpstream,
  startMockUpstream,
} from "./mock_upstream.ts";

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

/** A proxy config for a test: a resolved config, or TOML text read the way a config file is. */
export type TestConfigSource = Config | string;

/** Reads TOML `text` as the only config file, with no environment and no CLI flags. */
export function configFromToml(text: string, source = "test.toml"): Config {
  const file = validateConfig(parseConfig(text, source), { source, text });
  return resolveConfig({ cli: {}, env: {}, file, source });
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

/** Options for {@linkcode withProxyStack}. */
export interface ProxyStackOptions {
  /** What the mock answers: a handler for every request, or a script (see startMockUpstream). */
  upstream: MockHandler | MockStep[];
  /** The proxy's config, given the mock's base URL, e.g. `(url) => testConfig(url, { models })`. */
  config: (upstreamUrl: string) => TestConfigSource;
}

/** A mock upstream and the proxy in front of it. */
export interface ProxyStack {
  mock: MockUpstream;
  proxy: TestProxy;
}

/**
 * Starts the mock upstream and the proxy in front of it, runs `fn`, then closes both. The stack
 * stays readable after: `mock.requests`, `proxy.records` and `proxy.waitForRecords` still work.
 */
export async function withProxyStack<T>(
  options: ProxyStackOptions,
  fn: (stack: ProxyStack) => Promise<T>,
): Promise<T> {
  const mock = await startMockUpstream(options.upstream);
  try {
    const source = options.config(mock.url);
    const proxy = startProxy(typeof source === "string" ? configFromToml(source) : source);
    try {
      return await fn({ mock, proxy });
    } finally {
      await proxy.close();
    }
  } finally {
    await mock.close();
  }
}
