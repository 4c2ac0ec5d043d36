// JSON text of parsed JSON data at any depth, without recursion.

type Step = { value: unknown; inArray: boolean } | string;

/**
 * Returns what `JSON.stringify(value)` returns for JSON data (what `JSON.parse` gives), with an
 * explicit stack instead of recursion, so a value nested 200,000 levels deep does not overflow
 * the call stack (Bun's `JSON.stringify` throws a RangeError there). `undefined`, functions and
 * symbols are left out of objects and written as `null` in arrays, as `JSON.stringify` does; a
 * value that is itself undefined gives "".
 *
 * @example
 * jsonText({ a: [1, "x", null] }); // '{"a":[1,"x",null]}'
 */
export function jsonText(value: unknown): string {
  const out: string[] = [];
  const stack: Step[] = [{ value, inArray: false }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (typeof step === "string") {
      out.push(step);
      continue;
    }
    const item = step.value;
    if (typeof item !== "object" || item === null) {
      out.push(JSON.stringify(item) ?? (step.inArray ? "null" : ""));
    } else if (Array.isArray(item)) {
      stack.push("]");
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push({ value: item[i], inArray: true });
        if (i > 0) stack.push(",");
      }
      out.push("[");
    } else {
      pushObject(stack, item as Record<string, unknown>);
      out.push("{");
    }
  }
  return out.join("");
}

/** Pushes an object's members (those `JSON.stringify` writes) in reverse, then its closing brace. */
function pushObject(stack: Step[], object: Record<string, unknown>): void {
  const members = Object.entries(object).filter(([, v]) => isWritten(v));
  stack.push("}");
  for (let i = members.length - 1; i >= 0; i--) {
    const [key, member] = members[i]!;
    stack.push({ value: member, inArray: false });
    stack.push(JSON.stringify(key) + ":");
    if (i > 0) stack.push(",");
  }
}

function isWritten(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}
