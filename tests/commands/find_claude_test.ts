import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  findClaude,
  isOlderThanSupported,
  ownBinFolders,
  SUPPORTED_CLAUDE_CODE,
} from "../../src/commands/find_claude.ts";
import { ConfigError } from "../../src/errors.ts";
import { CLAUDE_CODE_VERSIONS } from "../helpers/claude_cli.ts";
import { fromFileUrl, withTempDir } from "../helpers/paths.ts";

function executable(path: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  return path;
}

Deno.test("findClaude resolves --claude relative to the working directory and refuses non-executables", () =>
  withTempDir("find-claude-", async (dir) => {
    const claude = executable(join(dir, "bin/claude"));
    const where = { platform: "linux", cwd: dir, skip: [] };
    assert.equal(findClaude({ claudePath: "bin/claude" }, {}, where), claude);
    assert.equal(findClaude({}, { CLAUDE_PATH: claude }, where), claude);
    assert.equal(findClaude({}, { PATH: join(dir, "bin") }, where), claude);
    const plain = join(dir, "bin/not-executable");
    writeFileSync(plain, "");
    assert.throws(
      () => findClaude({ claudePath: plain }, {}, where),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith(
          `Cannot run Claude Code "${plain}" (from --claude): not an executable file; install it with`,
        ),
    );
    await Promise.resolve();
  }));

Deno.test("findClaude prefers --claude over CLAUDE_PATH over PATH", () =>
  withTempDir("find-claude-", async (dir) => {
    const a = executable(join(dir, "a/claude"));
    const b = executable(join(dir, "b/claude"));
    const c = executable(join(dir, "c/claude"));
    const where = { platform: "linux", cwd: dir, skip: [] };
    const env = { CLAUDE_PATH: b, PATH: join(dir, "c") };
    assert.equal(findClaude({ claudePath: a }, env, where), a);
    assert.equal(findClaude({}, env, where), b);
    assert.equal(findClaude({}, { PATH: env.PATH }, where), c);
    await Promise.resolve();
  }));

Deno.test("findClaude skips claude-proxy's own node_modules/.bin on PATH for the user's claude after it", () =>
  withTempDir("find-claude-", async (dir) => {
    const own = executable(join(dir, "repo/node_modules/.bin/claude"));
    const users = executable(join(dir, "usr/bin/claude"));
    const PATH = [join(dir, "repo/node_modules/.bin/"), join(dir, "usr/bin")].join(":");
    const where = { platform: "linux", cwd: dir, skip: [join(dir, "repo/node_modules/.bin")] };
    assert.equal(findClaude({}, { PATH }, where), users);
    assert.throws(
      () => findClaude({}, { PATH: join(dir, "repo/node_modules/.bin") }, where),
      /Cannot find Claude Code: "claude" is not on PATH; install it with "npm install -g @anthropic-ai\/claude-code"/,
    );
    assert.equal(findClaude({ claudePath: own }, {}, where), own, "unless named");
    await Promise.resolve();
  }));

Deno.test("ownBinFolders names the source tree's node_modules/.bin folders, and none for a compiled binary", () => {
  const root = fromFileUrl(new URL("../../", import.meta.url));
  assert.deepEqual(ownBinFolders(), [
    join(root, "node_modules", ".bin"),
    join(root, "tests", "node_modules", ".bin"),
  ]);
  assert.deepEqual(ownBinFolders("bunfs:/root/claude-proxy"), []);
});

Deno.test("SUPPORTED_CLAUDE_CODE names the two versions the tests pin", () => {
  assert.deepEqual(
    [SUPPORTED_CLAUDE_CODE.oldest, SUPPORTED_CLAUDE_CODE.newest],
    [CLAUDE_CODE_VERSIONS[0], CLAUDE_CODE_VERSIONS.at(-1)],
  );
});

Deno.test("isOlderThanSupported compares versions part by part", () => {
  assert.equal(isOlderThanSupported("2.1.196"), true);
  assert.equal(isOlderThanSupported("2.0.999"), true);
  assert.equal(isOlderThanSupported("2.1.197"), false);
  assert.equal(isOlderThanSupported("2.1.1000"), false);
  assert.equal(isOlderThanSupported("3.0.0"), false);
});
