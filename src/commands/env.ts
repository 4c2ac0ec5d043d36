// `claude-proxy env`: the settings `run` gives Claude Code, printed for users who start claude themselves.
import type { CliOptions } from "../cli.ts";
import { loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { forwardsClientKey, PLACEHOLDER_TOKEN, proxyBaseUrl } from "./claude_env.ts";
import { claudeCodeSettings } from "./claude_settings.ts";
import { type CommandContext, loadOptionsFor } from "./config_paths.ts";

/** Options for {@linkcode runEnv}. */
export interface EnvCommandOptions extends CommandContext {
  /** Receives the settings (stdout). */
  write: (text: string) => void;
  /** Receives notes about what could not be printed (stderr). */
  writeError: (text: string) => void;
}

/** What stands in for the proxy's auth_token when it is not printed. */
const TOKEN_PLACEHOLDER = "<the auth_token of claude-proxy>";

/**
 * Prints what Claude Code needs to work through the proxy at its configured address: shell
 * `export` lines (and `unset ANTHROPIC_API_KEY`, which would make Claude Code ask about the key),
 * or with `--json` a settings.json fragment (`{"env": {...}, ...}`). The proxy's auth_token is
 * never printed: a variable it came from is named instead, else a placeholder.
 *
 * @example
 * // eval "$(claude-proxy env)" && claude
 * await runEnv(parseCli(["env"]), { env, write: console.log, writeError: console.error });
 */
export async function runEnv(cli: CliOptions, options: EnvCommandOptions): Promise<number> {
  const config = await loadConfig(loadOptionsFor(cli, options));
  for (const notice of config.notices) options.writeError(`claude-proxy: ${notice}`);
  const { env, settings } = claudeCodeSettings(config);
  const url = proxyBaseUrl(config.host, config.port);
  const token = tokenFor(config);
  if (token.note) options.writeError(`claude-proxy: ${token.note}`);
  const all: Record<string, string> = { ANTHROPIC_BASE_URL: url };
  if (token.value !== undefined) all.ANTHROPIC_AUTH_TOKEN = token.value;
  Object.assign(all, env);
  if (cli.json) {
    options.write(JSON.stringify({ env: all, ...settings }, null, 2));
    return 0;
  }
  const lines = [
    `# Claude Code through claude-proxy at ${url} (start the proxy first: claude-proxy)`,
    `# Use: eval "$(claude-proxy env)" && claude`,
  ];
  if (!forwardsClientKey(config)) lines.push("unset ANTHROPIC_API_KEY");
  for (const [name, value] of Object.entries(all)) {
    const quoted = name === "ANTHROPIC_AUTH_TOKEN" && token.variable
      ? `"$${token.variable}"`
      : shellQuote(value);
    lines.push(`export ${name}=${quoted}`);
  }
  if (Object.keys(settings).length > 0) {
    lines.push(`# Also in ~/.claude/settings.json: ${JSON.stringify(settings)}`);
  }
  lines.push(
    `# A first start offline: add "hasCompletedOnboarding": true to ~/.claude.json ` +
      `(claude-proxy run does it)`,
  );
  options.write(lines.join("\n"));
  return 0;
}

/** What Claude Code should send: the auth_token's variable or a placeholder, the forwarded key, or the placeholder token. */
function tokenFor(config: Config): { value?: string; variable?: string; note?: string } {
  if (config.authToken) {
    const origin = config.origins["auth_token"] ?? "";
    const variable = /^env (\w+)$/.exec(origin)?.[1];
    if (variable) return { value: TOKEN_PLACEHOLDER, variable };
    return {
      value: TOKEN_PLACEHOLDER,
      note:
        `ANTHROPIC_AUTH_TOKEN must be the proxy's auth_token (from ${origin || "the config"}), ` +
        `which is not printed: put it in place of ${TOKEN_PLACEHOLDER}`,
    };
  }
  if (forwardsClientKey(config)) {
    return {
      note: "a provider forwards the client's key: Claude Code sends your own ANTHROPIC_API_KEY",
    };
  }
  return { value: PLACEHOLDER_TOKEN };
}

/** `value` in single quotes for a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
