// The entry point: parse the command line, run the command, and exit with its code.
// deno-lint-ignore-file no-console -- the entry point is where output goes to the terminal
import { Buffer } from "node:buffer";
import process from "node:process";
import { type CliOptions, HELP, parseCli } from "./src/cli.ts";
import { runCheck } from "./src/commands/check.ts";
import { logFilePath, runConfigPaths } from "./src/commands/config_paths.ts";
import { runInit, terminalPrompt } from "./src/commands/init.ts";
import { runLogs } from "./src/commands/logs.ts";
import { runLogsSummary } from "./src/commands/logs_summary.ts";
import { runStatusline } from "./src/commands/statusline.ts";
import { parseSince } from "./src/log/usage_summary.ts";
import { runEnv } from "./src/commands/env.ts";
import { runRun } from "./src/commands/run.ts";
import { runServe } from "./src/commands/serve.ts";
import type { LoadedConfig } from "./src/config/load.ts";
import { ConfigError, UsageError } from "./src/errors.ts";
import { openRequestLog } from "./src/log/request_log.ts";
import type { RequestLogger } from "./src/log/record.ts";
import { configSecrets } from "./src/server/deps.ts";
import * as runtime from "./src/runtime.ts";
import { VERSION } from "./src/version.ts";

/** Runs claude-proxy with `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  try {
    const cli = parseCli(argv);
    verbose = cli.verbose;
    if (cli.help) {
      console.log(HELP);
      return 0;
    }
    if (cli.version) {
      console.log(`claude-proxy ${VERSION}`);
      return 0;
    }
    return await runCommand(cli);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\nRun "claude-proxy --help" for usage.`);
      return 2;
    }
    if (err instanceof ConfigError || !verbose) {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      if (verbose && err instanceof Error && err.stack) console.error(err.stack);
      return 1;
    }
    console.error(err);
    return 1;
  }
}

async function runCommand(cli: CliOptions): Promise<number> {
  const env = runtime.env();
  const write = (text: string) => console.log(text);
  const writeError = (text: string) => console.error(text);
  if (cli.showConfigPaths) return await runConfigPaths(cli, { env, write });
  switch (cli.command) {
    case "serve":
      return await runServe(cli, { write, writeError, openLogger });
    case "run":
      return await runRun(cli, {
        env,
        write: writeError,
        openLogger,
      });
    case "env":
      return await runEnv(cli, { env, write, writeError });
    case "init": {
      const prompt = cli.yes ? undefined : terminalPrompt();
      try {
        return await runInit(cli, { env, write, ...(prompt ? { ask: prompt.ask } : {}) });
      } finally {
        prompt?.close();
      }
    }
    case "check":
      return await runCheck(cli, { env, write });
    case "logs":
      return await runLogsCommand(cli, env);
    case "statusline":
      return await runStatusline(cli, {
        env,
        input: await readStdin(),
        write: (text) => process.stdout.write(text),
        color: !cli.noColor && !env.NO_COLOR,
      });
  }
}

/** All of stdin (Claude Code's JSON for the status line); nothing when it is a terminal. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks).toString("utf8");
}

/** The request log: the configured file, else the platform's default path (see loadConfig). */
function openLogger(config: LoadedConfig): Promise<RequestLogger> {
  return openRequestLog({
    path: config.log.file,
    maxEntries: config.log.maxEntries,
    secrets: configSecrets(config),
    warn: (line) => console.error(line),
  });
}

async function runLogsCommand(
  cli: CliOptions,
  env: Record<string, string | undefined>,
): Promise<number> {
  const { path } = await logFilePath(cli, { env });
  const since = cli.since === undefined ? undefined : parseSince(cli.since, Date.now());
  if (cli.since !== undefined && since === undefined) {
    throw new UsageError(
      `--since must be a time like 30m, 24h, 7d, today or 2026-12-01, got "${cli.since}"`,
    );
  }
  const color = !cli.noColor && !env.NO_COLOR && runtime.stdoutIsTerminal();
  if (cli.summary) {
    return await runLogsSummary({
      path,
      by: cli.by,
      since,
      sinceText: cli.since,
      json: cli.json,
      color,
      write: (text) => process.stdout.write(text),
      writeError: (text) => process.stderr.write(text),
    });
  }
  const abort = new AbortController();
  const removeSignals = runtime.onShutdownSignal(() => abort.abort());
  try {
    return await runLogs({
      path,
      ...(cli.lines !== undefined ? { n: cli.lines } : {}),
      follow: cli.follow,
      json: cli.json,
      errors: cli.errors,
      ...(since !== undefined ? { since } : {}),
      color,
      signal: abort.signal,
      write: (text) => process.stdout.write(text),
      writeError: (text) => process.stderr.write(text),
    });
  } finally {
    removeSignals();
  }
}

if (import.meta.main) {
  runtime.exit(await main(runtime.args()));
}
