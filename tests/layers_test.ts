// The layers of docs/architecture.md hold: every import of src/ points down the order, and no files
// import each other in a cycle (type-only and dynamic imports included).
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import {
  type ImportGraph,
  layeringProblems,
  type Layers,
  readImportGraph,
} from "./helpers/import_graph.ts";

/** The order of docs/architecture.md, bottom first: a file may import its own layer and those below. */
const LAYERS: Layers = [
  ["src/util/", "src/wire/", "src/errors.ts", "src/version.ts", "src/runtime.ts"],
  ["src/translate/"],
  ["src/providers/"],
  ["src/config/"],
  ["src/routing/"],
  ["src/quirks/", "src/upstream/", "src/log/", "src/count_tokens/"],
  ["src/passthrough/", "src/web_search/"],
  ["src/server/"],
  ["src/cli.ts", "src/commands/"],
  ["main.ts", "mod.ts"],
];

/** Every TypeScript file under `dir` (repository-relative). */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(new URL(`../${dir}`, import.meta.url), {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) =>
      `${entry.parentPath.replaceAll("\\", "/").replace(/^.*?\/src\b/, "src")}/${entry.name}`
    )
    .sort();
}

Deno.test("every import of src/ points down the layers and no files import each other in a cycle", async () => {
  const files = ["main.ts", "mod.ts", ...await sources("src")];
  const graph = await readImportGraph(files);
  assert.ok(graph.imports.length > files.length, "the graph has the project's imports");
  assert.deepEqual(layeringProblems(graph, LAYERS), []);
});

Deno.test("layeringProblems names an import up the order, a cycle and a file in no layer", () => {
  const graph: ImportGraph = {
    files: ["src/wire/a.ts", "src/server/b.ts", "src/server/c.ts", "src/other.ts"],
    imports: [
      { from: "src/wire/a.ts", line: 3, to: "src/server/b.ts" },
      { from: "src/server/b.ts", line: 1, to: "src/server/c.ts" },
      { from: "src/server/c.ts", line: 2, to: "src/server/b.ts" },
    ],
  };
  assert.deepEqual(layeringProblems(graph, [["src/wire/"], ["src/server/"]]), [
    "src/other.ts is in no layer: add it to the order in docs/architecture.md",
    "src/wire/a.ts:3 imports src/server/b.ts, which is in a higher layer",
    "import cycle: src/server/b.ts → src/server/c.ts → src/server/b.ts",
  ]);
});
