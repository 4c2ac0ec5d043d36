// Quirk `gemini_schema`: tool schemas rewritten into the JSON-Schema subset Gemini accepts. Pure.
//
// The cleaning itself (src/translate/gemini/schema.ts) is shared with the native Gemini format.
import { cleanGeminiSchema } from "../translate/gemini/schema.ts";
import type { ChatCompletionRequest, ChatTool } from "../wire/openai_types.ts";
import { plural } from "./chunk_parts.ts";
import type { Quirk, QuirkContext } from "./registry.ts";

/** The quirk: clean every tool's parameters (copies; the client's schemas are not changed). */
export const geminiSchema: Quirk = {
  name: "gemini_schema",
  summary: "Tool schemas cleaned to the JSON-Schema subset Gemini accepts",
  request(req: ChatCompletionRequest, ctx: QuirkContext): ChatCompletionRequest {
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
