// Structured output (`output_config.format`): reading the schema, OpenAI's strict-mode rules, the schema as an instruction, and checking an answer against it. Pure.
import { InvalidRequestError } from "../../errors.ts";
import type { MessagesRequestFields } from "../../wire/anthropic_types.ts";
import { isRecord } from "../../util/is_record.ts";

/** A JSON schema (an object; its keywords are read, never trusted). */
export type JsonSchema = Record<string, unknown>;

/** The structured output a request asks for: a JSON value matching `schema`. */
export interface JsonOutputFormat {
  type: "json_schema";
  schema: JsonSchema;
}

/** The result of {@linkcode checkJsonAnswer}: the answer's JSON text, or what is wrong with it. */
export type JsonAnswerCheck = { ok: true; text: string } | { ok: false; problem: string };

/** Keywords OpenAI's strict mode refuses; a schema using one is sent with `strict: false`. */
const NON_STRICT_KEYWORDS: ReadonlySet<string> = new Set([
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "dependentRequired",
  "dependentSchemas",
  "unevaluatedProperties",
  "minProperties",
  "maxProperties",
]);
/** Sub-schema holders walked by the checks. */
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;
const SCHEMA_MAPS = ["properties", "$defs", "definitions"] as const;
/** How deep the checks walk a schema or a value; deeper parts are taken as they are. */
const MAX_DEPTH = 64;

/**
 * The structured output a request asks for: `output_config.format`, or the beta's top-level
 * `output_format`. Undefined when it asks for none; a malformed one is a 400 naming its path.
 *
 * @example
 * ```ts
 * outputFormatOf({ ...body, output_config: { format: { type: "json_schema", schema } } });
 * // → { type: "json_schema", schema }
 * ```
 */
export function outputFormatOf(req: MessagesRequestFields): JsonOutputFormat | undefined {
  const config = isRecord(req.output_config) ? req.output_config : undefined;
  const [format, path] = config?.format !== undefined && config.format !== null
    ? [config.format, "output_config.format"]
    : [req.output_format, "output_format"];
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format.type !== "json_schema") {
    throw new InvalidRequestError(`${path}.type: expected "json_schema"`);
  }
  if (!isRecord(format.schema)) {
    throw new InvalidRequestError(`${path}.schema: expected a JSON schema object`);
  }
  return { type: "json_schema", schema: format.schema };
}

/**
 * Whether OpenAI's strict mode can take `schema` as it is: an object at the root, every object
 * closed (`additionalProperties: false`) with all its properties required, no keyword strict mode
 * refuses.
 */
export function isStrictCompatible(schema: JsonSchema): boolean {
  return schema.type === "object" && strictNode(schema, 0);
}

function strictNode(node: unknown, depth: number): boolean {
  if (!isRecord(node)) return typeof node === "boolean";
  if (depth > MAX_DEPTH) return false;
  for (const key of Object.keys(node)) if (NON_STRICT_KEYWORDS.has(key)) return false;
  const isObject = node.type === "object" ||
    (Array.isArray(node.type) && node.type.includes("object")) || isRecord(node.properties);
  if (isObject) {
    if (node.additionalProperties !== false) return false;
    const keys = isRecord(node.properties) ? Object.keys(node.properties) : [];
    const required = Array.isArray(node.required) ? node.required : [];
    if (!keys.every((key) => required.includes(key))) return false;
  }
  return subSchemas(node).every((child) => strictNode(child, depth + 1));
}

/** The schemas directly inside `node`: properties, items, definitions and combinations. */
function subSchemas(node: JsonSchema): unknown[] {
  const out: unknown[] = [];
  for (const key of SCHEMA_MAPS) {
    const map = node[key];
    if (isRecord(map)) out.push(...Object.values(map));
  }
  for (const key of SCHEMA_LISTS) {
    const list = node[key];
    if (Array.isArray(list)) out.push(...list);
  }
  if (node.items !== undefined) {
    out.push(...(Array.isArray(node.items) ? node.items : [node.items]));
  }
  if (isRecord(node.additionalProperties)) out.push(node.additionalProperties);
  return out;
}

/** A name for the schema that OpenAI accepts (`^[a-zA-Z0-9_-]{1,64}$`): its title, else "output". */
export function schemaName(schema: JsonSchema): string {
  const title = typeof schema.title === "string" ? schema.title : "";
  const name = title.replace(/[^a-zA-Z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
  return name === "" ? "output" : name;
}

/** The schema without the keys that only describe it (`$schema`), as sent upstream. */
export function upstreamSchema(schema: JsonSchema): JsonSchema {
  if (!("$schema" in schema)) return schema;
  const { $schema: _, ...rest } = schema;
  return rest;
}

/** The system-prompt text that asks a provider without structured output for the schema. */
export function schemaInstruction(schema: JsonSchema): string {
  return "Answer with one JSON value that matches this JSON schema, and nothing else: no prose " +
    `before or after it, no code fence.\n<json_schema>\n${JSON.stringify(schema)}\n</json_schema>`;
}

/**
 * Checks a whole answer against the schema: it must be one JSON value (a code fence around it is
 * removed) that matches the schema's types, required and allowed properties, enums and constants.
 * Other keywords are not checked. `text` is the answer as sent on: the JSON without the fence.
 *
 * @example
 * ```ts
 * checkJsonAnswer('{"title": "Say pong"}', schema); // → { ok: true, text: '{"title": "Say pong"}' }
 * checkJsonAnswer("Sure! Here it is", schema);      // → { ok: false, problem: "not JSON: …" }
 * ```
 */
export function checkJsonAnswer(answer: string, schema: JsonSchema): JsonAnswerCheck {
  const text = withoutFence(answer.trim());
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: `not JSON: ${JSON.stringify(clip(answer))}` };
  }
  const problem = schemaProblem(value, schema, "$", 0);
  return problem === undefined ? { ok: true, text } : { ok: false, problem };
}

function withoutFence(text: string): string {
  const match = /^```[a-zA-Z]*[ \t]*\n([\s\S]*?)\n?```$/.exec(text);
  return match ? match[1]!.trim() : text;
}

function clip(text: string): string {
  return text.length <= 120 ? text : `${text.slice(0, 119)}…`;
}

/** The first way `value` breaks `schema`, as "path: problem"; undefined when none is found. */
function schemaProblem(
  value: unknown,
  schema: unknown,
  path: string,
  depth: number,
): string | undefined {
  if (schema === false) return `${path}: not allowed`;
  if (!isRecord(schema) || depth > MAX_DEPTH) return undefined;
  if (schema.type !== undefined && !matchesType(value, schema.type)) {
    return `${path}: expected ${typeNames(schema.type)}, got ${jsonType(value)}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => sameJson(option, value))) {
    return `${path}: expected one of ${JSON.stringify(schema.enum)}`;
  }
  if ("const" in schema && !sameJson(schema.const, value)) {
    return `${path}: expected ${JSON.stringify(schema.const)}`;
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (
      Array.isArray(options) && options.length > 0 &&
      options.every((option) => schemaProblem(value, option, path, depth + 1) !== undefined)
    ) {
      return `${path}: matches none of the schema's ${key} options`;
    }
  }
  if (isRecord(value)) return objectProblem(value, schema, path, depth);
  if (Array.isArray(value) && schema.items !== undefined && !Array.isArray(schema.items)) {
    for (let i = 0; i < value.length; i++) {
      const problem = schemaProblem(value[i], schema.items, `${path}[${i}]`, depth + 1);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function objectProblem(
  value: Record<string, unknown>,
  schema: JsonSchema,
  path: string,
  depth: number,
): string | undefined {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const key of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof key === "string" && !Object.hasOwn(value, key)) {
      return `${path}: missing required property ${JSON.stringify(key)}`;
    }
  }
  for (const [key, item] of Object.entries(value)) {
    const itemPath = `${path}.${key}`;
    if (Object.hasOwn(properties, key)) {
      const problem = schemaProblem(item, properties[key], itemPath, depth + 1);
      if (problem !== undefined) return problem;
    } else if (schema.additionalProperties === false) {
      return `${itemPath}: property not allowed by the schema`;
    } else if (isRecord(schema.additionalProperties)) {
      const problem = schemaProblem(item, schema.additionalProperties, itemPath, depth + 1);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function matchesType(value: unknown, type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) =>
    typeof t !== "string" || t === jsonType(value) ||
    (t === "number" && jsonType(value) === "integer")
  );
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeNames(type: unknown): string {
  return Array.isArray(type) ? type.map(String).join(" or ") : String(type);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
