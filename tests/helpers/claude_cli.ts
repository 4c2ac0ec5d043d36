// Runs a pinned Claude Code CLI (`deno task setup`) in a throwaway HOME, alone or via the proxy.
import { existsSync } from "node:fs";
import testDeps from "../deno.test.json" with { type: "json" };
import { fromFileUrl } from "./paths.ts";
import { type CommandResult, decodeOutput } from "./process.ts";
import { type ProxyStack, type ProxyStackOptions, withProxyStack } from "./proxy.ts";

/**
 * The Claude Code versions the tests pin (the `claude-code-<version>` imports of
 * tests/deno.test.json), oldest first: the oldest supported and the newest that installs.
 */
export const CLAUDE_CODE_VERSIONS: readonly string[] = Object.keys(testDeps.imports)
  .flatMap((name) => name.match(/^claude-code-(\d+\.\d+\.\d+)$/)?.[1] ?? [])
  .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));

/** The oldest Claude Code version the proxy supports. */
export const OLDEST_CLAUDE_CODE = CLAUDE_CODE_VERSIONS[0]!;

/** The newest Claude Code version the tests pin. */
export const NEWEST_CLAUDE_CODE = CLAUDE_CODE_VERSIONS.at(-1)!;

/** Where `deno task setup` puts the pinned Claude Code CLI of `version`. */
export function claudeCodeBinary(version: string): string {
  return fromFileUrl(
    new URL(
      `../node_modules/.deno/@anthropic-ai+claude-code@${version}/node_modules/` +
        "@anthropic-ai/claude-code/bin/claude.exe",
      import.meta.url,
    ),
  );
}

/** The oldest pinned CLI, for tests that need one Claude Code. */
export const CLAUDE = claudeCodeBinary(OLDEST_CLAUDE_CODE);

/** Whether the CLI of `version` is installed; tests that need it are ignored without it, except under CI. */
export function hasClaudeCode(version: string = OLDEST_CLAUDE_CODE): boolean {
  return existsSync(claudeCodeBinary(version)) || Deno.env.get("CI") === "true";
}

/** Whether the oldest pinned CLI is installed (see {@linkcode hasClaudeCode}). */
export const HAS_CLAUDE = hasClaudeCode();

/** `Deno.test` options for a test that runs the CLI of `version`: ignored without it, sanitizers off. */
export function claudeCodeTest(version: string = OLDEST_CLAUDE_CODE) {
  return { ignore: !hasClaudeCode(version), sanitizeResources: false, sanitizeOps: false } as const;
}

/** `Deno.test` options for a test that runs the oldest pinned CLI. */
export const CLAUDE_CODE_TEST = claudeCodeTest();

/** Options for {@linkcode runClaude}. */
export interface RunClaudeOptions {
  /** More environment for the CLI, after (and over) the defaults. */
  env?: Record<string, string>;
  /** The pinned Claude Code version to run (default: the oldest). */
  version?: string;
}

/** Runs `claude` with `args` against `baseUrl` in a temporary HOME; returns its code and output. */
export async function runClaude(
  baseUrl: string,
  args: string[],
  options: RunClaudeOptions = {},
): Promise<CommandResult> {
  const home = await Deno.makeTempDir({ prefix: "claude-proxy-home-" });
  try {
    const output = await new Deno.Command(claudeCodeBinary(options.version ?? OLDEST_CLAUDE_CODE), {
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
  /** The pinned Claude Code version to run (default: the oldest). */
  version?: string;
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
    const result = await runClaude(stack.proxy.url, args, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.version ? { version: options.version } : {}),
    });
    return { ...result, ...stack };
  });
}
