// What the server needs from outside: config, logger, metrics, observers, fetch, clock and id source.
import type { Config, ProviderConfig } from "../config/schema.ts";
import type { RequestLogger, RequestLogRecord } from "../log/record.ts";
import type { SendUpstreamOptions } from "../upstream/client.ts";

/** Metrics hooks the server calls; implemented by the metrics module. */
export interface MetricsSink {
  observe(record: RequestLogRecord): void;
  streamStarted(): void;
  streamEnded(): void;
  retry(provider: string): void;
  render(): string;
}

/**
 * Watches requests go by. `started` sees the record as the request arrives; handlers add to it as
 * they go (route, changes, usage), and `finished` sees it complete, once, after the log line.
 */
export interface RequestObserver {
  started?(record: RequestLogRecord): void;
  finished?(record: RequestLogRecord): void;
}

/** Everything the app depends on. */
export interface AppDeps {
  config: Config;
  logger: RequestLogger;
  metrics?: MetricsSink;
  /** Told when each `/v1/messages` request starts and finishes. */
  observers?: readonly RequestObserver[];
  fetch?: typeof fetch;
  now: () => number;
  newId: (prefix: string) => string;
  /** Where warnings about providers go as they happen (a circuit opened, a key refused): stderr. */
  warn?: (text: string) => void;
  /** Aborted when the shutdown grace ends: requests still open end with its reason as their error. */
  shutdown?: AbortSignal;
}

/** A random id with `prefix`, e.g. `msg_01…` (24 base62 characters). */
export function randomId(prefix: string): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let out = prefix;
  for (const byte of bytes) out += alphabet[byte % 62];
  return out;
}

/** Every secret the config holds (provider keys, each key of a pool, the proxy token, the search key), for redaction. */
export function configSecrets(config: Config): string[] {
  const secrets = Object.values(config.providers).flatMap((p) => [
    ...(p.apiKey ? [p.apiKey] : []),
    ...(p.keyPool ?? []).map((k) => k.key),
  ]);
  if (config.authToken) secrets.push(config.authToken);
  if (config.webSearch?.apiKey) secrets.push(config.webSearch.apiKey);
  return secrets;
}

/** The upstream call options for `provider`: the client's abort signal, timeouts, retries, metrics. */
export function upstreamOptions(
  deps: AppDeps,
  provider: ProviderConfig,
  signal: AbortSignal,
): SendUpstreamOptions {
  const upstream = deps.config.upstream;
  return {
    signal: deps.shutdown ? AbortSignal.any([signal, deps.shutdown]) : signal,
    timeouts: {
      firstByteMs: provider.timeoutMs ?? upstream.firstByteTimeoutMs,
      idleMs: upstream.idleTimeoutMs,
      deadlineMs: upstream.deadlineMs,
    },
    retry: { attempts: 1 + Math.max(0, upstream.retries) },
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    onRetry: () => deps.metrics?.retry(provider.name),
  };
}
