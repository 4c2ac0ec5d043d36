import assert from "node:assert/strict";
import { claudeArgs, claudeEnv } from "../../src/commands/claude_env.ts";
import {
  claudeCodeSettings,
  compactWindow,
  routeServesSafetyCheck,
  routeSupportsToolSearch,
  tierModelId,
} from "../../src/commands/claude_settings.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { resolveRoute } from "../../src/routing/route.ts";

function config(file: FileConfig) {
  return resolveConfig({ cli: {}, env: {}, file, source: "t" });
}

const CUSTOM: FileConfig = {
  provider: { name: "custom", base_url: "http://127.0.0.1:9/v1", api_key: "sk-x" },
  models: { "*opus*": "big-model", "*sonnet*": "mid-model", "*haiku*": "small-model" },
  model_options: {
    "big-model": { context_window: 128_000, images: false },
    "mid-model": { context_window: 256_000 },
    "small-model": { context_window: 32_000 },
  },
};

Deno.test("claudeCodeSettings names each family's route and tells Claude Code its context window", () => {
  const { env, settings } = claudeCodeSettings(config(CUSTOM));
  assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, "claude-opus-5-5");
  assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL_NAME, "Opus → big-model on custom");
  assert.equal(
    env.ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION,
    "opus requests go to big-model on custom through claude-proxy · 128k context · no images",
  );
  assert.equal(env.ANTHROPIC_DEFAULT_SONNET_MODEL_NAME, "Sonnet → mid-model on custom");
  assert.equal(env.ANTHROPIC_DEFAULT_HAIKU_MODEL, "claude-haiku-5-5");
  assert.equal(
    env.ANTHROPIC_DEFAULT_OPUS_MODEL_SUPPORTED_CAPABILITIES,
    undefined,
    "unknown capabilities are left to Claude Code",
  );
  // The smallest main model (opus, sonnet, fable: fable falls to the big model); haiku's 32k is
  // for small tasks and does not decide compaction.
  assert.equal(env.CLAUDE_CODE_AUTO_COMPACT_WINDOW, "128000");
  assert.equal(env.CLAUDE_AUTOCOMPACT_PCT_OVERRIDE, undefined);
  assert.equal(env.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY, "1");
  assert.equal(
    env.ENABLE_TOOL_SEARCH,
    undefined,
    "the proxy resolves tool search on translated routes",
  );
  assert.equal(env.CLAUDE_CODE_DISABLE_ADVISOR_TOOL, "1", "no route serves the advisor tool");
  assert.equal(
    env.CLAUDE_CODE_AUTO_MODE_SERVER,
    "0",
    "no route serves auto mode's server-side check: Claude Code's own classifier checks actions",
  );
  assert.deepEqual(settings, { skipWebFetchPreflight: true });
});

Deno.test("claudeCodeSettings takes thinking and effort from the model catalog", () => {
  const { env } = claudeCodeSettings(config({ provider: { name: "openai", api_key: "sk-x" } }));
  const capabilities = env.ANTHROPIC_DEFAULT_OPUS_MODEL_SUPPORTED_CAPABILITIES?.split(",");
  assert.ok(
    capabilities?.includes("thinking"),
    env.ANTHROPIC_DEFAULT_OPUS_MODEL_SUPPORTED_CAPABILITIES,
  );
  assert.ok(capabilities?.includes("effort"));
  assert.ok(capabilities?.includes("xhigh_effort"), "OpenAI's newest models take xhigh");
  const noThinking = claudeCodeSettings(config({
    ...CUSTOM,
    model_options: { "big-model": { context_window: 128_000 } },
  }));
  assert.equal(noThinking.env.ANTHROPIC_DEFAULT_OPUS_MODEL_SUPPORTED_CAPABILITIES, undefined);
});

Deno.test("claudeCodeSettings leaves Claude models on Anthropic's API to Claude Code", () => {
  const { env, settings } = claudeCodeSettings(config({
    provider: { name: "anthropic", api_key: "sk-ant" },
    models: { "*": "claude-opus-5-5" },
  }));
  assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, undefined);
  assert.equal(env.ENABLE_TOOL_SEARCH, undefined);
  assert.equal(env.CLAUDE_CODE_DISABLE_ADVISOR_TOOL, undefined);
  assert.equal(
    env.CLAUDE_CODE_AUTO_MODE_SERVER,
    undefined,
    "Anthropic's API checks actions itself",
  );
  assert.deepEqual(settings, {});
  assert.equal(env.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY, "1");
});

Deno.test("claudeCodeSettings passes the subagent model of [claude_code]", () => {
  const file = { ...CUSTOM, claude_code: { subagent_model: "claude-haiku-5-5" } };
  assert.equal(claudeCodeSettings(config(file)).env.CLAUDE_CODE_SUBAGENT_MODEL, "claude-haiku-5-5");
  assert.equal(claudeCodeSettings(config(CUSTOM)).env.CLAUDE_CODE_SUBAGENT_MODEL, undefined);
});

Deno.test("claudeCodeSettings names Claude Code's small model for [router] background when no haiku route does", () => {
  const native = config({
    providers: { anthropic: { api_key: "sk-a" }, deepseek: { api_key: "sk-d" } },
    models: { "*": "claude-opus-5-5@anthropic" },
    router: { background: "deepseek-chat@deepseek" },
  });
  assert.equal(claudeCodeSettings(native).env.ANTHROPIC_SMALL_FAST_MODEL, "claude-haiku-5-5");
  const translated = config({ ...CUSTOM, router: { background: "small-model" } });
  assert.equal(claudeCodeSettings(translated).env.ANTHROPIC_SMALL_FAST_MODEL, undefined);
  assert.equal(
    claudeCodeSettings(translated).env.ANTHROPIC_DEFAULT_HAIKU_MODEL,
    "claude-haiku-5-5",
  );
  const { router: _, ...withoutRouter } = { ...native, router: undefined };
  assert.equal(claudeCodeSettings(withoutRouter).env.ANTHROPIC_SMALL_FAST_MODEL, undefined);
});

Deno.test("compactWindow sets the window, and below Claude Code's 100k minimum a lower threshold", () => {
  assert.deepEqual(compactWindow(undefined), {});
  assert.deepEqual(compactWindow(128_000), { CLAUDE_CODE_AUTO_COMPACT_WINDOW: "128000" });
  assert.deepEqual(compactWindow(64_000), {
    CLAUDE_CODE_AUTO_COMPACT_WINDOW: "100000",
    CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: "38",
  });
  assert.equal(compactWindow(20_000).CLAUDE_AUTOCOMPACT_PCT_OVERRIDE, "1");
});

Deno.test("routeSupportsToolSearch is false only for an Anthropic-format provider that may refuse it", () => {
  const route = (file: FileConfig) => resolveRoute(config(file), "claude-opus-5-5");
  assert.equal(routeSupportsToolSearch(route(CUSTOM)), true, "resolved by the proxy");
  assert.equal(
    routeSupportsToolSearch(route({ provider: { name: "anthropic", api_key: "k" } })),
    true,
  );
  assert.equal(
    routeSupportsToolSearch(route({ provider: { name: "deepseek-anthropic", api_key: "k" } })),
    true,
    "the preset lists tool_search as unsupported: the proxy resolves it",
  );
  const unknown: FileConfig = {
    provider: {
      name: "custom",
      format: "anthropic",
      base_url: "https://gateway.example/anthropic",
      api_key: "k",
    },
    models: { "*": "some-model" },
  };
  assert.equal(routeSupportsToolSearch(route(unknown)), false);
  assert.equal(claudeCodeSettings(config(unknown)).env.ENABLE_TOOL_SEARCH, "false");
});

Deno.test("tierModelId prefers the config's own exact name for a family", () => {
  assert.equal(tierModelId(config(CUSTOM), "opus"), "claude-opus-5-5");
  const exact = config({ ...CUSTOM, models: { "claude-opus-4-8": "big-model" } });
  assert.equal(tierModelId(exact, "opus"), "claude-opus-4-8");
});

Deno.test("claudeEnv keeps a family the user set up and the user's own settings", () => {
  const env = claudeEnv(
    {
      ANTHROPIC_DEFAULT_OPUS_MODEL: "my-opus",
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: "150000",
    },
    config(CUSTOM),
    "http://x",
  );
  assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, "my-opus");
  assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL_NAME, undefined);
  assert.equal(env.ANTHROPIC_DEFAULT_SONNET_MODEL_NAME, "Sonnet → mid-model on custom");
  assert.equal(env.CLAUDE_CODE_AUTO_COMPACT_WINDOW, "150000");
});

Deno.test("claudeArgs puts the settings before the user's arguments unless the user passes --settings", () => {
  const c = config(CUSTOM);
  assert.deepEqual(claudeArgs(["-p", "x"], c), [
    "--settings",
    '{"skipWebFetchPreflight":true}',
    "-p",
    "x",
  ]);
  assert.deepEqual(claudeArgs(["--settings", "mine.json"], c), ["--settings", "mine.json"]);
  assert.deepEqual(
    claudeArgs(
      [],
      config({ provider: { name: "anthropic", api_key: "k" }, models: { "*": "claude-opus-5-5" } }),
    ),
    [],
  );
});

Deno.test("routeServesSafetyCheck is true only on Anthropic's own API, and one such route keeps the server-side check", () => {
  const route = (file: FileConfig) => resolveRoute(config(file), "claude-opus-5-5");
  assert.equal(routeServesSafetyCheck(route(CUSTOM)), false, "a translated route drops safeguards");
  assert.equal(
    routeServesSafetyCheck(route({ provider: { name: "deepseek-anthropic", api_key: "k" } })),
    false,
    "a third-party Anthropic-format preset drops safeguards",
  );
  assert.equal(
    routeServesSafetyCheck(route({ provider: { name: "anthropic", api_key: "k" } })),
    true,
  );
  const mixed: FileConfig = {
    providers: {
      anthropic: { api_key: "sk-ant" },
      deepseek: { api_key: "sk-ds" },
    },
    models: { "*opus*": "anthropic/claude-opus-5-5", "*": "deepseek/deepseek-v4-pro" },
  };
  assert.equal(claudeCodeSettings(config(mixed)).env.CLAUDE_CODE_AUTO_MODE_SERVER, undefined);
});
