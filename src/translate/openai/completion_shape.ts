// Checks that a whole Chat Completions answer has the shape its translation relies on. Pure.
import { isRecord } from "../../util/is_record.ts";

/**
 * The first place where a parsed Chat Completions answer departs from the shape the quirks and
 * the translation read (choices of objects; a message, tool calls and their function as objects;
 * a function name as a string), as `path: expected …`; undefined when it has that shape. Fields
 * that may be missing or null still may be: a call with no name is the quirks' to repair.
 *
 * @example
 * completionShapeProblem({ choices: [{ message: { tool_calls: {} } }] });
 * // "choices.0.message.tool_calls: expected an array"
 */
export function completionShapeProblem(json: Record<string, unknown>): string | undefined {
  const choices = json.choices;
  if (!Array.isArray(choices)) return "choices: expected an array";
  for (const [i, choice] of choices.entries()) {
    if (!isRecord(choice)) return `choices.${i}: expected an object`;
    const message = choice.message;
    if (message == null) continue;
    if (!isRecord(message)) return `choices.${i}.message: expected an object`;
    const calls = message.tool_calls;
    if (calls == null) continue;
    if (!Array.isArray(calls)) return `choices.${i}.message.tool_calls: expected an array`;
    for (const [j, call] of calls.entries()) {
      const path = `choices.${i}.message.tool_calls.${j}`;
      if (!isRecord(call)) return `${path}: expected an object`;
      const fn = call.function;
      if (fn == null) continue;
      if (!isRecord(fn)) return `${path}.function: expected an object`;
      if (fn.name != null && typeof fn.name !== "string") {
        return `${path}.function.name: expected a string`;
      }
    }
  }
  return undefined;
}
