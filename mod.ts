// The library entry point (`@claude-proxy/claude-proxy`): build the proxy's app and serve it anywhere.
//
// The app is a Hono app; its `fetch` is a plain `(Request) => Promise<Response>`, so it runs under
// `Deno.serve`, `Bun.serve`, or mounted in another Hono app. The pure translator is at `./translate`.

export { createApp } from "./src/server/app.ts";
export { type AppDeps, type MetricsSink, randomId } from "./src/server/deps.ts";
export { loadConfig, type LoadConfigOptions } from "./src/config/load.ts";
export { type CliConfigOptions, resolveConfig, type ResolveInput } from "./src/config/resolve.ts";
export type { FileConfig } from "./src/config/validate.ts";
export type { Config, ModelRule, ProviderConfig } from "./src/config/schema.ts";
export { NULL_LOGGER, type RequestLogger, type RequestLogRecord } from "./src/log/record.ts";
export { type JsonlLog, type JsonlLogOptions, openJsonlLog } from "./src/log/jsonl_log.ts";
export { ConfigError, ProxyError, toAnthropicError } from "./src/errors.ts";
export { VERSION } from "./src/version.ts";
