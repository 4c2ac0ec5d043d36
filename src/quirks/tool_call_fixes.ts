// Tool-call fixes shared by the whole-answer and streaming halves of `tool_call_repair`. Pure.
import { UpstreamError } from "../errors.ts";
import type { ChatTool } from "../wire/openai_types.ts";
import { isRecord } from "./chunk_parts.ts";
import type { QuirkResponseContext } from "./quirk.ts";

/** Finish reasons that say tool calls follow. */
export const TOOL_FINISH_REASONS: ReadonlySet<string> = new Set(["tool_calls", "function_call"]);
/** Finish reasons that say the answer was cut off (so its last arguments may be too). */
export const TRUNCATED_FINISH: ReadonlySet<string> = new Set(["length", "max_tokens"]);
/** Finish reasons that say the model failed to form a call (Gemini's MALFORMED_FUNCTION_CALL). */
export const MALFORMED_FINISH = /malformed/i;

const NAME_PREFIXES = /^(?:functions?[.:]|default_api[.:]|tools?[.:])/i;

/**
 * The tool a called name means: the name itself when it is a tool, else the one tool it names
 * once a `functions.` / `default_api:` prefix, whitespace and letter case are set aside.
 */
export function matchToolName(name: string, tools: readonly ChatTool[]): string | undefined {
  const names = tools.map((tool) => tool.function.name);
  if (names.includes(name)) return name;
  const bare = name.trim().replace(NAME_PREFIXES, "");
  if (names.includes(bare)) return bare;
  const folded = names.filter((n) => n.toLowerCase() === bare.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/**
 * The tool a nameless call must be: the only tool, or the only one whose schema fits the
 * argument keys (every required key present, no unknown key).
 */
export function inferToolName(args: string, tools: readonly ChatTool[]): string | undefined {
  if (tools.length === 1) return tools[0]!.function.name;
  let keys: string[];
  try {
    const value: unknown = JSON.parse(args);
    if (!isRecord(value)) return undefined;
    keys = Object.keys(value);
  } catch {
    return undefined;
  }
  const fits = tools.filter((tool) => {
    const schema = tool.function.parameters;
    const properties = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    return required.every((r) => keys.includes(r as string)) &&
      keys.every((k) => properties.includes(k));
  });
  return fits.length === 1 ? fits[0]!.function.name : undefined;
}

/**
 * A repaired name: a decorated name mapped to its tool, an empty one inferred; throws when an
 * empty name cannot be inferred. Unknown non-empty names stay (the client reports them).
 */
export function repairName(
  name: string,
  args: string,
  tools: readonly ChatTool[],
  ctx: QuirkResponseContext,
): string {
  if (name.trim() === "") {
    const inferred = inferToolName(args, tools);
    if (inferred === undefined) {
      throw new UpstreamError(502, "api_error", `Upstream sent a tool call without a name`);
    }
    ctx.note(`tool_call_repair: named a nameless tool call "${inferred}"`);
    return inferred;
  }
  const matched = matchToolName(name, tools);
  if (matched === undefined || matched === name) return name;
  ctx.note(`tool_call_repair: tool "${name}" → "${matched}"`);
  return matched;
}

/** The error message for a finish reason that promised tool calls without any. */
export function noCallMessage(reason: string): string {
  return MALFORMED_FINISH.test(reason)
    ? `Upstream could not form a tool call (finish_reason "${reason}")`
    : `Upstream finished with "${reason}" but sent no tool call`;
}

/** The error message for arguments that are not (and cannot be made) a JSON object. */
export function notObjectMessage(name: string, raw: string): string {
  const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  return `Upstream sent tool call "${name}" with arguments that are not a JSON object: ${shown}`;
}
