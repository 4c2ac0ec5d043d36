// Turns a failed listen (port in use, no permission, no such address) into a message that says what to do.
import { configFingerprint } from "../config/fingerprint.ts";
import type { Config } from "../config/schema.ts";
import { ConfigError } from "../errors.ts";

/** Options for {@linkcode listenError}. */
export interface ListenErrorOptions {
  /** Asks `GET /health` of whatever holds the port (default: fetch). */
  fetch?: typeof fetch;
}

/**
 * A ConfigError that says why `serve` could not listen on the configured address and what to do,
 * or undefined for an error that is not about listening. On a port in use it asks the port's
 * `/health`, so it can say whether a claude-proxy (with this config or another) already runs there.
 */
export async function listenError(
  err: unknown,
  config: Config,
  options: ListenErrorOptions = {},
): Promise<ConfigError | undefined> {
  const code = (err as { code?: unknown })?.code;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const where = `${host}:${config.port}`;
  const from = config.origins.port && config.origins.port !== "default"
    ? ` (the port comes from ${config.origins.port})`
    : "";
  const other = "choose another port with -p PORT, or set PORT";
  let reason: string;
  if (code === "EADDRINUSE") {
    const running = await runningProxy(`http://${where}`, config, options.fetch ?? fetch);
    reason = running === "same"
      ? `claude-proxy is already running there with this config: use it ` +
        `(ANTHROPIC_BASE_URL=http://${where}; "claude-proxy run" does), stop it, or ${other}`
      : running === "other"
      ? `another claude-proxy is already running there (with another config): stop it, or ${other}`
      : `the port is in use (another claude-proxy may already run there, or another program): ` +
        `stop it, or ${other}`;
  } else if (code === "EACCES") {
    reason = `permission denied (ports below 1024 need privileges): ${other} above 1023`;
  } else if (code === "EADDRNOTAVAIL") {
    reason = `this machine has no address ${config.host}: use --host 127.0.0.1 (or 0.0.0.0 ` +
      `with auth_token set), or set HOST`;
  } else {
    return undefined;
  }
  const message = `Cannot listen on ${where}${from}: ${reason}`;
  return new ConfigError(message, [message], { cause: err });
}

/** Whether a claude-proxy answers on `url`, and with this config or another. */
async function runningProxy(
  url: string,
  config: Config,
  doFetch: typeof fetch,
): Promise<"same" | "other" | undefined> {
  try {
    const response = await doFetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    const body = await response.json().catch(() => undefined) as
      | { status?: unknown; version?: unknown; config?: unknown }
      | undefined;
    if (!response.ok || body?.status !== "ok" || typeof body.version !== "string") return undefined;
    return body.config === configFingerprint(config) ? "same" : "other";
  } catch {
    return undefined;
  }
}
