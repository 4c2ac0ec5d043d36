// Merges the config layers (user < project < managed) key by key, remembering where each key came from. Pure.
import { keyPath, lineOfPath } from "./key_path.ts";
import type { FileConfig } from "./validate.ts";

/** Which layer a file belongs to. */
export type LayerKind = "managed" | "project" | "user" | "explicit";

/** One validated config file. */
export interface ConfigLayer {
  kind: LayerKind;
  path: string;
  /** The file's text, to find line numbers. */
  text?: string;
  file: FileConfig;
}

/** The merged file content and the provenance of every key. */
export interface MergedConfig {
  file: FileConfig;
  /** Key path (see {@linkcode keyPath}) → "FILE:LINE" (or "FILE") of the layer that set it. */
  origins: Record<string, string>;
  /** Key paths set by the managed layer: nothing may change them. */
  pinned: string[];
  /** The files merged, highest precedence first. */
  files: string[];
}

const PRECEDENCE: Record<LayerKind, number> = { user: 0, explicit: 0, project: 1, managed: 2 };

/**
 * Merges layers: a higher layer overrides a lower one key by key; `[models]` rules of a higher
 * layer come first (so they match first); a provider table whose preset changes is replaced whole.
 *
 * @example
 * mergeLayers([{ kind: "user", path: "u.toml", file: { port: 1 } },
 *   { kind: "project", path: "p.toml", file: { host: "::1" } }]).file; // { port: 1, host: "::1" }
 */
export function mergeLayers(layers: readonly ConfigLayer[]): MergedConfig {
  const ordered = [...layers].sort((a, b) => PRECEDENCE[a.kind] - PRECEDENCE[b.kind]);
  const merged: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  const pinned = new Set<string>();
  for (const layer of ordered) {
    mergeTable(merged, layer.file as Record<string, unknown>, [], { layer, origins, pinned });
  }
  const models = mergeModels(ordered);
  if (models) merged.models = models;
  return {
    file: merged as FileConfig,
    origins,
    pinned: [...pinned].sort(),
    files: [...ordered].reverse().map((l) => l.path),
  };
}

interface MergeContext {
  layer: ConfigLayer;
  origins: Record<string, string>;
  pinned: Set<string>;
}

function mergeTable(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  path: string[],
  context: MergeContext,
): void {
  for (const [key, value] of Object.entries(source)) {
    const parts = [...path, key];
    const existing = target[key];
    if (isPlainTable(value)) {
      if (!isPlainTable(existing) || presetChanged(parts, existing, value)) {
        forget(context, parts);
        target[key] = {};
      }
      mergeTable(target[key] as Record<string, unknown>, value, parts, context);
      if (Object.keys(value).length === 0) record(context, parts);
      continue;
    }
    target[key] = value;
    record(context, parts);
  }
}

/** A provider table that names another preset replaces the lower one instead of merging into it. */
function presetChanged(
  parts: string[],
  lower: Record<string, unknown>,
  upper: Record<string, unknown>,
): boolean {
  const isProvider = (parts.length === 1 && parts[0] === "provider") ||
    (parts.length === 2 && parts[0] === "providers");
  if (!isProvider || upper.name === undefined) return false;
  const implied = parts[0] === "providers" ? parts[1] : "openai";
  const before = String(lower.name ?? implied).toLowerCase();
  return before !== String(upper.name).toLowerCase();
}

function record(context: MergeContext, parts: string[]): void {
  const { layer } = context;
  const line = layer.text === undefined ? undefined : lineOfPath(layer.text, parts);
  const key = keyPath(parts);
  context.origins[key] = line === undefined ? layer.path : `${layer.path}:${line}`;
  if (layer.kind === "managed") context.pinned.add(key);
}

function forget(context: MergeContext, parts: string[]): void {
  const prefix = keyPath(parts);
  for (const key of Object.keys(context.origins)) {
    if (key === prefix || key.startsWith(`${prefix}.`)) {
      delete context.origins[key];
      context.pinned.delete(key);
    }
  }
}

/** `[models]` in match order: the highest layer's rules first, each pattern once. */
function mergeModels(ordered: readonly ConfigLayer[]): Record<string, string> | undefined {
  const layers = [...ordered].reverse().filter((l) => l.file.models !== undefined);
  if (layers.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const layer of layers) {
    for (const [pattern, target] of Object.entries(layer.file.models ?? {})) {
      if (!(pattern in out)) out[pattern] = target;
    }
  }
  return out;
}

function isPlainTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}
