// The project's import graph, read by `deno info` (every static, type-only and dynamic import), and the
// checks of docs/architecture.md: imports point down the layers and close no cycle between files.
import { relative } from "node:path";
import { fromFileUrl, withTempDir } from "./paths.ts";
import { decodeOutput } from "./process.ts";

/** One import: the file that imports, the line it does so on, and the file it imports. */
export interface Import {
  from: string;
  line: number;
  to: string;
}

/** The imports between the project's files, by repository-relative path. */
export interface ImportGraph {
  files: string[];
  imports: Import[];
}

/** The layers, bottom first; each is a list of path prefixes (`src/config/`) or file paths. */
export type Layers = readonly (readonly string[])[];

const ROOT = new URL("../../", import.meta.url);

/**
 * Reads the imports of `files` (repository-relative) with `deno info --json`: static, `import type`,
 * `export … from`, `import("…")` types and dynamic `import()` alike; comments are not code.
 */
export async function readImportGraph(files: readonly string[]): Promise<ImportGraph> {
  const root = fromFileUrl(ROOT);
  let json = "";
  await withTempDir("claude-proxy-imports-", async (dir) => {
    const entry = `${dir}/all.ts`;
    const lines = files.map((file) => `import ${JSON.stringify(new URL(file, ROOT).href)};`);
    await Deno.writeTextFile(entry, lines.join("\n"));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", `${root}/deno.json`, entry],
      stdin: "null",
    }).output();
    const { stdout, stderr } = decodeOutput(output);
    if (!output.success) throw new Error(`deno info failed: ${stderr}`);
    json = stdout;
  });
  const info = JSON.parse(json) as { modules: InfoModule[] };
  const known = new Set(files);
  const imports: Import[] = [];
  for (const module of info.modules) {
    const from = repoPath(module.specifier, root);
    if (from === undefined || !known.has(from)) continue;
    for (const dependency of module.dependencies ?? []) {
      for (const resolved of [dependency.code, dependency.type]) {
        const to = resolved && repoPath(resolved.specifier, root);
        if (to === undefined || !known.has(to)) continue;
        imports.push({ from, line: (resolved!.span?.start.line ?? 0) + 1, to });
      }
    }
  }
  return { files: [...files], imports: dedupe(imports) };
}

interface InfoModule {
  specifier: string;
  dependencies?: {
    code?: { specifier: string; span?: { start: { line: number } } };
    type?: { specifier: string; span?: { start: { line: number } } };
  }[];
}

function repoPath(specifier: string, root: string): string | undefined {
  if (!specifier.startsWith("file:")) return undefined;
  const path = relative(root, fromFileUrl(specifier));
  return path.startsWith("..") ? undefined : path.replaceAll("\\", "/");
}

function dedupe(imports: Import[]): Import[] {
  const seen = new Set<string>();
  return imports.filter((i) => {
    const key = `${i.from}\n${i.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The layer `file` belongs to (0 is the bottom), or undefined when no layer names it. */
export function layerOf(file: string, layers: Layers): number | undefined {
  const index = layers.findIndex((layer) =>
    layer.some((entry) => entry.endsWith("/") ? file.startsWith(entry) : file === entry)
  );
  return index === -1 ? undefined : index;
}

/**
 * What breaks the layering, one line each: a file in no layer, an import that points up the
 * order (naming the import and its line), and every cycle between files (as its path).
 */
export function layeringProblems(graph: ImportGraph, layers: Layers): string[] {
  const problems: string[] = [];
  for (const file of graph.files) {
    if (layerOf(file, layers) === undefined) {
      problems.push(`${file} is in no layer: add it to the order in docs/architecture.md`);
    }
  }
  for (const { from, line, to } of graph.imports) {
    const low = layerOf(from, layers);
    const high = layerOf(to, layers);
    if (low !== undefined && high !== undefined && high > low) {
      problems.push(`${from}:${line} imports ${to}, which is in a higher layer`);
    }
  }
  for (const cycle of cycles(graph)) problems.push(`import cycle: ${cycle.join(" → ")}`);
  return problems;
}

/** One cycle through each group of files that import each other, as a closed path. */
export function cycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of graph.imports) next.set(from, [...(next.get(from) ?? []), to]);
  const found: string[][] = [];
  const done = new Set<string>();
  for (const start of [...next.keys()].sort()) {
    if (done.has(start)) continue;
    const path = shortestPath(next, start, start);
    if (path) {
      found.push(path);
      for (const file of path) done.add(file);
    }
  }
  return found;
}

/** The shortest import path from `from` back to `to` (breadth first), or undefined. */
function shortestPath(next: Map<string, string[]>, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [from];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of next.get(file) ?? []) {
      if (target === to) {
        const path = [to];
        for (let at = file; at !== from; at = previous.get(at)!) path.push(at);
        path.push(from);
        return path.reverse();
      }
      if (previous.has(target) || target === from) continue;
      previous.set(target, file);
      queue.push(target);
    }
  }
  return undefined;
}
