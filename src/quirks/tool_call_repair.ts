// Quirk `tool_call_repair`: malformed tool calls repaired where unambiguous, else an error. Pure.
//
// GLM, Qwen3-coder, Gemini and local servers send tool calls with an empty or decorated name
// (`functions.Read`), Python-style or trailing-text arguments, cumulative argument snapshots
// instead of fragments, a legacy `function_call`, or `finish_reason: "tool_calls"` with no call.
// Claude Code then answers "No such tool available: " or silently ends the turn. This quirk fixes
// what has one reading and turns the rest into an error the client sees (and may retry).
import { UpstreamError } from "../errors.ts";
import type { ChatCompletionResponse, ChatResponseMessage } from "../wire/openai_types.ts";
import { firstMessage, isRecord } from "./chunk_parts.ts";
import { repairArguments } from "./json_repair.ts";
import type { ChunkTransform } from "../translate/openai/stream_pipeline.ts";
import type { Quirk, QuirkResponseContext } from "./quirk.ts";
import {
  MALFORMED_FINISH,
  noCallMessage,
  notObjectMessage,
  repairName,
  TOOL_FINISH_REASONS,
  TRUNCATED_FINISH,
} from "./tool_call_fixes.ts";
import { ToolCallStreamRepair } from "./tool_call_stream.ts";

/** The quirk: repair tool calls in whole answers and in streams. */
export const toolCallRepair: Quirk = {
  name: "tool_call_repair",
  summary:
    "Malformed tool calls repaired where unambiguous, else a clear error (never a silent stop)",
  response(res: ChatCompletionResponse, ctx: QuirkResponseContext): ChatCompletionResponse {
    const message = firstMessage(res);
    const choice = res.choices?.find((c) => (c?.index ?? 0) === 0) ?? res.choices?.[0];
    if (!message || !choice) return res;
    adoptLegacyCall(message);
    const calls = (message.tool_calls ?? []).filter((call) => call != null);
    const reason = choice.finish_reason ?? "";
    if (calls.length === 0 && (TOOL_FINISH_REASONS.has(reason) || MALFORMED_FINISH.test(reason))) {
      throw new UpstreamError(502, "api_error", noCallMessage(reason));
    }
    const tools = ctx.request.tools ?? [];
    for (const call of calls) {
      const fn: { name?: string; arguments?: string } = call.function ?? {};
      call.function = fn as { name: string; arguments: string };
      const given: unknown = fn.arguments;
      const raw = typeof given === "string" ? given : given == null ? "" : JSON.stringify(given);
      const args = repairArguments(raw);
      if (args === undefined && !TRUNCATED_FINISH.has(reason)) {
        throw new UpstreamError(502, "api_error", notObjectMessage(fn.name ?? "", raw));
      }
      if (args !== undefined && args !== raw) {
        ctx.note(`tool_call_repair: repaired the arguments of "${fn.name ?? ""}"`);
      }
      if (args !== undefined) fn.arguments = args;
      fn.name = repairName(fn.name ?? "", args ?? "", tools, ctx);
    }
    return res;
  },
  chunks(ctx: QuirkResponseContext): ChunkTransform {
    return new ToolCallStreamRepair(ctx);
  },
};

/** A legacy `function_call` on a message without `tool_calls` becomes one tool call. */
function adoptLegacyCall(message: ChatResponseMessage): void {
  const legacy = message.function_call;
  if (!isRecord(legacy) || (message.tool_calls?.length ?? 0) > 0) return;
  const name = typeof legacy.name === "string" ? legacy.name : "";
  const args = typeof legacy.arguments === "string" ? legacy.arguments : "";
  message.tool_calls = [{ type: "function", function: { name, arguments: args } }];
}
