// Translates Anthropic `tools` and `tool_choice` into OpenAI `tools`, `tool_choice` and `parallel_tool_calls`. Pure.
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import type { ChatCompletionRequest, ChatTool, ChatToolChoice } from "../../wire/openai_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { invalid, quote, type RequestState, stringAt } from "./request_state.ts";

/** The tool fields of an OpenAI request; all three are absent when no tool is sent. */
export type OpenAIToolFields = Pick<
  ChatCompletionRequest,
  "tools" | "tool_choice" | "parallel_tool_calls"
>;

/** Tool fields that are translated, or expected and not needed (`type`, `cache_control`). */
const TOOL_FIELDS: ReadonlySet<string> = new Set([
  "name",
  "description",
  "input_schema",
  "type",
  "cache_control",
]);

/**
 * Maps the request's tools to functions (schemas shared, not copied) and its `tool_choice`;
 * drops server tools and a `tool_choice` naming a tool that is not sent, noting both in `state`.
 */
export function toOpenAITools(
  req: Pick<MessagesRequest, "tools" | "tool_choice">,
  state: RequestState,
): OpenAIToolFields {
  const tools = translateTools(req.tools, state);
  const choice: unknown = req.tool_choice;
  if (tools.length === 0) {
    if (choice !== undefined) state.changes.push("dropped tool_choice (no tools sent)");
    return {};
  }
  if (choice === undefined) return { tools };
  if (!isRecord(choice)) throw invalid("tool_choice", "expected an object");
  let mapped: ChatToolChoice;
  if (choice.type === "auto") mapped = "auto";
  else if (choice.type === "any") mapped = "required";
  else if (choice.type === "none") mapped = "none";
  else if (choice.type === "tool") {
    const name = stringAt(choice, "name", "tool_choice");
    if (!tools.some((tool) => tool.function.name === name)) {
      state.changes.push(`dropped tool_choice: tool ${quote(name)} is not sent`);
      return { tools };
    }
    mapped = { type: "function", function: { name } };
  } else throw invalid("tool_choice.type", `unsupported tool_choice type ${quote(choice.type)}`);
  return choice.disable_parallel_tool_use === true
    ? { tools, tool_choice: mapped, parallel_tool_calls: false }
    : { tools, tool_choice: mapped };
}

function translateTools(tools: unknown, state: RequestState): ChatTool[] {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) throw invalid("tools", "expected an array of tools");
  const out: ChatTool[] = [];
  const stripped = new Set<string>();
  for (let i = 0; i < tools.length; i++) {
    const tool: unknown = tools[i];
    if (!isRecord(tool)) throw invalid(`tools.${i}`, "expected a tool object");
    const name = stringAt(tool, "name", `tools.${i}`);
    if (tool.cache_control !== undefined) state.counts.cacheControl++;
    const parameters = tool.input_schema;
    if (!isRecord(parameters)) {
      const kind = typeof tool.type === "string" ? ` (${tool.type})` : "";
      state.changes.push(`dropped server tool ${quote(name)}${kind}`);
      continue;
    }
    for (const key in tool) if (!TOOL_FIELDS.has(key)) stripped.add(key);
    const description = tool.description;
    const fn: ChatTool["function"] = typeof description === "string"
      ? { name, description, parameters }
      : { name, parameters };
    out.push({ type: "function", function: fn });
  }
  if (stripped.size > 0) state.changes.push(`dropped tool fields ${[...stripped].join(", ")}`);
  return out;
}
