import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  claudeJsonPath,
  isRejected,
  prepareClaudeJson,
  withOnboardingMarked,
} from "../../src/commands/claude_json.ts";
import { withTempDir } from "../helpers/paths.ts";

Deno.test("withOnboardingMarked adds the key first and keeps the rest of the text as it was", () => {
  const marked = (text: string | undefined) => withOnboardingMarked(text);
  assert.equal(marked(undefined), '{\n  "hasCompletedOnboarding": true\n}\n');
  assert.equal(marked("{}"), '{\n  "hasCompletedOnboarding": true\n}');
  assert.equal(marked("{ }\n"), '{\n  "hasCompletedOnboarding": true\n}\n');
  assert.equal(marked('{"a":1}'), '{\n  "hasCompletedOnboarding": true,\n  "a":1}');
  assert.equal(
    marked('{\n    "a": 1,\n    "b": [1, 2]\n}\n'),
    '{\n    "hasCompletedOnboarding": true,\n    "a": 1,\n    "b": [1, 2]\n}\n',
  );
  assert.equal(
    marked('{\r\n\t"a": 1\r\n}'),
    '{\r\n\t"hasCompletedOnboarding": true,\r\n\t"a": 1\r\n}',
  );
  for (const text of ["{}", '{"a":1}', '{\n  "a": {"b": 12345678901234567890}\n}', "{\r\n}"]) {
    const json = JSON.parse(marked(text));
    assert.equal(json.hasCompletedOnboarding, true, text);
  }
});

Deno.test("claudeJsonPath follows CLAUDE_CONFIG_DIR, a legacy .config.json and the custom OAuth name as Claude Code does", () =>
  withTempDir("claude-json-", async (home) => {
    assert.equal(claudeJsonPath({}, home), join(home, ".claude.json"));
    assert.equal(claudeJsonPath({ CLAUDE_CONFIG_DIR: "/cfg" }, home), "/cfg/.claude.json");
    assert.equal(
      claudeJsonPath({ CLAUDE_CODE_CUSTOM_OAUTH_URL: "https://x" }, home),
      join(home, ".claude-custom-oauth.json"),
    );
    mkdirSync(join(home, ".claude"));
    writeFileSync(join(home, ".claude/.config.json"), "{}");
    assert.equal(claudeJsonPath({}, home), join(home, ".claude/.config.json"));
    await Promise.resolve();
  }));

Deno.test("isRejected matches the last 20 characters Claude Code stores for a refused key", () => {
  const key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz";
  const json = { customApiKeyResponses: { approved: [], rejected: [key.slice(-20)] } };
  assert.equal(isRejected(json, key), true);
  assert.equal(isRejected(json, key + "x"), false);
  assert.equal(isRejected({ customApiKeyResponses: { approved: [key.slice(-20)] } }, key), false);
  assert.equal(isRejected({ customApiKeyResponses: "odd" }, key), false);
  assert.equal(isRejected({}, key), false);
});

Deno.test("prepareClaudeJson leaves a file that already has hasCompletedOnboarding, even false, untouched", () =>
  withTempDir("claude-json-", async (dir) => {
    const path = join(dir, ".claude.json");
    for (
      const text of [
        '{"hasCompletedOnboarding": true, "x": 1}',
        '{"hasCompletedOnboarding": false}',
      ]
    ) {
      writeFileSync(path, text);
      const report = await prepareClaudeJson(path);
      assert.deepEqual(report, { path, onboardingMarked: false, rejectedKey: false });
      assert.equal(readFileSync(path, "utf8"), text);
    }
  }));

Deno.test("prepareClaudeJson leaves a file that is not a JSON object alone, with a warning", () =>
  withTempDir("claude-json-", async (dir) => {
    const path = join(dir, ".claude.json");
    for (
      const [text, warning] of [["[1, 2]", "it does not hold a JSON object"], [
        "null",
        "it does not hold a JSON object",
      ]]
    ) {
      writeFileSync(path, text!);
      const report = await prepareClaudeJson(path);
      assert.equal(report.warning, warning);
      assert.equal(report.onboardingMarked, false);
      assert.equal(readFileSync(path, "utf8"), text);
    }
    const unreadable = join(dir, "a-directory");
    mkdirSync(unreadable);
    assert.match((await prepareClaudeJson(unreadable)).warning ?? "", /^cannot read it: /);
  }));
