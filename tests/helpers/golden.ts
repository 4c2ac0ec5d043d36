// Golden-file assertions for fixture-driven tests; `UPDATE_GOLDEN=1` rewrites the files instead.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** Serialises a golden value: strings as they are, anything else as 2-space JSON with a final newline. */
export function serializeGolden(actual: unknown): string {
  return typeof actual === "string" ? actual : `${JSON.stringify(actual, null, 2)}\n`;
}

/**
 * Asserts that `actual` matches the golden file at `path` (JSON compared structurally, strings
 * byte for byte). With `UPDATE_GOLDEN=1` in the environment it writes the file and passes.
 */
export function assertGolden(actual: unknown, path: string | URL): void {
  const file = path instanceof URL ? fileURLToPath(path) : path;
  const text = serializeGolden(actual);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(
    existsSync(file),
    `Golden file "${file}" is missing: run the test with UPDATE_GOLDEN=1`,
  );
  const expected = readFileSync(file, "utf8");
  if (typeof actual === "string") assert.equal(actual, expected, `Golden file "${file}" differs`);
  else assert.deepEqual(JSON.parse(text), JSON.parse(expected), `Golden file "${file}" differs`);
}
