// Runs the pinned Claude Code CLI (node_modules/.bin/claude, from `deno task setup`) in a throwaway HOME.
import { existsSync } from "node:fs";
import { fromFileUrl } from "./paths.ts";
import { type CommandResult, decodeOutput } from "./process.ts";

/** Where `deno install` puts the pinned Claude Code CLI. */
export const CLAUDE = fromFileUrl(new URL("../../node_modules/.bin/claude", import.meta.url));

/** Whether the CLI is installed. Tests that need it are ignored without it, except under CI. */
export const HAS_CLAUDE = existsSync(CLAUDE) || Deno.env.get("CI") === "true";

/** Runs `claude` with `args` against `baseUrl` in a temporary HOME; returns exit code and output. */
export async function runClaude(baseUrl: string, args: string[]): Promise<CommandResult> {
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
