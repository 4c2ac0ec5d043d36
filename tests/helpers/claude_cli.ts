// Runs the pinned Claude Code CLI (`deno task setup`) in a throwaway HOME, alone or via the proxy.
import { existsSync } from "node:fs";
import { fromFileUrl } from "./paths.ts";
import { type CommandResult, decodeOutput } from "./process.ts";
import { type ProxyStack, type ProxyStackOptions, withProxyStack } from "./proxy.ts";

/** Where `deno install` puts the pinned Claude Code CLI. */
export const CLAUDE = fromFileUrl(new URL("../../node_modules/.bin/claude", import.meta.url));

/** Whether the CLI is installed. Tests that need it are ignored without it, except under CI. */
export const HAS_CLAUDE = existsSync(CLAUDE) || Deno.env.get("CI") === "true";

/** `Deno.test` options for a test that runs the CLI: ignored without it, sanitizers off. */
export const CLAUDE_CODE_TEST = {
  ignore: !HAS_CLAUDE,
  sanitizeResources: false,
  sanitizeOps: false,
} as const;

/** Options for {@linkcode runClaude}. */
export interface RunClaudeOptions {
  /** More environment for the CLI, after (and over) the defaults. */
  env?: Record<string, string>;
}

/** Runs `claude` with `args` against `baseUrl` in a temporary HOME; returns its code and output. */
export async function runClaude(
  baseUrl: string,
  args: string[],
  options: RunClaudeOptions = {},
): Promise<CommandResult> {
  const home = await Deno.makeTempDir({ prefix: "claude-proxy-home-" });
  try {
    const output = await new Deno.Command(CLAUDE, {
      args,
      cwd: home,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        ANTHROPIC_BASE_URL: baseUrl,
        ANTHROPIC_API_KEY: "any",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_TELEMETRY: "1",
        DISABLE_AUTOUPDATER: "1",
        CI: "true",
        ...options.env,
      },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return decodeOutput(output);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Options for {@linkcode runClaudeCode}: the mock upstream, the proxy's config, the CLI input. */
export interface ClaudeCodeRunOptions extends ProxyStackOptions {
  /** The prompt, sent as `claude -p <prompt>`. */
  prompt: string;
  /** More CLI arguments after the prompt, e.g. `["--allowedTools", "Bash"]`. */
  args?: string[];
  /** More environment for the CLI (see {@linkcode runClaude}). */
  env?: Record<string, string>;
}

/** The CLI's exit code and output, with the (closed) mock upstream and proxy it talked to. */
export interface ClaudeCodeRun extends CommandResult, ProxyStack {}

/**
 * Starts a mock upstream and the proxy in front of it, runs `claude -p <prompt> ...args` against
 * the proxy, then closes both. The mock's `requests` and the proxy's `records` stay readable.
 *
 * @example
 * const run = await runClaudeCode({
 *   upstream: fakeModel(brain),
 *   config: (url) => testConfig(url, { models: { "*": "fake-model" } }),
 *   prompt: "Run the marker command.",
 *   args: ["--allowedTools", "Bash"],
 * });
 * assert.equal(run.code, 0, run.stderr);
 */
export function runClaudeCode(options: ClaudeCodeRunOptions): Promise<ClaudeCodeRun> {
  const args = ["-p", options.prompt, ...(options.args ?? [])];
  return withProxyStack(options, async (stack) => {
    const result = await runClaude(stack.proxy.url, args, options.env ? { env: options.env } : {});
    return { ...result, ...stack };
  });
}
