// A provider's API key, or its pool of keys: the file's api_key, the variables of api_key_env, or OpenCode's. Pure.
import type { ProviderPreset } from "../providers/presets.ts";
import { envValue, fileOrigin, type ResolveContext } from "./resolve_context.ts";
import type { PoolKey } from "./schema.ts";
import type { FileProvider } from "./validate.ts";

/** What {@linkcode resolveProviderKeys} found. */
export interface ResolvedKeys {
  /** The key, or the first key of a pool. */
  apiKey?: string;
  /** Every key, when there are two or more. */
  keyPool?: PoolKey[];
  /** The variable messages name (the first of a list). */
  apiKeyEnv?: string;
  /** Every variable the keys are read from, in order. */
  variables: string[];
  /** Whether OpenCode's auth.json was the source looked at (no key in the file or the environment). */
  consultedOpenCode: boolean;
}

/** Where one provider table's keys come from. */
export interface ProviderKeySource {
  /** The provider's name in the config. */
  name: string;
  table: FileProvider;
  preset: ProviderPreset;
  /** Key path of the table in the file, if from a file. */
  path?: string[];
  env: Record<string, string | undefined>;
  /** OpenCode's key for the preset, if it has one. */
  openCode?: { key: string; origin: string };
}

/**
 * Resolves a provider's keys: `api_key` (a key or a list) first, else the variables of
 * `api_key_env` (one or a list; unset ones are skipped with a notice), else OpenCode's key.
 * Records where they came from under `providers.NAME.api_key`, never the keys. Two keys or more
 * make a pool; a key given twice counts once.
 */
export function resolveProviderKeys(
  context: ResolveContext,
  source: ProviderKeySource,
): ResolvedKeys {
  const { name, table, preset, path, env } = source;
  const originKey = `providers.${name}.api_key`;
  const variables = table.api_key_env === undefined
    ? (preset.apiKeyEnv ? [preset.apiKeyEnv] : [])
    : listOf(table.api_key_env).map((variable) => variable.trim()).filter(Boolean);
  const apiKeyEnv = variables[0];
  const named = { ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }), variables };
  const literal = listOf(table.api_key).map((key) => key.trim()).filter(Boolean);
  if (literal.length > 0) {
    context.origins[originKey] = path ? fileOrigin(context, [...path, "api_key"]) : context.source;
    const labels = literal.length > 1 ? literal.map((_, i) => `api_key #${i + 1}`) : ["api_key"];
    return {
      ...pool(literal.map((key, i) => ({ key, label: labels[i]! }))),
      ...named,
      consultedOpenCode: false,
    };
  }
  const found = variables.flatMap((variable) => {
    const key = envValue(env, variable);
    return key === undefined ? [] : [{ key, label: variable }];
  });
  if (found.length > 0) {
    context.origins[originKey] = found.map((k) => `env ${k.label}`).join(", ");
    const unset = variables.filter((v) => !found.some((k) => k.label === v));
    if (unset.length > 0) {
      context.notices.push(
        `Provider "${name}": ${unset.join(", ")} ${unset.length > 1 ? "are" : "is"} unset; ` +
          `its key pool has ${found.length} ${found.length > 1 ? "keys" : "key"}`,
      );
    }
    return { ...pool(found), ...named, consultedOpenCode: false };
  }
  if (source.openCode) {
    context.origins[originKey] = source.openCode.origin;
    return { apiKey: source.openCode.key, ...named, consultedOpenCode: true };
  }
  return { ...named, consultedOpenCode: true };
}

/** The first key, and the pool when there are two different keys or more. */
function pool(keys: PoolKey[]): { apiKey: string; keyPool?: PoolKey[] } {
  const distinct = keys.filter((k, i) => keys.findIndex((other) => other.key === k.key) === i);
  const first = distinct[0]!;
  return distinct.length > 1 ? { apiKey: first.key, keyPool: distinct } : { apiKey: first.key };
}

function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : value;
}
