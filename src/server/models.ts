// GET /v1/models (the Anthropic list shape, read by Claude Code's gateway model discovery) and the health answers.
import type { Config } from "../config/schema.ts";
import { CLAUDE_CODE_MODELS } from "../providers/claude_models.ts";
import { resolveRoute } from "../routing/route.ts";
import { routeLabel } from "../routing/route_label.ts";

/** One entry of the Anthropic models list. */
export interface ModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

/**
 * The models the proxy answers for: the exact names of `[models]`, then the ids the supported
 * Claude Code versions send that a rule matches, each named after where it goes
 * ("Opus 5.5 → deepseek-v4-pro on deepseek"). Claude Code (2.1.129+, with
 * CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY) shows the ids that start with "claude" in its
 * `/model` picker under these names.
 */
export function listModels(config: Config, matches: (model: string) => boolean): ModelInfo[] {
  const ids = new Set<string>();
  for (const rule of config.models) if (rule.exact) ids.add(rule.pattern);
  for (const id of CLAUDE_CODE_MODELS) if (matches(id)) ids.add(id);
  return [...ids].map((id) => ({
    type: "model",
    id,
    display_name: `${claudeDisplayName(id)} → ${routeLabel(resolveRoute(config, id))}`,
    created_at: "2025-01-01T00:00:00Z",
  }));
}

/** Claude's own way of naming a model id: "claude-haiku-4-5-20251001" → "Haiku 4.5"; other ids as they are. */
export function claudeDisplayName(id: string): string {
  const match = /^claude-([a-z]+)-(\d+(?:-\d{1,2})?)(?:-\d{8})?$/i.exec(id);
  if (!match) return id;
  const family = match[1]!;
  return `${family[0]!.toUpperCase()}${family.slice(1)} ${match[2]!.replace("-", ".")}`;
}
