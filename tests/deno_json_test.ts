// What running from source fetches: deno.json holds only the packages main.ts needs, and the test-only
// packages (Claude Code, the SDK, fast-check, yaml) live in tests/deno.test.json with their own lockfile.
import assert from "node:assert/strict";
import { cpSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import testDeps from "./deno.test.json" with { type: "json" };
import { denoDir } from "./helpers/deno_dir.ts";
import { fromFileUrl, withTempDir } from "./helpers/paths.ts";
import { decodeOutput } from "./helpers/process.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));

/** What a fresh clone may put in node_modules when main.ts runs (the tokenizer alone is ~30 MB). */
const MAX_NODE_MODULES_BYTES = 50 * 1024 * 1024;

/** The npm packages (`name@version`) a lockfile pins. */
function lockedPackages(lockPath: string): string[] {
  const lock = JSON.parse(readFileSync(lockPath, "utf8")) as { npm?: Record<string, unknown> };
  return Object.keys(lock.npm ?? {}).sort();
}

/** Bytes of the files under `dir`, symlinks not followed (what the directory takes on disk). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

Deno.test("deno.lock pins exactly the npm packages main.ts reaches", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", join(ROOT, "deno.json"), join(ROOT, "main.ts")],
    cwd: ROOT,
  }).output();
  const info = JSON.parse(decodeOutput(output).stdout) as {
    modules: { kind?: string; npmPackage?: string }[];
    npmPackages: Record<string, { dependencies: string[] }>;
  };
  // The packages main.ts imports, and what they depend on (npmPackages itself lists the whole lock).
  const reached = new Set<string>();
  const visit = (id: string) => {
    if (reached.has(id)) return;
    reached.add(id);
    for (const dependency of info.npmPackages[id]?.dependencies ?? []) visit(dependency);
  };
  for (const module of info.modules) if (module.npmPackage) visit(module.npmPackage);
  assert.deepEqual(
    lockedPackages(join(ROOT, "deno.lock")),
    [...reached].map((id) => id.replace(/_.*$/, "")).sort(),
    "a package only tests use belongs in tests/deno.test.json, whose lockfile is tests/deno.lock",
  );
});

Deno.test("tests/deno.test.json resolves the runtime packages, the exports and the compiler options as deno.json does", () => {
  const imports: Record<string, string> = testDeps.imports;
  for (const [name, target] of Object.entries(denoJson.imports)) {
    assert.equal(imports[name], target, `tests/deno.test.json imports "${name}" as deno.json does`);
  }
  for (const [entry, file] of Object.entries(denoJson.exports)) {
    const name = entry === "." ? denoJson.name : `${denoJson.name}/${entry.slice(2)}`;
    assert.equal(imports[name], `.${file}`, `"${name}" points at the exported ${file}`);
  }
  assert.deepEqual(testDeps.compilerOptions, denoJson.compilerOptions);
  assert.deepEqual(testDeps.unstable, denoJson.unstable);
});

Deno.test({
  name:
    "main.ts run from a fresh copy of the sources installs only its own packages, under 50 MB, without warnings",
  sanitizeResources: false,
  fn: () =>
    withTempDir("claude-proxy-source-", async (dir) => {
      for (const path of ["deno.json", "deno.lock", "main.ts", "mod.ts", "src"]) {
        cpSync(join(ROOT, path), join(dir, path), { recursive: true });
      }
      const result = decodeOutput(
        await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "main.ts", "--version"],
          cwd: dir,
          // The shared cache holds the packages already: nothing is downloaded, only installed.
          env: { DENO_DIR: await denoDir(), NO_COLOR: "1" },
        }).output(),
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^claude-proxy \d+\.\d+\.\d+/);
      assert.doesNotMatch(result.stderr, /warning|script/i);
      const installed = readdirSync(join(dir, "node_modules/.deno"))
        .filter((name) => name.includes("@", 1)).map((name) => name.replace(/^(@[^+]+)\+/, "$1/"))
        .sort();
      assert.deepEqual(installed, lockedPackages(join(ROOT, "deno.lock")));
      const bytes = treeBytes(join(dir, "node_modules"));
      assert.ok(bytes < MAX_NODE_MODULES_BYTES, `node_modules holds ${bytes} bytes`);
      assert.equal(
        readFileSync(join(dir, "deno.lock"), "utf8"),
        readFileSync(join(ROOT, "deno.lock"), "utf8"),
        "deno.lock is complete: running from source adds nothing to it",
      );
    }),
});
