// Tests for the anthropic-beta filter.
import assert from "node:assert/strict";
import { filterBetas } from "../../src/passthrough/filter_betas.ts";

Deno.test("filterBetas removes rejected betas by name or glob", () => {
  const header = "claude-code-20250219, context-management-2025-06-27,effort-2025-11-24";
  assert.equal(
    filterBetas(header, ["context-management-*"]),
    "claude-code-20250219,effort-2025-11-24",
  );
  assert.equal(filterBetas("context-management-2025-06-27", ["context-management-*"]), undefined);
  assert.equal(
    filterBetas(header, []),
    "claude-code-20250219,context-management-2025-06-27,effort-2025-11-24",
  );
});
