import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileConfig } from "../../src/config/validate.ts";
import { NULL_LOGGER } from "../../src/log/record.ts";
import { CLAUDE_CODE_MODELS } from "../../src/providers/claude_models.ts";
import { createApp } from "../../src/server/app.ts";
import { randomId } from "../../src/server/deps.ts";
import { claudeDisplayName, type ModelInfo } from "../../src/server/models.ts";

function appFor(file: FileConfig, env: Record<string, string> = {}) {
  const config = resolveConfig({ cli: {}, env, file, source: "t" });
  return createApp({ config, logger: NULL_LOGGER, now: () => 0, newId: randomId });
}

/** What Claude Code's gateway model discovery sends. */
async function discover(app: ReturnType<typeof appFor>, token = "claude-proxy") {
  const response = await app.request("/v1/models?limit=1000", {
    headers: { authorization: `Bearer ${token}`, "anthropic-version": "2023-06-01" },
  });
  return { status: response.status, body: await response.json() as { data: ModelInfo[] } };
}

Deno.test("/v1/models names where each route goes, for Claude Code's model picker", async () => {
  const { status, body } = await discover(appFor({
    providers: {
      deepseek: { api_key: "sk-d" },
      openrouter: { api_key: "sk-o" },
    },
    default_provider: "deepseek",
    models: {
      "claude-opus-5-5": "deepseek-v4-pro",
      "*sonnet*": "moonshotai/kimi-k2.6@openrouter",
      "*haiku*": "deepseek-flash",
    },
  }));
  assert.equal(status, 200);
  const names = Object.fromEntries(body.data.map((m) => [m.id, m.display_name]));
  assert.equal(names["claude-opus-5-5"], "Opus 5.5 → deepseek-v4-pro on deepseek");
  assert.equal(names["claude-sonnet-5-5"], "Sonnet 5.5 → moonshotai/kimi-k2.6 on openrouter");
  assert.equal(names["claude-haiku-5-5"], "Haiku 5.5 → deepseek-flash on deepseek");
  assert.equal(names["claude-fable-5-2"], undefined, "no rule routes fable here");
});

Deno.test("/v1/models lists every id the supported Claude Code versions send, for a preset's default routes", async () => {
  const { body } = await discover(appFor({ provider: { name: "deepseek", api_key: "sk-d" } }));
  const ids = body.data.map((m) => m.id);
  for (const id of CLAUDE_CODE_MODELS) assert.ok(ids.includes(id), id);
  const fixture = JSON.parse(
    readFileSync(
      new URL("../fixtures/claude-code/first-turn-2.1.337.request.json", import.meta.url),
      "utf8",
    ),
  ) as { body: { model: string } };
  assert.ok(ids.includes(fixture.body.model), "2.1.337's default model is listed");
  assert.ok(
    ids.every((id) => /^claude/i.test(id)),
    "Claude Code keeps only ids starting with claude",
  );
});

Deno.test("/v1/models takes the proxy's auth_token as Claude Code sends it, a Bearer token", async () => {
  const app = appFor({
    provider: { name: "deepseek", api_key: "sk-d" },
    auth_token: "secret-token",
  });
  assert.equal((await discover(app, "secret-token")).status, 200);
  assert.equal((await discover(app, "wrong")).status, 401);
});

Deno.test("claudeDisplayName names Claude ids as Anthropic does and leaves other names alone", () => {
  assert.equal(claudeDisplayName("claude-opus-5-5"), "Opus 5.5");
  assert.equal(claudeDisplayName("claude-haiku-4-5-20251001"), "Haiku 4.5");
  assert.equal(claudeDisplayName("claude-sonnet-5"), "Sonnet 5");
  assert.equal(claudeDisplayName("claude-fable-5-2"), "Fable 5.2");
  assert.equal(claudeDisplayName("my-model"), "my-model");
});
