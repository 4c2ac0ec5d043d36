// The dashboard's files are built into the app: ui_assets.ts is what scripts/build_ui.ts makes of web/.
import assert from "node:assert/strict";
import { assetsModule, readWebFiles } from "../../../scripts/build_ui.ts";
import { readFile } from "node:fs/promises";
import { ASSETS_MODULE } from "../../../scripts/build_ui.ts";

Deno.test("ui_assets.ts holds the dashboard's files as they are in web/ (run deno task build:ui)", async () => {
  const built = assetsModule(await readWebFiles());
  assert.equal(await readFile(ASSETS_MODULE, "utf8"), built);
});

Deno.test("assetsModule refuses a file it has no content type for", () => {
  assert.throws(() => assetsModule({ "notes.md": "x" }), /"notes.md" has no known type/);
});
