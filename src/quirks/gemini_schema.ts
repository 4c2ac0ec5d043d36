// Quirk `gemini_schema`: tool and structured-output schemas rewritten into the JSON-Schema subset Gemini accepts. Pure.
//
// The cleaning itself (src/translate/gemini/schema.ts) is shared with the native Gemini format.
import { cleanGeminiSchema } from "../translate/gemini/schema.ts";
import type { ChatCompletionRequest, ChatTool } from "../wire/openai_types.ts";
import { plural } from "./chunk_parts.ts";
import type { Quirk, QuirkContext } from "./quirk.ts";

/**
 * The quirk: clean every tool's parameters and a structured-output schema (copies; the client's
 * schemas are not changed).
 */
export const geminiSchema: Quirk = {
  name: "gemini_schema",
  summary: "Tool and structured-output schemas cleaned to the JSON-Schema subset Gemini accepts",
  request(req: ChatCompletionRequest, ctx: QuirkContext): ChatCompletionRequest {
    cleanResponseFormat(req, ctx);
    if (!req.tools || req.tools.length === 0) return req;
    let changed = 0;
    req.tools = req.tools.map((tool): ChatTool => {
      const parameters = { type: "object", ...cleanGeminiSchema(tool.function.parameters) };
      if (JSON.stringify(parameters) !== JSON.stringify(tool.function.parameters)) changed++;
      return { ...tool, function: { ...tool.function, parameters } };
    });
    if (changed > 0) ctx.note(`gemini_schema: cleaned ${plural(changed, "tool schema")}`);
    return req;
  },
};

/** Cleans a `response_format` json_schema; a schema that changed is no longer sent as strict. */
function cleanResponseFormat(req: ChatCompletionRequest, ctx: QuirkContext): void {
  const format = req.response_format;
  if (format?.type !== "json_schema") return;
  const schema = cleanGeminiSchema(format.json_schema.schema);
  if (JSON.stringify(schema) === JSON.stringify(format.json_schema.schema)) return;
  req.response_format = {
    type: "json_schema",
    json_schema: { ...format.json_schema, schema, strict: false },
  };
  ctx.note("gemini_schema: cleaned the response_format schema");
}
