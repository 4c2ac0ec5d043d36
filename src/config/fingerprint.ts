// A short, stable fingerprint of what a config makes the proxy do, to recognise a running proxy. Pure.
import type { Config } from "./schema.ts";

/**
 * Hashes the parts of `config` that change how requests are handled (providers, routes, options,
 * limits), never the API keys themselves, into 16 hex digits. Where the config came from, the
 * address it listens on and logging do not count.
 *
 * @example
 * configFingerprint(config) === configFingerprint(structuredClone(config)); // true
 */
export function configFingerprint(config: Config): string {
  const providers = Object.values(config.providers).map(({ apiKey, keyPool, ...rest }) => ({
    ...rest,
    hasKey: apiKey !== undefined,
    keys: keyPool?.length,
  }));
  const relevant = {
    providers,
    defaultProvider: config.defaultProvider,
    models: config.models,
    modelOptions: config.modelOptions,
    router: config.router,
    drop: config.drop,
    auth: config.authToken !== undefined,
    maxBodyBytes: config.maxBodyBytes,
    upstream: config.upstream,
  };
  return fnv1a64(stableJson(relevant));
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0");
}
