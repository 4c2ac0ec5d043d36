import assert from "node:assert/strict";
import { parseCli } from "../../src/cli.ts";
import { UsageError } from "../../src/errors.ts";

function usageError(argv: string[]): string {
  try {
    parseCli(argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err.message;
  }
  assert.fail(`expected a UsageError for ${JSON.stringify(argv)}`);
}

Deno.test("parseCli runs serve when no command is given", () => {
  const cli = parseCli(["-p", "4000", "--host", "::1", "-c", "x.toml"]);
  assert.equal(cli.command, "serve");
  assert.equal(cli.port, 4000);
  assert.equal(cli.host, "::1");
  assert.equal(cli.config, "x.toml");
});

Deno.test("parseCli reads the command wherever the options are", () => {
  assert.equal(parseCli(["-c", "x.toml", "check", "--ping"]).command, "check");
  assert.equal(parseCli(["check", "--ping"]).ping, true);
});

Deno.test("parseCli passes everything after -- to claude for run", () => {
  const cli = parseCli(["run", "--claude", "/opt/claude", "--", "-p", "hello", "--model", "x"]);
  assert.equal(cli.command, "run");
  assert.equal(cli.claudePath, "/opt/claude");
  assert.deepEqual(cli.rest, ["-p", "hello", "--model", "x"]);
  assert.deepEqual(parseCli(["run"]).rest, []);
});

Deno.test("parseCli explains that claude's options go after -- when run gets one of them", () => {
  assert.equal(
    usageError(["run", "-p", "hello"]),
    `--port must be a whole number from 0 to 65535, got "hello" (options for claude go after "--", e.g. claude-proxy run -- -p "hello")`,
  );
  assert.match(usageError(["run", "--model", "x"]), /Unknown option "--model".*after "--"/);
});

Deno.test("parseCli reads every init answer from flags", () => {
  const cli = parseCli([
    "init",
    "--provider",
    "azure",
    "--api-key-env",
    "AZ",
    "--base-url",
    "https://x",
    "--opus",
    "a",
    "--sonnet",
    "b",
    "--haiku",
    "c",
    "--scope",
    "project",
    "--force",
    "-y",
  ]);
  assert.deepEqual(
    [cli.provider, cli.apiKeyEnv, cli.baseUrl, cli.opus, cli.sonnet, cli.haiku, cli.scope],
    ["azure", "AZ", "https://x", "a", "b", "c", "project"],
  );
  assert.equal(cli.force, true);
  assert.equal(cli.yes, true);
});

Deno.test("parseCli reads the logs options", () => {
  const cli = parseCli([
    "logs",
    "-n",
    "5",
    "-f",
    "--json",
    "--errors",
    "--no-color",
    "--log-file",
    "l",
  ]);
  assert.deepEqual(
    [cli.lines, cli.follow, cli.json, cli.errors, cli.noColor, cli.logFile],
    [5, true, true, true, true, "l"],
  );
});

Deno.test("parseCli refuses unknown commands, stray arguments and options of other commands", () => {
  assert.equal(
    usageError(["start"]),
    `Unknown command "start" (commands: serve, run, env, init, check, logs, statusline)`,
  );
  assert.equal(usageError(["check", "extra"]), `Unexpected argument "extra" for "check"`);
  assert.equal(usageError(["serve", "--", "x"]), `Unexpected argument "x" for "serve"`);
  assert.equal(usageError(["logs", "--ping"]), `Option "--ping" does not apply to "logs"`);
  assert.equal(usageError(["init", "-p", "1"]), `Option "-p" does not apply to "init"`);
});

Deno.test("parseCli suggests the command or option meant by a typo", () => {
  assert.equal(
    usageError(["chek"]),
    `Unknown command "chek" (did you mean "check"?) (commands: serve, run, env, init, check, logs, statusline)`,
  );
  assert.equal(usageError(["--prot", "1"]), `Unknown option "--prot" (did you mean "--port"?)`);
  assert.equal(
    usageError(["logs", "--folow"]),
    `Unknown option "--folow" (did you mean "--follow"?)`,
  );
  assert.equal(
    usageError(["init", "--base-ulr", "x"]),
    `Unknown option "--base-ulr" (did you mean "--base-url"?)`,
  );
  // Nothing close: no guess. One-letter options get none either.
  assert.equal(usageError(["--completely-different"]), `Unknown option "--completely-different"`);
  assert.equal(usageError(["-x"]), `Unknown option "-x"`);
});

Deno.test("parseCli checks numbers, scopes and empty values", () => {
  assert.equal(
    usageError(["-p", "70000"]),
    `--port must be a whole number from 0 to 65535, got "70000"`,
  );
  assert.equal(
    usageError(["logs", "-n", "0"]),
    `-n must be a whole number from 1 to 1000000, got "0"`,
  );
  assert.equal(
    usageError(["init", "--scope", "global"]),
    `--scope must be "user" or "project", got "global"`,
  );
  assert.equal(usageError(["--provider", ""]), "--provider needs a value");
});

Deno.test("parseCli takes env with --json and the address options, not run's", () => {
  const cli = parseCli(["env", "--json", "-p", "4555"]);
  assert.equal(cli.command, "env");
  assert.equal(cli.json, true);
  assert.equal(cli.port, 4555);
  assert.throws(() => parseCli(["env", "--claude", "x"]), UsageError);
});
