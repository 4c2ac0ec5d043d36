// Every exported function, class and constant of src/ is used by another file or is public API (mod.ts,
// src/translate/mod.ts); what only its own file uses is not exported. Types are left alone: an
// exported signature may name them.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { fromFileUrl } from "./helpers/paths.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));

/** Every TypeScript file under `dirs` and the root entry points, repository-relative. */
async function sources(dirs: string[]): Promise<string[]> {
  const files = ["main.ts", "mod.ts"];
  for (const dir of dirs) {
    const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      const path = join(entry.parentPath, entry.name).slice(ROOT.length).replaceAll("\\", "/");
      if (entry.isFile() && path.endsWith(".ts") && !path.startsWith("tests/fixtures/")) {
        files.push(path);
      }
    }
  }
  return files.sort();
}

/** The code without its comments (a string holding `//`, such as a URL, is kept). */
function code(text: string): string {
  return text.replace(/\/\*[^]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ""))
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

const VALUE_EXPORT =
  /^export\s+(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class|enum)\s+(\w+)/gm;
const IMPORT =
  /(?:import|export)\s+(?:type\s+)?(?:\*\s+as\s+(\w+)|\{([^}]*)\}|\w+(?:\s*,\s*\{([^}]*)\})?)\s*from\s*"(\.[^"]+)"/g;

/** The exported values of src/ that no other file imports: `file: name`. */
async function unusedValueExports(): Promise<string[]> {
  const files = await sources(["src", "tests", "bench", "scripts"]);
  const texts = new Map<string, string>();
  for (const file of files) texts.set(file, code(await readFile(join(ROOT, file), "utf8")));
  const used = new Set<string>();
  for (const [file, text] of texts) {
    for (const match of text.matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), match[4]!)).replaceAll("\\", "/");
      const [, star, named, extra] = match;
      if (star) {
        for (const use of text.matchAll(new RegExp(`\\b${star}\\.(\\w+)`, "g"))) {
          used.add(`${target}: ${use[1]}`);
        }
      }
      for (const name of `${named ?? ""},${extra ?? ""}`.split(",")) {
        const imported = name.replace(/^\s*type\s+/, "").split(/\s+as\s+/)[0]!.trim();
        if (imported) used.add(`${target}: ${imported}`);
      }
    }
  }
  const unused: string[] = [];
  for (const [file, text] of texts) {
    if (!file.startsWith("src/")) continue;
    for (const match of text.matchAll(VALUE_EXPORT)) {
      if (!used.has(`${file}: ${match[1]}`)) unused.push(`${file}: ${match[1]}`);
    }
  }
  return unused;
}

Deno.test("every exported function, class and constant of src/ is imported by another file", async () => {
  assert.deepEqual(await unusedValueExports(), []);
});
