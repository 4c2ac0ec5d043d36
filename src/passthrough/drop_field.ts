// Removes the `drop_fields` a provider refuses from a Messages body, copy on write. Pure.
import { isRecord } from "../util/is_record.ts";
import { BILLING_HEADER_PREFIX } from "../translate/openai/request.ts";

/** The `drop_fields` entry that removes Claude Code's billing block from `system`. */
const BILLING_HEADER_FIELD = "x-anthropic-billing-header";

/**
 * `body` without the fields `path` names: `key` (top level), `a.b`, `a[].b` (in each element of
 * array `a`), `..key` (anywhere), or `x-anthropic-billing-header` (Claude Code's billing block in
 * `system`). The input is never mutated; `count` is how many fields went.
 */
export function dropField(
  body: Record<string, unknown>,
  path: string,
): { value: unknown; count: number } {
  return path === BILLING_HEADER_FIELD ? dropBillingHeader(body) : dropPath(body, path);
}

/** Copy-on-write removal of a `drop_fields` path; `count` is how many fields went. */
function dropPath(value: unknown, path: string): { value: unknown; count: number } {
  if (path.startsWith("..")) return dropEverywhere(value, path.slice(2));
  return dropAt(value, path.split("."));
}

function dropAt(value: unknown, segments: string[]): { value: unknown; count: number } {
  const [head, ...rest] = segments;
  if (head === undefined || !isRecord(value)) return { value, count: 0 };
  const each = head.endsWith("[]");
  const key = each ? head.slice(0, -2) : head;
  if (!(key in value)) return { value, count: 0 };
  if (rest.length === 0) {
    const { [key]: _, ...others } = value;
    return { value: others, count: 1 };
  }
  const inner = value[key];
  if (!each) {
    const result = dropAt(inner, rest);
    return result.count > 0 ? { value: { ...value, [key]: result.value }, count: result.count } : {
      value,
      count: 0,
    };
  }
  if (!Array.isArray(inner)) return { value, count: 0 };
  let count = 0;
  const items = inner.map((item) => {
    const result = dropAt(item, rest);
    count += result.count;
    return result.value;
  });
  return count > 0 ? { value: { ...value, [key]: items }, count } : { value, count: 0 };
}

function dropEverywhere(value: unknown, key: string): { value: unknown; count: number } {
  if (Array.isArray(value)) {
    let count = 0;
    const items = value.map((item) => {
      const result = dropEverywhere(item, key);
      count += result.count;
      return result.value;
    });
    return count > 0 ? { value: items, count } : { value, count: 0 };
  }
  if (!isRecord(value)) return { value, count: 0 };
  let count = 0;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (name === key) {
      count++;
      continue;
    }
    const result = dropEverywhere(item, key);
    count += result.count;
    out[name] = result.value;
  }
  return count > 0 ? { value: out, count } : { value, count: 0 };
}

/** Removes Claude Code's billing block (`x-anthropic-billing-header: …`) from `system`. */
function dropBillingHeader(body: Record<string, unknown>): { value: unknown; count: number } {
  const system = body.system;
  if (!Array.isArray(system)) return { value: body, count: 0 };
  const kept = system.filter((block) =>
    !(isRecord(block) && typeof block.text === "string" &&
      block.text.startsWith(BILLING_HEADER_PREFIX))
  );
  const count = system.length - kept.length;
  return count > 0 ? { value: { ...body, system: kept }, count } : { value: body, count: 0 };
}
