// Several scripted providers (of any format) behind one proxy, for routing, fallback and key pool tests.
import { parseConfig } from "../../src/config/parse.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { Config } from "../../src/config/schema.ts";
import { validateConfig } from "../../src/config/validate.ts";
import type { RequestLogRecord } from "../../src/log/record.ts";
import type { AppDeps } from "../../src/server/deps.ts";
import { type MockHandler, type MockUpstream, startMockUpstream } from "./mock_upstream.ts";
import { startProxy, type TestProxy } from "./proxy.ts";

/** The providers behind the proxy, by name, and the proxy. */
export interface GatewayStack {
  mocks: Record<string, MockUpstream>;
  proxy: TestProxy;
  /** Warnings the proxy gave (what serve prints on stderr). */
  warnings: string[];
  /** Posts a Messages request to the proxy. */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Posts, reads the whole answer, and waits for its log record. */
  exchange(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ response: Response; text: string; record: RequestLogRecord }>;
}

/** Options for {@linkcode withGateway}. */
export interface GatewayStackOptions {
  /** One scripted provider per name. */
  providers: Record<string, MockHandler>;
  /** The config as TOML; `{url:NAME}` stands for the base URL of provider NAME's mock. */
  toml: string;
  /** More app dependencies (a clock, for the circuit breaker). */
  deps?: Partial<AppDeps>;
  /** The environment the config is resolved with (for `api_key_env`). */
  env?: Record<string, string>;
}

/**
 * Starts one mock per provider and the proxy over a config that points at them, runs `fn`, then
 * closes everything.
 *
 * @example
 * await withGateway({ providers: { a: fakeModel(brain) }, toml: `[providers.a]\nname = "openai"\nbase_url = "{url:a}"` }, async (g) => { ... });
 */
export async function withGateway<T>(
  options: GatewayStackOptions,
  fn: (stack: GatewayStack) => Promise<T>,
): Promise<T> {
  const mocks: Record<string, MockUpstream> = {};
  try {
    for (const [name, handler] of Object.entries(options.providers)) {
      mocks[name] = await startMockUpstream(handler);
    }
    const toml = options.toml.replace(/\{url:([\w-]+)\}/g, (_, name: string) => {
      const mock = mocks[name];
      if (!mock) throw new TypeError(`No mock provider named "${name}"`);
      return mock.url;
    });
    const warnings: string[] = [];
    const proxy = startProxy(tomlConfig(toml, options.env ?? {}), {
      warn: (text) => warnings.push(text),
      ...options.deps,
    });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${proxy.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    try {
      return await fn({
        mocks,
        proxy,
        warnings,
        post,
        async exchange(body, headers) {
          const before = proxy.records.length;
          const response = await post(body, headers);
          const text = await response.text();
          const records = await proxy.waitForRecords(before + 1);
          return { response, text, record: records[before]! };
        },
      });
    } finally {
      await proxy.close();
    }
  } finally {
    for (const mock of Object.values(mocks)) await mock.close();
  }
}

/** Reads TOML `text` as the only config file, resolved with `env`. */
export function tomlConfig(text: string, env: Record<string, string>): Config {
  const file = validateConfig(parseConfig(text, "test.toml"), { source: "test.toml", text });
  return resolveConfig({ cli: {}, env, file, source: "test.toml" });
}
