// Builds the single-file executables into dist/ with `bun build --compile` (or `deno compile`), plus SHA256SUMS.
//
//   deno task compile:bun                      all five targets with bun build --compile (the release build)
//   deno task compile:bun --target linux-x64   one target ("host" for this machine); may repeat
//   deno task compile:bun --release-tag v0.1.0 also fail unless the tag is "v" + deno.json's version
//   deno task compile:deno                     the same with deno compile (downloads denort), a Deno-runtime binary
//
// The macOS binaries must carry a code signature that matches their bytes: each is checked after the
// build, and signed again ad hoc when the compiler left a stale one (scripts/macho_signature.ts).
// deno-lint-ignore-file no-console
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import denoJson from "../deno.json" with { type: "json" };
import { adHocSign, machOSignatureProblems } from "./macho_signature.ts";

/** The Bun release that builds the release binaries (installed from npm as `bun@BUN_VERSION`). */
export const BUN_VERSION = "1.4.5";

/** The version stamped into every binary: deno.json's `version` (src/version.ts reads the same). */
export const VERSION: string = denoJson.version;

/** A platform we ship a binary for. */
export interface Target {
  /** `<os>-<arch>`, as in the file name `claude-proxy-<os>-<arch>[.exe]`. */
  name: string;
  /** The `deno compile --target` triple. */
  deno: string;
  /** The `bun build --target` name. */
  bun: string;
  exe: boolean;
}

/** The five release targets. */
export const TARGETS: readonly Target[] = [
  { name: "linux-x64", deno: "x86_64-unknown-linux-gnu", bun: "bun-linux-x64", exe: false },
  { name: "linux-arm64", deno: "aarch64-unknown-linux-gnu", bun: "bun-linux-arm64", exe: false },
  { name: "darwin-x64", deno: "x86_64-apple-darwin", bun: "bun-darwin-x64", exe: false },
  { name: "darwin-arm64", deno: "aarch64-apple-darwin", bun: "bun-darwin-arm64", exe: false },
  { name: "windows-x64", deno: "x86_64-pc-windows-msvc", bun: "bun-windows-x64", exe: true },
];

/**
 * What the compiled program may do: serve and call upstreams, read config and env, write the
 * request log, ask the OS for the home directory, and start Claude Code (`claude-proxy run`).
 * No FFI.
 */
export const DENO_PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-sys",
  "--allow-run",
];

/** The compiler that builds the binaries: Bun for releases, Deno for a Deno-runtime binary. */
export type Compiler = "deno" | "bun";

/** The file name of the binary for `target`, e.g. `claude-proxy-windows-x64.exe`. */
export function binaryName(target: Target): string {
  return `claude-proxy-${target.name}${target.exe ? ".exe" : ""}`;
}

/** The target for an OS and CPU as Deno names them ("linux", "x86_64"), if we ship one. */
export function hostTarget(os: string, arch: string): Target | undefined {
  const cpu = arch === "x86_64" ? "x64" : arch === "aarch64" ? "arm64" : arch;
  return TARGETS.find((t) => t.name === `${os}-${cpu}`);
}

/** Options for {@linkcode compileCommand}. */
export interface CompileCommandOptions {
  compiler: Compiler;
  /** Where the binary goes, e.g. "dist/claude-proxy-linux-x64". */
  output: string;
  /** The entry module. Default "main.ts". */
  entry?: string;
}

/**
 * The arguments (after the `deno` or `bun` executable) that compile `target`.
 *
 * Bun: `--bytecode` precompiles the bundle, which starts about 3x faster for 9 MB more; ESM
 * because main.ts uses top-level await.
 *
 * Deno: managed npm (`--node-modules-dir=none`) with `--exclude-unused-npm` embeds only the npm
 * packages main.ts reaches, not the whole node_modules/ (the test-only Claude Code CLI is 500 MB).
 */
export function compileCommand(target: Target, options: CompileCommandOptions): string[] {
  const entry = options.entry ?? "main.ts";
  if (options.compiler === "bun") {
    return [
      "build",
      entry,
      "--compile",
      "--bytecode",
      "--format=esm",
      `--target=${target.bun}`,
      "--outfile",
      options.output,
    ];
  }
  return [
    "compile",
    "--frozen",
    "--node-modules-dir=none",
    "--exclude-unused-npm",
    "--target",
    target.deno,
    ...DENO_PERMISSIONS,
    "--output",
    options.output,
    entry,
  ];
}

/** Formats sums as `sha256sum` does, so `sha256sum -c` and `shasum -a 256 -c` can verify them. */
export function formatSums(sums: ReadonlyArray<{ file: string; sha256: string }>): string {
  return sums.map(({ file, sha256 }) => `${sha256}  ${file}\n`).join("");
}

/** The SHA-256 hex digest of a file, read in chunks. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/** Throws unless `tag` is `v` + {@linkcode VERSION}. */
export function checkReleaseTag(tag: string): void {
  if (tag !== `v${VERSION}`) {
    throw new Error(
      `Release tag "${tag}" does not match deno.json version "${VERSION}": ` +
        `tag v${VERSION}, or set "version" in deno.json to "${tag.replace(/^v/, "")}"`,
    );
  }
}

/** The targets named on the command line (all when none). */
export function selectTargets(names: readonly string[]): Target[] {
  if (names.length === 0) return [...TARGETS];
  return names.map((name) => {
    const found = name === "host"
      ? hostTarget(Deno.build.os, Deno.build.arch)
      : TARGETS.find((t) => t.name === name);
    if (!found) {
      throw new Error(
        `Unknown target "${name}" (targets: host, ${TARGETS.map((t) => t.name).join(", ")})`,
      );
    }
    return found;
  });
}

/** How to run bun: $BUN, `bun` on PATH, or `npx -y bun@BUN_VERSION`. */
export async function bunCommand(): Promise<string[]> {
  const explicit = Deno.env.get("BUN");
  if (explicit) return [explicit];
  try {
    const { success, stdout } = await new Deno.Command("bun", { args: ["--version"] }).output();
    const version = new TextDecoder().decode(stdout).trim();
    if (success) {
      if (version !== BUN_VERSION) {
        console.warn(`warning: bun ${version} on PATH; releases are built with ${BUN_VERSION}`);
      }
      return ["bun"];
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const npx = Deno.build.os === "windows" ? "npx.cmd" : "npx";
  return [npx, "-y", `bun@${BUN_VERSION}`];
}

async function run(command: string[]): Promise<void> {
  const [program, ...args] = command as [string, ...string[]];
  const status = await new Deno.Command(program, { args, stdin: "null" }).spawn().status;
  if (!status.success) {
    throw new Error(`Command failed (exit ${status.code}): ${command.join(" ")}`);
  }
}

/** Writes `outDir/SHA256SUMS` for every `claude-proxy-*` binary in `outDir`; returns its text. */
export async function writeSums(outDir: string): Promise<string> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(outDir)) {
    if (entry.isFile && /^claude-proxy-[a-z0-9]+-[a-z0-9]+(\.exe)?$/.test(entry.name)) {
      files.push(entry.name);
    }
  }
  files.sort();
  const sums = [];
  for (const file of files) sums.push({ file, sha256: await sha256File(`${outDir}/${file}`) });
  const text = formatSums(sums);
  await Deno.writeTextFile(`${outDir}/SHA256SUMS`, text);
  return text;
}

/** The identifier of the ad hoc signature a macOS binary gets when its compiler left a stale one. */
export const SIGNATURE_IDENTIFIER = "claude-proxy";

/**
 * Checks the code signature of the macOS binary at `path`; when it does not match the file, signs
 * it again ad hoc. Returns what was wrong ([] when the compiler's signature was right); throws
 * when the new signature does not check either.
 */
export async function ensureMacSignature(path: string): Promise<string[]> {
  const bytes = await Deno.readFile(path);
  const problems = machOSignatureProblems(bytes);
  if (problems.length === 0) return [];
  const signed = adHocSign(bytes, SIGNATURE_IDENTIFIER);
  const left = machOSignatureProblems(signed);
  if (left.length > 0) throw new Error(`Signing ${path} ad hoc left: ${left.join("; ")}`);
  await Deno.writeFile(path, signed);
  return problems;
}

/** Builds the binaries named by `argv`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      bun: { type: "boolean", default: false },
      deno: { type: "boolean", default: false },
      target: { type: "string", multiple: true, default: [] },
      out: { type: "string", default: "dist" },
      "release-tag": { type: "string" },
    },
    strict: true,
  });
  if (values.bun === values.deno) throw new Error("Name one compiler: --bun or --deno");
  if (values["release-tag"] !== undefined) checkReleaseTag(values["release-tag"]);
  const targets = selectTargets(values.target);
  const compiler: Compiler = values.bun ? "bun" : "deno";
  const tool = compiler === "bun" ? await bunCommand() : [Deno.execPath()];
  await Deno.mkdir(values.out, { recursive: true });
  for (const target of targets) {
    const output = `${values.out}/${binaryName(target)}`;
    console.log(`== claude-proxy ${VERSION} for ${target.name} (${compiler}) → ${output}`);
    await run([...tool, ...compileCommand(target, { compiler, output })]);
    if (target.name.startsWith("darwin-")) {
      const problems = await ensureMacSignature(output);
      console.log(
        problems.length === 0
          ? `   code signature checked`
          : `   stale code signature (${problems.join("; ")}): signed again ad hoc`,
      );
    }
  }
  const sums = await writeSums(values.out);
  console.log(`\n${values.out}/SHA256SUMS:\n${sums}`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : err}`);
    Deno.exit(1);
  }
}
