// The README and docs/ as a user meets them: links that resolve, the two commands on top, provider starts true to the presets, configs that load.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import denoJson from "../deno.json" with { type: "json" };
import { parseConfig } from "../src/config/parse.ts";
import { validateConfig } from "../src/config/validate.ts";
import { SUPPORTED_CLAUDE_CODE } from "../src/commands/find_claude.ts";
import { PROVIDER_PRESETS } from "../src/providers/presets.ts";
import { fromFileUrl } from "./helpers/paths.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));

/**
 * Links in README.md that GitHub resolves against the repository's own pages (README.md sits at the
 * root of `/<owner>/<repo>/blob/<branch>/`), so nothing in the README names the owner.
 */
const GITHUB_PAGES = new Set(["../../releases", "../../releases/latest"]);

/** The Markdown files a user reads: README.md and every page of docs/. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, "docs")).filter((name) => name.endsWith(".md")).sort();
  return ["README.md", ...docs.map((name) => `docs/${name}`)];
}

/** `text` without fenced code blocks, where a `#` line is no heading. */
function withoutCodeBlocks(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "");
}

/** `text` without code blocks and inline code, where brackets are not links. */
function prose(text: string): string {
  return withoutCodeBlocks(text).replace(/`[^`\n]*`/g, "");
}

/** The `[text](target)` link targets of a Markdown text, outside code. */
function linkTargets(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

/** The anchors GitHub gives a Markdown text's headings (lower case, punctuation dropped, `-n` for repeats). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const match of withoutCodeBlocks(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const slug = match[1]!.toLowerCase().replace(/<[^>]*>/g, "")
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return out;
}

/** What is wrong with each relative link of `file` (a path under `root`), as "file: target: why". */
function brokenLinks(root: string, file: string, text: string): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    if (file === "README.md" && GITHUB_PAGES.has(target)) continue;
    const [path = "", anchor] = target.split("#", 2);
    const resolved = path === "" ? join(root, file) : join(root, dirname(file), path);
    if (relative(root, resolved).startsWith("..")) {
      problems.push(`${file}: ${target}: leaves the repository`);
    } else if (!existsSync(resolved)) {
      problems.push(`${file}: ${target}: no such file`);
    } else if (anchor !== undefined) {
      if (!resolved.endsWith(".md") || statSync(resolved).isDirectory()) {
        problems.push(`${file}: ${target}: an anchor in a file that is not Markdown`);
      } else if (!anchors(path === "" ? text : readFileSync(resolved, "utf8")).has(anchor)) {
        problems.push(`${file}: ${target}: no heading with that anchor`);
      }
    }
  }
  return problems;
}

Deno.test("every relative link and anchor in README.md and docs/ resolves", () => {
  const problems = markdownFiles().flatMap((file) =>
    brokenLinks(ROOT, file, readFileSync(join(ROOT, file), "utf8"))
  );
  assert.deepEqual(problems, []);
});

Deno.test("the link check reports a missing file, a missing anchor and a link out of the repository", () => {
  const text = [
    "# Title",
    "See [a](docs/missing.md), [b](#no-such-heading), [c](../elsewhere.md), [d](#title),",
    "[e](../../releases) and [f](https://example.com/x#y); `[g](ignored.md)` is code.",
  ].join("\n");
  assert.deepEqual(brokenLinks(ROOT, "README.md", text), [
    "README.md: docs/missing.md: no such file",
    "README.md: #no-such-heading: no heading with that anchor",
    "README.md: ../elsewhere.md: leaves the repository",
  ]);
  assert.deepEqual(brokenLinks(ROOT, "docs/page.md", "[r](../../releases)"), [
    "docs/page.md: ../../releases: leaves the repository",
  ]);
});

Deno.test("anchors follow GitHub's headings: lower case, punctuation dropped, repeats numbered", () => {
  const text =
    '## Start with your provider\n### A `base_url` "has no http://"\n## Notes\n## Notes\n';
  assert.deepEqual([...anchors(text)], [
    "start-with-your-provider",
    "a-base_url-has-no-http",
    "notes",
    "notes-1",
  ]);
});

/** The commands of a shell block: comments and leading `VAR=value` assignments removed. */
function commands(block: string): string[] {
  return block.split("\n").map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, ""));
}

Deno.test("the README opens with the two commands that run the proxy from source and run the tests", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const first = /^```sh\n([\s\S]*?)^```$/m.exec(readme);
  assert.ok(first, "README has a shell block");
  assert.equal(readme.slice(0, first.index).indexOf("```"), -1, "no code before it");
  assert.ok(readme.slice(0, first.index).split("\n").length <= 6, "it is on the first lines");
  assert.deepEqual(commands(first[1]!), [
    "npx -y deno@2 run -A main.ts",
    "npx -y deno@2 task test",
  ]);
  assert.ok(existsSync(join(ROOT, "main.ts")));
  assert.ok(denoJson.tasks.test, "deno.json has the test task");
});

Deno.test("the README's first screen names the supported Claude Code versions run checks against", () => {
  const top = readFileSync(join(ROOT, "README.md"), "utf8").split("\n").slice(0, 70).join("\n");
  const { oldest, newest } = SUPPORTED_CLAUDE_CODE;
  assert.ok(
    top.includes(`Supported Claude Code versions: ${oldest} (the oldest) to ${newest}`),
    `the first screen says ${oldest} to ${newest}`,
  );
});

/** The section of `text` under the `## title` heading. */
function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has "## ${title}"`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

type Family = "opus" | "sonnet" | "haiku";

/** "opus and sonnet → a, haiku → b" as {opus: a, sonnet: a, haiku: b}. */
function familyModels(text: string): Partial<Record<Family, string>> {
  const out: Partial<Record<Family, string>> = {};
  const pattern = /((?:opus|sonnet|haiku)(?:(?:, | and )(?:opus|sonnet|haiku))*) → ([\w.\/:-]+)/g;
  for (const [, families, model] of text.matchAll(pattern)) {
    for (const family of families!.split(/, | and /)) out[family as Family] = model!;
  }
  return out;
}

/** The defaults of a preset as {opus, sonnet, haiku}, or undefined when it has none. */
function presetFamilies(name: string): Record<Family, string> | undefined {
  const models = PROVIDER_PRESETS[name]?.defaultModels;
  return models && { opus: models.big, sonnet: models.middle, haiku: models.small };
}

Deno.test("each provider start in the README exports the preset's key and names its default models", () => {
  const starts = section(readFileSync(join(ROOT, "README.md"), "utf8"), "Start with your provider");
  const seen: string[] = [];
  for (const [, block] of starts.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const name = /--provider (\S+)/.exec(block!)?.[1];
    assert.ok(name && PROVIDER_PRESETS[name], `a start names a preset: ${block}`);
    seen.push(name);
    const preset = PROVIDER_PRESETS[name]!;
    const exported = [...block!.matchAll(/^export (\w+)=/gm)].map((match) => match[1]);
    assert.deepEqual(exported, preset.apiKeyEnv ? [preset.apiKeyEnv] : [], `${name}'s key`);
    const defaults = presetFamilies(name);
    if (defaults) {
      assert.deepEqual(familyModels(block!.split("\n")[0]!), defaults, `${name}'s models`);
    } else {
      assert.match(block!, /\bBIG_MODEL=\S+ claude-proxy run/, `${name} needs a model named`);
    }
  }
  for (const row of starts.split("\n").filter((line) => /^\| `[\w-]+` /.test(line))) {
    const [, cell, key, models] = row.split("|").map((cell) => cell.trim());
    const name = cell!.replaceAll("`", "");
    assert.ok(PROVIDER_PRESETS[name], `the table names a preset: ${row}`);
    seen.push(name);
    const preset = PROVIDER_PRESETS[name]!;
    assert.equal(key, preset.apiKeyEnv ? `\`${preset.apiKeyEnv}\`` : "(none)", `${name}'s key`);
    const defaults = presetFamilies(name);
    if (defaults) assert.deepEqual(familyModels(models!), defaults, `${name}'s models`);
    else assert.match(models!, /BIG_MODEL|passed through/, `${name} says what to set`);
  }
  for (
    const major of ["openai", "deepseek", "openrouter", "gemini", "groq", "ollama", "lmstudio"]
  ) {
    assert.ok(seen.includes(major), `the README has a start for ${major}`);
  }
  assert.ok(
    seen.some((name) => PROVIDER_PRESETS[name]!.format === "anthropic"),
    "and one for an Anthropic-compatible API",
  );
});

Deno.test("every TOML example in README.md and docs/ is a valid config", () => {
  for (const file of markdownFiles()) {
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const [, toml] of text.matchAll(/^```toml\n([\s\S]*?)^```$/gm)) {
      assert.doesNotThrow(
        () => validateConfig(parseConfig(toml!, file), { source: file, text: toml! }),
        `${file}:\n${toml}`,
      );
    }
  }
});
