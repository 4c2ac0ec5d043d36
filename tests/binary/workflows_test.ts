// The GitHub workflows: valid YAML, CI on three OSes, and a release that builds, tests and uploads the binaries.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { binaryName, BUN_VERSION, TARGETS } from "../../scripts/compile.ts";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  shell?: string;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix: { os?: string[]; include?: Array<Record<string, string>> } };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Parses a workflow strictly: any YAML error or warning (e.g. a duplicate key) fails. */
function loadWorkflow(name: string): Workflow {
  const path = new URL(`../../.github/workflows/${name}`, import.meta.url);
  const doc = parseDocument(readFileSync(path, "utf8"), { uniqueKeys: true, strict: true });
  assert.deepEqual(doc.errors.map((e) => e.message), [], `${name} is valid YAML`);
  assert.deepEqual(doc.warnings.map((e) => e.message), [], `${name} has no YAML warnings`);
  return doc.toJS() as Workflow;
}

function runs(job: Job): string {
  return job.steps.map((s) => s.run ?? "").join("\n");
}

const WORKFLOWS = ["ci.yml", "release.yml"];

Deno.test("workflows have jobs whose steps each either run a command or use a pinned action", () => {
  for (const file of WORKFLOWS) {
    const workflow = loadWorkflow(file);
    assert.equal(workflow.permissions?.contents, "read", `${file} is read-only by default`);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      assert.ok(job["runs-on"], `${file} ${id} has runs-on`);
      assert.ok(job.steps.length > 0, `${file} ${id} has steps`);
      for (const step of job.steps) {
        assert.ok((step.run === undefined) !== (step.uses === undefined), `${file} ${id} step`);
        if (step.uses) {
          assert.match(step.uses, /^[\w-]+\/[\w-]+@v\d+$/, `${file} pins ${step.uses}`);
        }
      }
    }
  }
});

Deno.test("CI checks format, lint, types and tests on Linux, macOS and Windows", () => {
  const ci = loadWorkflow("ci.yml");
  assert.ok("push" in ci.on && "pull_request" in ci.on);
  const test = ci.jobs.test!;
  assert.deepEqual(test.strategy?.matrix.os, ["ubuntu-latest", "macos-latest", "windows-latest"]);
  const commands = runs(test);
  for (const command of ["deno fmt --check", "deno lint", "deno task check", "deno task test"]) {
    assert.ok(commands.includes(command), `CI runs ${command}`);
  }
});

Deno.test("CI compiles the binary on each OS and runs tests/binary against it", () => {
  const ci = loadWorkflow("ci.yml");
  const names = TARGETS.map(binaryName);
  for (const id of ["binary", "bun"]) {
    const job = ci.jobs[id]!;
    const test = job.steps.find((s) =>
      s.run === "deno test -A --config tests/deno.test.json tests/binary/"
    );
    assert.ok(test, `${id} runs the binary tests`);
    const binary = test.env?.CLAUDE_PROXY_BINARY ?? "";
    assert.match(binary, /\/dist\//);
    const include = job.strategy?.matrix.include ?? [];
    for (const row of include) assert.ok(names.includes(row.binary!), `${row.binary} is a target`);
  }
  assert.deepEqual(
    ci.jobs.binary!.strategy?.matrix.include?.map((row) => row.os),
    ["ubuntu-latest", "macos-latest", "windows-latest"],
  );
  assert.ok(runs(ci.jobs.binary!).includes("deno task compile"));
  assert.ok(runs(ci.jobs.bun!).includes("deno task compile:bun"));
  assert.equal(
    ci.env?.BUN_VERSION,
    BUN_VERSION,
    "CI installs the Bun that scripts/compile.ts pins",
  );
});

Deno.test("a v* tag builds the five binaries, tests them, and uploads them with SHA256SUMS", () => {
  const release = loadWorkflow("release.yml");
  assert.deepEqual(release.on, { push: { tags: ["v*"] } });
  const build = release.jobs.build!;
  assert.match(runs(build), /deno task compile --release-tag "\$GITHUB_REF_NAME"/);
  assert.match(runs(build), /sha256sum -c SHA256SUMS/);
  const upload = build.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
  assert.equal(upload?.with?.path, "dist/");

  const verify = release.jobs.verify!;
  assert.equal(verify.needs, "build");
  const tested = verify.strategy?.matrix.include?.map((row) => row.binary) ?? [];
  const names = TARGETS.map(binaryName);
  for (const name of tested) assert.ok(names.includes(name!), `${name} is a target`);
  assert.ok(tested.length >= 4, "every OS family runs its binary");
  assert.ok(
    verify.steps.some((s) => s.run === "deno test -A --config tests/deno.test.json tests/binary/"),
  );

  const publish = release.jobs.publish!;
  assert.equal(publish.needs, "verify");
  assert.equal(publish.permissions?.contents, "write");
  assert.match(runs(publish), /gh release upload "\$TAG" dist\/\* --clobber/);
});
