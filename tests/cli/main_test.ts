import assert from "node:assert/strict";
import { COMMANDS } from "../../src/cli.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../../src/config/schema.ts";
import { VERSION } from "../../src/version.ts";
import { makeSandbox } from "./sandbox.ts";

Deno.test("claude-proxy -h lists every command and option with defaults, and exits 0", async () => {
  await using box = await makeSandbox();
  const result = await box.run(["-h"]);
  assert.equal(result.code, 0);
  assert.equal(result.stderr, "");
  for (const command of COMMANDS) {
    assert.match(result.stdout, new RegExp(`\\n {2}claude-proxy \\[?${command}\\b`), command);
  }
  for (
    const option of [
      "--config",
      "--port",
      "--host",
      "--provider",
      "--log-file",
      "--log-bodies",
      "--show-config-paths",
      "--verbose",
      "--claude",
      "--ping",
      "--api-key-env",
      "--base-url",
      "--opus",
      "--sonnet",
      "--haiku",
      "--scope",
      "--force",
      "--yes",
      "--follow",
      "--json",
      "--errors",
      "--no-color",
    ]
  ) {
    assert.match(result.stdout, new RegExp(`${option}\\b`), option);
  }
  assert.match(result.stdout, new RegExp(`default: ${DEFAULT_PORT}`));
  assert.match(result.stdout, new RegExp(`default: ${DEFAULT_HOST.replaceAll(".", "\\.")}`));
});

Deno.test("claude-proxy -V prints the version and exits 0", async () => {
  await using box = await makeSandbox();
  const result = await box.run(["-V"]);
  assert.deepEqual(result, { code: 0, stdout: `claude-proxy ${VERSION}\n`, stderr: "" });
});

Deno.test("claude-proxy answers an unknown command with usage on stderr and exit code 2", async () => {
  await using box = await makeSandbox();
  const result = await box.run(["serv"]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    `error: Unknown command "serv" (did you mean "serve"?) (commands: ${COMMANDS.join(", ")})\n\n` +
      `Run "claude-proxy --help" for usage.\n`,
  );
});

Deno.test("claude-proxy answers an option of another command with exit code 2", async () => {
  await using box = await makeSandbox();
  const result = await box.run(["serve", "--force"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: Option "--force" does not apply to "serve"\n/);
});

Deno.test("claude-proxy with nothing configured says what it looked for and how to start", async () => {
  await using box = await makeSandbox();
  const result = await box.run([]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^error: No provider configured\n/);
  assert.ok(result.stderr.includes(`${box.project}/claude-proxy.toml`));
  assert.ok(result.stderr.includes(`${box.home}/.config/claude-proxy/config.toml`));
  assert.ok(result.stderr.includes(`${box.home}/.claude-proxy.toml`));
  assert.match(result.stderr, /DEEPSEEK_API_KEY/);
  assert.match(result.stderr, /run "claude-proxy init"/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
});

Deno.test("claude-proxy reports every config problem with file and line, and a stack only with --verbose", async () => {
  await using box = await makeSandbox();
  const path = box.write("project/claude-proxy.toml", `prot = 1\n[provider]\nname = "deepsek"\n`);
  const result = await box.run(["check"]);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    `error: Invalid config "${path}" (2 problems):\n` +
      `  - ${path}:1: unknown key "prot" (did you mean "port"?)\n` +
      `  - ${path}:3: "provider.name" names unknown preset "deepsek" (did you mean "deepseek"?)\n`,
  );
  const verbose = await box.run(["check", "--verbose"]);
  assert.equal(verbose.code, 1);
  assert.match(verbose.stderr, /\n\s+at .*load\.ts/);
});

Deno.test("claude-proxy --show-config-paths marks which files exist and are used, and the log path", async () => {
  await using box = await makeSandbox();
  const project = box.write("project/claude-proxy.toml", `[provider]\nname = "ollama"\n`);
  const dotfile = box.write("home/.claude-proxy.toml", "port = 1\n");
  const result = await box.run(["--show-config-paths"]);
  assert.equal(result.code, 0);
  const lines = result.stdout.split("\n");
  const row = (path: string) => lines.find((l) => l.includes(path)) ?? "";
  assert.match(row(project), /^ {2}project +.* used$/);
  assert.match(row(`${box.project}/.claude-proxy/config.toml`), /not found$/);
  assert.match(row(`${box.home}/.config/claude-proxy/config.toml`), /^ {2}user .* not found$/);
  assert.match(row(dotfile), /^ {2}user .* used$/);
  assert.match(row("/etc/claude-proxy/config.toml"), /^ {2}managed /);
  assert.ok(
    lines.includes(
      `OpenCode credentials: ${box.home}/.local/share/opencode/auth.json (read when a key variable is unset)`,
    ),
  );
  assert.ok(
    lines.includes(`Request log: ${box.home}/.local/state/claude-proxy/requests.jsonl (default)`),
  );
});

Deno.test("claude-proxy --show-config-paths shows the configured log file and the --config file", async () => {
  await using box = await makeSandbox();
  const named = box.write("elsewhere.toml", `[log]\nfile = "/tmp/mine.jsonl"\n`);
  const result = await box.run(["--show-config-paths", "-c", named]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, new RegExp(`--config +${named} +used`));
  assert.doesNotMatch(result.stdout, /^ {2}(project|user) /m, "--config replaces the search");
  assert.match(result.stdout, new RegExp(`Request log: /tmp/mine\\.jsonl \\(${named}:2\\)`));
});

const RECORD = {
  time: "2026-01-01T00:00:00.000Z",
  id: "req_1",
  method: "POST",
  path: "/v1/messages",
  model: "claude-haiku-4-5",
  status: 200,
  total_ms: 12,
};

Deno.test("claude-proxy logs reads the request log at the default path, or --log-file", async () => {
  await using box = await makeSandbox();
  box.write("home/.local/state/claude-proxy/requests.jsonl", `${JSON.stringify(RECORD)}\n`);
  const fromDefault = await box.run(["logs", "--json"]);
  assert.equal(fromDefault.code, 0, fromDefault.stderr);
  assert.deepEqual(JSON.parse(fromDefault.stdout.trim()), RECORD);
  const other = box.write("other.jsonl", `${JSON.stringify({ ...RECORD, id: "req_2" })}\n`);
  const fromFlag = await box.run(["logs", "--json", "--log-file", other]);
  assert.equal(JSON.parse(fromFlag.stdout.trim()).id, "req_2");
  const configured = box.write("project/claude-proxy.toml", `[log]\nfile = "${other}"\n`);
  const fromConfig = await box.run(["logs", "--json"]);
  assert.equal(JSON.parse(fromConfig.stdout.trim()).id, "req_2", configured);
});

Deno.test("claude-proxy serves from a key in the environment alone and stops cleanly on SIGTERM", async () => {
  await using box = await makeSandbox();
  const child = box.spawn(["--port", "0"], { env: { DEEPSEEK_API_KEY: "sk-serve-secret" } });
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!/listening on (http:\/\/\S+)/.test(banner)) {
    const { value, done } = await reader.read();
    if (done) break;
    banner += value;
  }
  const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
  assert.ok(url, banner);
  const health = await fetch(`${url}/health`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  child.kill("SIGTERM");
  const status = await child.status;
  await reader.cancel();
  await child.stderr.cancel();
  assert.equal(status.code, 0);
  assert.doesNotMatch(banner, /sk-serve-secret/);
});
