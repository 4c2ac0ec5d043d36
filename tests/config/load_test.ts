import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadConfig, type LoadConfigOptions, locateConfigFiles } from "../../src/config/load.ts";
import { ConfigError } from "../../src/errors.ts";

interface Sandbox {
  root: string;
  home: string;
  cwd: string;
  write(path: string, text: string): string;
  options(extra?: Partial<LoadConfigOptions>): LoadConfigOptions;
  [Symbol.asyncDispose](): Promise<void>;
}

async function sandbox(): Promise<Sandbox> {
  const root = await Deno.makeTempDir({ prefix: "claude-proxy-load-" });
  const home = join(root, "home");
  const cwd = join(root, "project");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  return {
    root,
    home,
    cwd,
    write(path, text) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    options(extra = {}) {
      return {
        cli: {},
        env: { XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share") },
        platform: "linux",
        cwd,
        home,
        managedPaths: [join(root, "etc/claude-proxy/config.toml")],
        ...extra,
      };
    },
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

const DEEPSEEK = `[provider]\nname = "deepseek"\napi_key = "sk-test"\n`;

Deno.test("loadConfig merges ./claude-proxy.toml over the user's file", async () => {
  await using box = await sandbox();
  const user = box.write(
    join(box.home, ".config/claude-proxy/config.toml"),
    `port = 5000\nhost = "::1"\n${DEEPSEEK}`,
  );
  const project = box.write(join(box.cwd, "claude-proxy.toml"), "port = 6000\n");
  const config = await loadConfig(box.options());
  assert.equal(config.port, 6000);
  assert.equal(config.host, "::1");
  assert.deepEqual(config.files, [project, user]);
  assert.equal(config.origins.port, `${project}:1`);
  assert.equal(config.origins.host, `${user}:2`);
});

Deno.test("loadConfig gives the request log the platform's default path when nothing sets one", async () => {
  await using box = await sandbox();
  box.write(join(box.cwd, "claude-proxy.toml"), DEEPSEEK);
  const config = await loadConfig({
    ...box.options(),
    env: { ...box.options().env, XDG_STATE_HOME: join(box.home, "state") },
  });
  assert.equal(config.log.file, join(box.home, "state/claude-proxy/requests.jsonl"));
});

Deno.test("loadConfig reads ./.claude-proxy/config.toml when ./claude-proxy.toml is absent", async () => {
  await using box = await sandbox();
  const project = box.write(join(box.cwd, ".claude-proxy/config.toml"), DEEPSEEK);
  const config = await loadConfig(box.options());
  assert.deepEqual(config.files, [project]);
});

Deno.test("loadConfig prefers the platform config dir to ~/.claude-proxy.toml and reads only one user file", async () => {
  await using box = await sandbox();
  const xdg = box.write(join(box.home, ".config/claude-proxy/config.toml"), DEEPSEEK);
  box.write(join(box.home, ".claude-proxy.toml"), "port = 1\n");
  const config = await loadConfig(box.options());
  assert.deepEqual(config.files, [xdg]);
  assert.equal(config.port, 4222);
});

Deno.test("loadConfig falls back to ~/.claude-proxy.toml", async () => {
  await using box = await sandbox();
  const dotfile = box.write(join(box.home, ".claude-proxy.toml"), DEEPSEEK);
  const config = await loadConfig(box.options());
  assert.deepEqual(config.files, [dotfile]);
});

Deno.test("loadConfig honours XDG_CONFIG_HOME for the user file", async () => {
  await using box = await sandbox();
  const custom = box.write(join(box.root, "xdg/claude-proxy/config.toml"), DEEPSEEK);
  const options = box.options();
  const config = await loadConfig({ ...options, env: { XDG_CONFIG_HOME: join(box.root, "xdg") } });
  assert.deepEqual(config.files, [custom]);
});

Deno.test("loadConfig with --config reads only that file besides the managed one", async () => {
  await using box = await sandbox();
  box.write(join(box.cwd, "claude-proxy.toml"), "port = 6000\n");
  const named = box.write(join(box.root, "other.toml"), DEEPSEEK);
  const managed = box.write(join(box.root, "etc/claude-proxy/config.toml"), 'host = "127.0.0.1"\n');
  const config = await loadConfig(box.options({ configPath: named }));
  assert.deepEqual(config.files, [managed, named]);
  assert.equal(config.port, 4222);
});

Deno.test("loadConfig reports a --config file that does not exist", async () => {
  await using box = await sandbox();
  const missing = join(box.root, "nope.toml");
  await assert.rejects(
    () => loadConfig(box.options({ configPath: missing })),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message === `Cannot load config "${missing}": file not found`,
  );
});

Deno.test("loadConfig lets the administrator's file pin keys over the project, --port and PORT", async () => {
  await using box = await sandbox();
  const managed = box.write(join(box.root, "etc/claude-proxy/config.toml"), "port = 7000\n");
  box.write(join(box.cwd, "claude-proxy.toml"), `port = 6000\n${DEEPSEEK}`);
  const options = box.options({ cli: { port: 1 } });
  const config = await loadConfig({ ...options, env: { ...options.env, PORT: "2" } });
  assert.equal(config.port, 7000);
  assert.equal(config.origins.port, `${managed}:1`);
  assert.equal(config.notices.length, 2);
});

Deno.test("loadConfig reads OpenCode's auth.json from XDG_DATA_HOME when the key variable is unset", async () => {
  await using box = await sandbox();
  box.write(join(box.cwd, "claude-proxy.toml"), `[provider]\nname = "openrouter"\n`);
  const auth = box.write(
    join(box.home, ".local/share/opencode/auth.json"),
    JSON.stringify({
      openrouter: { type: "api", key: "sk-or-oc" },
      anthropic: { type: "oauth", access: "a", refresh: "r", expires: 0 },
    }),
  );
  const config = await loadConfig(box.options());
  assert.equal(config.providers.openrouter!.apiKey, "sk-or-oc");
  assert.equal(config.origins["providers.openrouter.api_key"], `OpenCode "${auth}" (openrouter)`);
  assert.equal(config.notices.length, 1);
  assert.match(config.notices[0]!, /Skipping OpenCode credential "anthropic"/);
});

Deno.test("loadConfig survives a broken OpenCode auth.json", async () => {
  await using box = await sandbox();
  box.write(join(box.cwd, "claude-proxy.toml"), DEEPSEEK);
  box.write(join(box.home, ".local/share/opencode/auth.json"), "{oops");
  const config = await loadConfig(box.options());
  assert.equal(config.providers.deepseek!.apiKey, "sk-test");
});

Deno.test("loadConfig reports the problems of every broken file in one error", async () => {
  await using box = await sandbox();
  const user = box.write(join(box.home, ".claude-proxy.toml"), "prot = 1\n");
  const project = box.write(join(box.cwd, "claude-proxy.toml"), 'port = "x"\n');
  await assert.rejects(
    () => loadConfig(box.options()),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 2);
      assert.match(err.message, new RegExp(`${project}:1: "port" must be a port number`));
      assert.match(
        err.message,
        new RegExp(`${user}:1: unknown key "prot" \\(did you mean "port"\\?\\)`),
      );
      return true;
    },
  );
});

Deno.test("locateConfigFiles marks which files exist and which are used, reading none", async () => {
  await using box = await sandbox();
  const xdg = box.write(join(box.home, ".config/claude-proxy/config.toml"), "not toml at all [");
  const dotfile = box.write(join(box.home, ".claude-proxy.toml"), "");
  const found = await locateConfigFiles(box.options());
  assert.deepEqual(found.filter((f) => f.exists), [
    { kind: "user", path: xdg, used: true, exists: true },
    { kind: "user", path: dotfile, used: false, exists: true },
  ]);
  assert.deepEqual(found.map((f) => f.kind), ["managed", "project", "project", "user", "user"]);
});
