// The shipped program's command line: --help, -V, --show-config-paths and usage errors, with exit codes.
import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../../src/version.ts";
import {
  makeTempHome,
  type ProxyCommand,
  runProxy,
  type Subject,
  subjects,
} from "./proxy_process.ts";

async function run(command: ProxyCommand, args: string[]) {
  const home = await makeTempHome();
  try {
    return { ...(await runProxy(command, { args, home })), home: home.dir };
  } finally {
    await home.remove();
  }
}

/** The per-user config file the platform's search looks for, under the test's home. */
function userConfigPath(home: string): string {
  if (Deno.build.os === "windows") {
    return join(home, "AppData", "Roaming", "claude-proxy", "config.toml");
  }
  if (Deno.build.os === "darwin") {
    return join(home, "Library", "Application Support", "claude-proxy", "config.toml");
  }
  return join(home, "config", "claude-proxy", "config.toml");
}

function defineCliTests({ label, command }: Subject) {
  const test = (name: string, fn: (command: ProxyCommand) => Promise<void>) =>
    Deno.test({ name: `${label}: ${name}`, ignore: command === undefined, fn: () => fn(command!) });

  test("--help prints the usage and exits with 0", async (command) => {
    const result = await run(command, ["--help"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^claude-proxy: /);
    assert.match(result.stdout, /Usage:\n\s+claude-proxy \[serve\] \[options\]/);
    assert.match(result.stdout, /--show-config-paths/);
    assert.equal(result.stderr, "");
  });

  test("-V prints the version from deno.json and exits with 0", async (command) => {
    const result = await run(command, ["-V"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), `claude-proxy ${VERSION}`);
  });

  test(
    "--show-config-paths lists the searched files and exits without serving",
    async (command) => {
      const result = await run(command, ["--show-config-paths", "-p", "0"]);
      assert.equal(result.code, 0, `${result.stderr}${result.stdout}`);
      const realHome = await Deno.realPath(result.home).catch(() => result.home);
      const mentions = (path: string) =>
        result.stdout.includes(path) || result.stdout.includes(path.replace(result.home, realHome));
      assert.ok(
        mentions(join(result.home, "claude-proxy.toml")),
        `the project file in the working directory:\n${result.stdout}`,
      );
      assert.ok(mentions(userConfigPath(result.home)), `the user file:\n${result.stdout}`);
      assert.doesNotMatch(result.stdout, /listening on/);
    },
  );

  test("an unknown option exits with 2 and a usage hint on stderr", async (command) => {
    const result = await run(command, ["--no-such-flag"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown option "--no-such-flag"/);
    assert.match(result.stderr, /claude-proxy --help/);
    assert.equal(result.stdout, "");
  });

  test("a mistyped option exits with 2 and names the option meant", async (command) => {
    const result = await run(command, ["--prot", "8080"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^error: Unknown option "--prot" \(did you mean "--port"\?\)/);
  });

  test("a port in use exits with 1 naming the port and what to do", async (command) => {
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const home = await makeTempHome();
    try {
      const config = join(home.dir, "config.toml");
      await Deno.writeTextFile(
        config,
        `[provider]\nname = "custom"\nbase_url = "http://127.0.0.1:9/v1"\n`,
      );
      const port = (taken.addr as Deno.NetAddr).port;
      const result = await runProxy(command, { args: ["-c", config, "-p", `${port}`], home });
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stderr,
        new RegExp(
          `^error: Cannot listen on 127\\.0\\.0\\.1:${port} \\(the port comes from --port\\): ` +
            "the port is in use \\(another claude-proxy may already run there, or another " +
            "program\\): stop it, or choose another port with -p PORT, or set PORT$",
          "m",
        ),
      );
      assert.doesNotMatch(result.stdout, /listening on/);
    } finally {
      taken.close();
      await home.remove();
    }
  });

  test("a missing config file exits with 1 naming the file", async (command) => {
    const result = await run(command, ["-c", "does-not-exist.toml", "-p", "0"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: .*does-not-exist\.toml/m);
    assert.doesNotMatch(result.stdout, /listening on/);
  });
}

for (const subject of await subjects()) defineCliTests(subject);
