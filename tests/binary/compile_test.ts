// scripts/compile.ts: targets, file names, compiler arguments, version check and SHA256SUMS.
import assert from "node:assert/strict";
import {
  binaryName,
  checkReleaseTag,
  compileCommand,
  DENO_PERMISSIONS,
  formatSums,
  hostTarget,
  main,
  selectTargets,
  TARGETS,
  VERSION,
  writeSums,
} from "../../scripts/compile.ts";
import { VERSION as APP_VERSION } from "../../src/version.ts";

const linux = TARGETS.find((t) => t.name === "linux-x64")!;
const windows = TARGETS.find((t) => t.name === "windows-x64")!;

Deno.test("TARGETS names the five release binaries, only Windows with .exe", () => {
  assert.deepEqual(TARGETS.map(binaryName), [
    "claude-proxy-linux-x64",
    "claude-proxy-linux-arm64",
    "claude-proxy-darwin-x64",
    "claude-proxy-darwin-arm64",
    "claude-proxy-windows-x64.exe",
  ]);
});

Deno.test("hostTarget maps Deno's OS and CPU names to a target", () => {
  assert.equal(hostTarget("linux", "x86_64")?.name, "linux-x64");
  assert.equal(hostTarget("linux", "aarch64")?.name, "linux-arm64");
  assert.equal(hostTarget("darwin", "aarch64")?.name, "darwin-arm64");
  assert.equal(hostTarget("windows", "x86_64")?.name, "windows-x64");
  assert.equal(hostTarget("freebsd", "x86_64"), undefined);
});

Deno.test("selectTargets takes all targets by default and rejects unknown names", () => {
  assert.equal(selectTargets([]).length, 5);
  assert.deepEqual(selectTargets(["darwin-arm64"]).map((t) => t.name), ["darwin-arm64"]);
  assert.throws(() => selectTargets(["linux-mips"]), /Unknown target "linux-mips"/);
});

Deno.test("compileCommand for deno grants the listed permissions, not FFI, and embeds only used npm packages", () => {
  const args = compileCommand(windows, { compiler: "deno", output: "dist/x.exe" });
  assert.equal(args[0], "compile");
  assert.deepEqual(args.slice(args.indexOf("--target"), args.indexOf("--target") + 2), [
    "--target",
    "x86_64-pc-windows-msvc",
  ]);
  for (const flag of DENO_PERMISSIONS) assert.ok(args.includes(flag), flag);
  assert.ok(!args.some((a) => a === "-A" || a === "--allow-all" || a.startsWith("--allow-ffi")));
  assert.ok(args.includes("--exclude-unused-npm") && args.includes("--node-modules-dir=none"));
  assert.deepEqual(args.slice(-3), ["--output", "dist/x.exe", "main.ts"]);
});

Deno.test("compileCommand for bun builds a standalone executable for the target", () => {
  assert.deepEqual(compileCommand(linux, { compiler: "bun", output: "dist/y" }), [
    "build",
    "main.ts",
    "--compile",
    "--bytecode",
    "--format=esm",
    "--target=bun-linux-x64",
    "--outfile",
    "dist/y",
  ]);
});

Deno.test("the stamped VERSION is deno.json's version, the one the app reports", () => {
  assert.equal(VERSION, APP_VERSION);
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
});

Deno.test("checkReleaseTag accepts only v + the deno.json version", () => {
  checkReleaseTag(`v${VERSION}`);
  assert.throws(() => checkReleaseTag("v999.0.0"), /does not match deno\.json version/);
  assert.throws(() => checkReleaseTag(VERSION), /does not match/);
});

Deno.test("formatSums writes the sha256sum format", () => {
  assert.equal(
    formatSums([{ file: "claude-proxy-linux-x64", sha256: "ab".repeat(32) }]),
    `${"ab".repeat(32)}  claude-proxy-linux-x64\n`,
  );
});

Deno.test("writeSums lists every binary in the directory, sorted, with its SHA-256", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-sums-" });
  try {
    await Deno.writeTextFile(`${dir}/claude-proxy-windows-x64.exe`, "abc");
    await Deno.writeTextFile(`${dir}/claude-proxy-linux-x64`, "");
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a binary");
    const text = await writeSums(dir);
    assert.equal(
      text,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  claude-proxy-linux-x64\n" +
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  " +
        "claude-proxy-windows-x64.exe\n",
    );
    assert.equal(await Deno.readTextFile(`${dir}/SHA256SUMS`), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the compile tasks name their compiler, and the script refuses to guess one", async () => {
  const tasks = (await import("../../deno.json", { with: { type: "json" } })).default.tasks;
  assert.match(tasks["compile:bun"], /scripts\/compile\.ts --bun$/);
  assert.match(tasks["compile:deno"], /scripts\/compile\.ts --deno$/);
  assert.equal(tasks.compile, tasks["compile:bun"], "the release build is the default");
  await assert.rejects(main([]), /Name one compiler: --bun or --deno/);
  await assert.rejects(main(["--bun", "--deno"]), /Name one compiler/);
});
