// Tool schemas rewritten into the JSON-Schema subset Gemini's function declarations accept. Pure.
//
// Gemini's function declarations take an OpenAPI-style subset and refuse the rest: `Unknown name
// "exclusiveMinimum"`, `properties: should be non-empty for OBJECT type`, `format: only 'enum' and
// 'date-time'`. The cleaner keeps only the keywords Gemini knows, at keyword positions only: the
// keys of `properties` are property names, so a property called `default` or `format` is kept.
import { isRecord } from "../../util/is_record.ts";

type Schema = Record<string, unknown>;

/** Keywords copied as they are, for any type. */
const PLAIN_KEYWORDS: readonly string[] = ["title", "description", "nullable"];

/** Keywords copied as they are for one type only (or when the type is not known). */
const TYPED_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  string: ["minLength", "maxLength", "pattern"],
  number: ["minimum", "maximum"],
  integer: ["minimum", "maximum"],
  array: ["minItems", "maxItems"],
  object: ["minProperties", "maxProperties", "propertyOrdering"],
};

/** The `format` values Gemini accepts, by type. */
const FORMATS: Readonly<Record<string, readonly string[]>> = {
  string: ["enum", "date-time"],
  number: ["float", "double"],
  integer: ["int32", "int64"],
};

const MAX_REF_DEPTH = 8;

interface Walk {
  /** `$defs` / `definitions` of the root, for local `$ref`s. */
  defs: Schema;
  depth: number;
}

/**
 * Rewrites a JSON Schema into the subset Gemini accepts; never changes its input.
 *
 * - drops `$schema`, `additionalProperties`, `exclusiveMinimum`/`Maximum`, `propertyNames`,
 *   `examples`, `default` and every other keyword Gemini does not know, and unsupported `format`s;
 * - `const` becomes a one-value `enum`; non-string enums move into the description;
 * - a type list becomes `nullable` (with `"null"`) and/or `anyOf`; `oneOf` becomes `anyOf`, a
 *   `null` branch becomes `nullable`, one-member `anyOf`/`allOf` are inlined;
 * - empty `properties` are dropped, `required` keeps only listed properties, and `properties` or
 *   `required` on a node without a type makes it an object; local `$ref`s are inlined.
 *
 * @example
 * ```ts
 * cleanGeminiSchema({ type: "object", properties: { default: { type: ["string", "null"] } } });
 * // → { type: "object", properties: { default: { type: "string", nullable: true } } }
 * ```
 */
export function cleanGeminiSchema(schema: Schema): Schema {
  const defs = { ...asSchema(schema.definitions), ...asSchema(schema.$defs) };
  return cleanNode(schema, { defs, depth: 0 });
}

function cleanNode(input: Schema, walk: Walk): Schema {
  const node = resolveRef(input, walk);
  if (node !== input) return cleanNode(node, { ...walk, depth: walk.depth + 1 });
  const union = unionOf(node, walk);
  if (union) return union;
  if (Array.isArray(node.type)) return typeList(node, node.type, walk);
  const out: Schema = {};
  let type = typeof node.type === "string" ? node.type : undefined;
  if (type === undefined && (isRecord(node.properties) || Array.isArray(node.required))) {
    type = "object";
  }
  if (type === "null") return { nullable: true, ...describe(node) };
  if (type !== undefined) out.type = type;
  const typed = type === undefined ? Object.values(TYPED_KEYWORDS).flat() : TYPED_KEYWORDS[type];
  for (const key of [...PLAIN_KEYWORDS, ...typed ?? []]) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  const format = node.format;
  if (typeof format === "string" && type !== undefined && FORMATS[type]?.includes(format)) {
    out.format = format;
  }
  copyEnum(node, out);
  if (type === "object") copyProperties(node, out, walk);
  if (type === "array" || (type === undefined && node.items !== undefined)) {
    const items = Array.isArray(node.items) ? node.items[0] : node.items;
    if (isRecord(items)) out.items = cleanNode(items, walk);
  }
  return out;
}

/** `anyOf` / `oneOf` / `allOf`: `null` branches become `nullable`, single branches are inlined. */
function unionOf(node: Schema, walk: Walk): Schema | undefined {
  const key = ["anyOf", "oneOf", "allOf"].find((k) => Array.isArray(node[k]));
  if (key === undefined) return undefined;
  const { [key]: raw, ...rest } = node;
  const branches = (raw as unknown[]).filter(isRecord);
  const nullable = branches.some((b) => b.type === "null");
  const kept = branches.filter((b) => b.type !== "null");
  if (key === "allOf" && kept.length > 1) return cleanNode(mergeAll(rest, kept), walk);
  if (kept.length <= 1) {
    const merged = cleanNode({ ...rest, ...kept[0] }, walk);
    return nullable ? { ...merged, nullable: true } : merged;
  }
  const out: Schema = { ...describe(rest), anyOf: kept.map((b) => cleanNode(b, walk)) };
  if (nullable || rest.nullable === true) out.nullable = true;
  return out;
}

/** `type: ["string", "null"]` → `nullable`; several types → `anyOf` of one branch each. */
function typeList(node: Schema, types: unknown[], walk: Walk): Schema {
  const names = types.filter((t): t is string => typeof t === "string");
  const nullable = names.includes("null");
  const kept = names.filter((t) => t !== "null");
  const { type: _type, ...rest } = node;
  if (kept.length <= 1) {
    const one = cleanNode(kept.length === 1 ? { ...rest, type: kept[0] } : rest, walk);
    return nullable ? { ...one, nullable: true } : one;
  }
  const { description: _description, title: _title, ...constraints } = rest;
  const out: Schema = {
    ...describe(rest),
    anyOf: kept.map((type) => cleanNode({ ...constraints, type }, walk)),
  };
  if (nullable) out.nullable = true;
  return out;
}

function copyEnum(node: Schema, out: Schema): void {
  const values = Array.isArray(node.enum)
    ? node.enum
    : node.const !== undefined
    ? [node.const]
    : undefined;
  if (values === undefined) return;
  if (values.every((v) => typeof v === "string")) {
    out.enum = values;
    out.type ??= "string";
    return;
  }
  const list = values.map((v) => JSON.stringify(v)).join(", ");
  const text = `Allowed values: ${list}`;
  out.description = typeof out.description === "string" ? `${out.description} (${text})` : text;
}

function copyProperties(node: Schema, out: Schema, walk: Walk): void {
  const properties = asSchema(node.properties);
  const names = Object.keys(properties);
  if (names.length === 0) return;
  const cleaned: Schema = {};
  for (const name of names) {
    const property = properties[name];
    cleaned[name] = isRecord(property) ? cleanNode(property, walk) : {};
  }
  out.properties = cleaned;
  if (Array.isArray(node.required)) {
    const required = node.required.filter((n) => typeof n === "string" && n in cleaned);
    if (required.length > 0) out.required = required;
  }
}

/** Follows a local `$ref` ("#/$defs/X" or "#/definitions/X"); unknown refs become `{}`. */
function resolveRef(node: Schema, walk: Walk): Schema {
  if (typeof node.$ref !== "string") return node;
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(node.$ref);
  const target = match ? walk.defs[match[1]!] : undefined;
  const { $ref: _ref, ...rest } = node;
  if (!isRecord(target) || walk.depth >= MAX_REF_DEPTH) return { ...describe(rest) };
  return { ...target, ...rest };
}

function mergeAll(rest: Schema, branches: Schema[]): Schema {
  const merged: Schema = { ...rest };
  const properties: Schema = {};
  const required: unknown[] = [];
  for (const branch of branches) {
    Object.assign(merged, branch);
    Object.assign(properties, asSchema(branch.properties));
    if (Array.isArray(branch.required)) required.push(...branch.required);
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.length > 0) merged.required = [...new Set(required)];
  return merged;
}

function describe(node: Schema): Schema {
  const out: Schema = {};
  if (typeof node.title === "string") out.title = node.title;
  if (typeof node.description === "string") out.description = node.description;
  return out;
}

function asSchema(value: unknown): Schema {
  return isRecord(value) ? value : {};
}
