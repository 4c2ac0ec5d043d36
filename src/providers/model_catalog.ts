// What is known about the models the presets map to: context window, output limit, capabilities, the OpenAI API each needs, prices. Pure.
import type { ModelPrice } from "./model_price.ts";
import { globMatch } from "../util/glob.ts";
import {
  CATALOG_DATA,
  type CatalogModel,
  type ModelFacts,
  type ProviderCatalog,
} from "./model_catalog_data.ts";
import { presetName } from "./presets.ts";

export type { ModelPrice };

export type { CatalogModel, ModelFacts, ProviderCatalog };

/** Presets that share another preset's models (the same provider behind another API or name). */
const SHARED: Readonly<Record<string, string>> = {
  "openai-responses": "openai",
  "gemini-openai": "gemini",
  azure: "openai",
  xai: "grok",
  "openrouter-anthropic": "openrouter",
  "deepseek-anthropic": "deepseek",
  "moonshot-anthropic": "moonshot",
  "zai-anthropic": "zai",
};

/** The catalog of a preset (aliases and shared presets followed), if it has one. */
export function providerCatalog(preset: string): ProviderCatalog | undefined {
  const name = presetName(preset) ?? preset.toLowerCase();
  const key = Object.hasOwn(SHARED, name) ? SHARED[name]! : name;
  return Object.hasOwn(CATALOG_DATA, key) ? CATALOG_DATA[key] : undefined;
}

/**
 * The facts about `model` on `preset`: its own entry (case-insensitive, without Claude Code's
 * `[1m]` suffix or a date suffix), else its family's. Without a preset, the first catalog that
 * knows the model answers, without a price (prices belong to one provider).
 *
 * @example
 * modelFacts("openai", "gpt-6-sol")?.api; // "responses"
 * modelFacts("anthropic", "claude-opus-5-5[1m]")?.context_window; // 1_000_000
 */
export function modelFacts(preset: string | undefined, model: string): ModelFacts | undefined {
  if (preset !== undefined) {
    const catalog = providerCatalog(preset);
    const entry = catalog && findEntry(catalog, model);
    return entry && toFacts(entry);
  }
  for (const catalog of Object.values(CATALOG_DATA)) {
    const entry = findEntry(catalog, model);
    if (!entry) continue;
    const { price: _price, ...facts } = toFacts(entry);
    return facts;
  }
  return undefined;
}

/** The catalog entry for `model`, with its note, or undefined. */
export function findEntry(catalog: ProviderCatalog, model: string): CatalogModel | undefined {
  for (const name of candidateNames(model)) {
    for (const [id, entry] of Object.entries(catalog.models)) {
      if (id.toLowerCase() === name) return entry;
    }
  }
  for (const name of candidateNames(model)) {
    const family = catalog.families?.find(([pattern]) => globMatch(pattern, name));
    if (family) return family[1];
  }
  return undefined;
}

/** `model` lower-cased, without a `[…]` suffix, then also without a date or `-latest`. */
function candidateNames(model: string): string[] {
  const base = model.replace(/\[[^\]]*\]$/, "").trim().toLowerCase();
  const undated = base.replace(/-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, "");
  return undated === base ? [base] : [base, undated];
}

function toFacts(entry: CatalogModel): ModelFacts {
  const { note: _note, retires: _retires, price, ...facts } = entry;
  return price ? { ...facts, price: { ...price } } : facts;
}
