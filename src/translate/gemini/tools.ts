// Translates Anthropic `tools` and `tool_choice` into Gemini function declarations and a tool config. Pure.
import type { MessagesRequest } from "../../wire/anthropic_types.ts";
import type {
  GeminiFunctionDeclaration,
  GeminiTool,
  GeminiToolConfig,
} from "../../wire/gemini_types.ts";
import { isRecord } from "../../util/is_record.ts";
import { plural } from "../../util/plural.ts";
import { invalid, quote, stringAt } from "../openai/request_state.ts";
import { type GeminiRequestState, upstreamName } from "./request_state.ts";
import { cleanGeminiSchema } from "./schema.ts";

/** The tool fields of a Gemini request; both absent when no function is sent. */
export interface GeminiToolFields {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

/**
 * Maps the request's tools to one `functionDeclarations` tool, each schema cleaned to the subset
 * Gemini accepts (a copy; the client's schema is not changed), and `tool_choice` to
 * `functionCallingConfig`: auto → AUTO, any → ANY, tool → ANY with that one name, none → NONE.
 * Server tools, a choice naming a tool that is not sent and `disable_parallel_tool_use` are dropped
 * with a note.
 */
export function toGeminiTools(
  req: Pick<MessagesRequest, "tools" | "tool_choice">,
  state: GeminiRequestState,
): GeminiToolFields {
  const declarations = functionDeclarations(req.tools, state);
  const choice: unknown = req.tool_choice;
  if (declarations.length === 0) {
    if (choice !== undefined) state.changes.push("dropped tool_choice (no tools sent)");
    return {};
  }
  const tools = [{ functionDeclarations: declarations }];
  if (choice === undefined) return { tools };
  if (!isRecord(choice)) throw invalid("tool_choice", "expected an object");
  if (choice.disable_parallel_tool_use === true) {
    state.changes.push("dropped tool_choice.disable_parallel_tool_use (Gemini has no such switch)");
  }
  switch (choice.type) {
    case "auto":
      return { tools, toolConfig: { functionCallingConfig: { mode: "AUTO" } } };
    case "any":
      return { tools, toolConfig: { functionCallingConfig: { mode: "ANY" } } };
    case "none":
      return { tools, toolConfig: { functionCallingConfig: { mode: "NONE" } } };
    case "tool": {
      const name = upstreamName(state, stringAt(choice, "name", "tool_choice"));
      if (!declarations.some((declaration) => declaration.name === name)) {
        state.changes.push(`dropped tool_choice: tool ${quote(choice.name)} is not sent`);
        return { tools };
      }
      const functionCallingConfig = { mode: "ANY" as const, allowedFunctionNames: [name] };
      return { tools, toolConfig: { functionCallingConfig } };
    }
    default:
      throw invalid("tool_choice.type", `unsupported tool_choice type ${quote(choice.type)}`);
  }
}

function functionDeclarations(
  tools: unknown,
  state: GeminiRequestState,
): GeminiFunctionDeclaration[] {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) throw invalid("tools", "expected an array of tools");
  const out: GeminiFunctionDeclaration[] = [];
  let cleaned = 0;
  for (let i = 0; i < tools.length; i++) {
    const tool: unknown = tools[i];
    if (!isRecord(tool)) throw invalid(`tools.${i}`, "expected a tool object");
    const name = stringAt(tool, "name", `tools.${i}`);
    if (tool.cache_control !== undefined) state.counts.cacheControl++;
    const schema = tool.input_schema;
    if (!isRecord(schema)) {
      const kind = typeof tool.type === "string" ? ` (${tool.type})` : "";
      state.changes.push(`dropped server tool ${quote(name)}${kind}`);
      continue;
    }
    const declaration: GeminiFunctionDeclaration = { name: upstreamName(state, name) };
    if (typeof tool.description === "string" && tool.description !== "") {
      declaration.description = tool.description;
    }
    const parameters: Record<string, unknown> = { type: "object", ...cleanGeminiSchema(schema) };
    if (JSON.stringify(parameters) !== JSON.stringify(schema)) cleaned++;
    // A function without parameters is declared without a schema: Gemini refuses empty objects.
    if (isRecord(parameters.properties)) declaration.parameters = parameters;
    out.push(declaration);
  }
  if (cleaned > 0) state.changes.push(`cleaned ${plural(cleaned, "tool schema")}`);
  return out;
}
