// GET /v1/models (the Anthropic list shape) and the health answers.
import type { Config } from "../config/schema.ts";

/** Claude model ids listed for glob routes, so `/model` pickers see Claude-looking names. */
const WELL_KNOWN_MODELS = [
  "claude-opus-4-5",
  "claude-sonnet-4-5",
  "claude-haiku-4-5",
];

/** One entry of the Anthropic models list. */
export interface ModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

/** The models the proxy answers for: exact names from `[models]`, and well-known ids the globs match. */
export function listModels(config: Config, matches: (model: string) => boolean): ModelInfo[] {
  const ids = new Set<string>();
  for (const rule of config.models) if (rule.exact) ids.add(rule.pattern);
  for (const id of WELL_KNOWN_MODELS) if (matches(id)) ids.add(id);
  return [...ids].map((id) => {
    const rule = config.models.find((r) => r.exact && r.pattern === id);
    return {
      type: "model",
      id,
      display_name: rule ? `${id} → ${rule.model}` : id,
      created_at: "2025-01-01T00:00:00Z",
    };
  });
}
