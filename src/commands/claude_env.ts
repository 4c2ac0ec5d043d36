// The environment Claude Code gets from `run`: the proxy's URL, a credential that needs no prompt, and the model settings.
import type { Config } from "../config/schema.ts";
import { claudeCodeSettings } from "./claude_settings.ts";

/** The token Claude Code sends when the proxy checks none (it is never forwarded upstream). */
export const PLACEHOLDER_TOKEN = "claude-proxy";

/**
 * Whether the client's own key reaches a provider (`api_key_from = "client"`): then Claude Code
 * must send the user's key, as the user set it.
 */
export function forwardsClientKey(config: Config): boolean {
  return Object.values(config.providers).some((p) => p.apiKeyFrom === "client");
}

/**
 * The credential variables for Claude Code. It asks "Detected a custom API key… use it?" (No by
 * default, and stores the answer) for ANTHROPIC_API_KEY, never for ANTHROPIC_AUTH_TOKEN, so the
 * proxy's token goes there: the `auth_token` the proxy checks, else the user's own
 * ANTHROPIC_AUTH_TOKEN, else a placeholder; ANTHROPIC_API_KEY is then left out. When a provider
 * forwards the client's key, the user's variables are kept as they are.
 */
function claudeCredentials(
  env: Record<string, string | undefined>,
  config: Config,
): { ANTHROPIC_AUTH_TOKEN?: string; ANTHROPIC_API_KEY?: string } {
  const own = {
    token: env.ANTHROPIC_AUTH_TOKEN || undefined,
    key: env.ANTHROPIC_API_KEY || undefined,
  };
  if (config.authToken) return { ANTHROPIC_AUTH_TOKEN: config.authToken };
  if (forwardsClientKey(config)) {
    return {
      ...(own.token ? { ANTHROPIC_AUTH_TOKEN: own.token } : {}),
      ...(own.key ? { ANTHROPIC_API_KEY: own.key } : {}),
    };
  }
  return { ANTHROPIC_AUTH_TOKEN: own.token ?? PLACEHOLDER_TOKEN };
}

/**
 * The environment claude runs with: the caller's, with ANTHROPIC_BASE_URL pointing at the proxy,
 * the credentials of {@linkcode claudeCredentials}, and the model settings of
 * {@linkcode claudeCodeSettings} where the caller set none of its own (a family's
 * ANTHROPIC_DEFAULT_<FAMILY>_MODEL set by the caller keeps its _NAME, _DESCRIPTION and
 * _SUPPORTED_CAPABILITIES too).
 */
export function claudeEnv(
  env: Record<string, string | undefined>,
  config: Config,
  url: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  delete out.ANTHROPIC_API_KEY;
  delete out.ANTHROPIC_AUTH_TOKEN;
  Object.assign(out, claudeCredentials(env, config));
  out.ANTHROPIC_BASE_URL = url;
  for (const [key, value] of Object.entries(claudeCodeSettings(config).env)) {
    const family = /^(ANTHROPIC_DEFAULT_[A-Z]+_MODEL)/.exec(key)?.[1];
    if (env[key] !== undefined || (family !== undefined && env[family] !== undefined)) continue;
    out[key] = value;
  }
  return out;
}

/**
 * The arguments claude runs with: the settings.json keys of {@linkcode claudeCodeSettings} (and
 * `extra` ones) as `--settings JSON` before the caller's, unless the caller passes `--settings`.
 */
export function claudeArgs(
  args: readonly string[],
  config: Config,
  extra: Record<string, unknown> = {},
): string[] {
  const settings = { ...claudeCodeSettings(config).settings, ...extra };
  const own = args.some((arg) => arg === "--settings" || arg.startsWith("--settings="));
  if (own || Object.keys(settings).length === 0) return [...args];
  return ["--settings", JSON.stringify(settings), ...args];
}

/** The URL clients use for a proxy listening on `host`:`port` (a wildcard address as 127.0.0.1). */
export function proxyBaseUrl(host: string, port: number): string {
  const name = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${name.includes(":") ? `[${name}]` : name}:${port}`;
}
