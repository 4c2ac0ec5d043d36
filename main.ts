// The entry point: parse the command line, run the command, and exit with its code.
import { HELP, parseCli } from "./src/cli.ts";
import { runServe } from "./src/commands/serve.ts";
import { ConfigError, UsageError } from "./src/errors.ts";
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
    return await runServe(cli, { write: (text) => console.log(text) });
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\nRun "claude-proxy --help" for usage.`);
      return 2;
    }
    if (err instanceof ConfigError || !verbose) {
      console.error(`error: ${(err as Error).message}`);
      if (verbose && err instanceof Error && err.stack) console.error(err.stack);
      return 1;
    }
    console.error(err);
    return 1;
  }
}

if (import.meta.main) {
  runtime.exit(await main(runtime.args()));
}
