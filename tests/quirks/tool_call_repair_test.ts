// Tests for repairing malformed tool calls in whole answers and in streams (shapes from EDGE_CASES rows 11–12).
import assert from "node:assert/strict";
import { ProxyError } from "../../src/errors.ts";
import { inferToolName, matchToolName } from "../../src/quirks/tool_call_fixes.ts";
import { toolCallRepair } from "../../src/quirks/tool_call_repair.ts";
import type { StreamEvent } from "../../src/wire/anthropic_types.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionResponse,
  ChatTool,
  ChatToolCallDelta,
} from "../../src/wire/openai_types.ts";
import { StreamTranslator } from "../../src/translate/openai/stream.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

function tool(name: string, properties: string[], required = properties): ChatTool {
  return {
    type: "function",
    function: {
      name,
      parameters: {
        type: "object",
        properties: Object.fromEntries(properties.map((p) => [p, { type: "string" }])),
        required,
      },
    },
  };
}

const TOOLS = [tool("Read", ["file_path", "offset"], ["file_path"]), tool("Bash", ["command"])];

function context() {
  return quirkContext({ request: { tools: TOOLS } });
}

function answer(calls: unknown[], finish = "tool_calls"): ChatCompletionResponse {
  return {
    choices: [{
      message: { content: null, tool_calls: calls as never },
      finish_reason: finish,
    }],
  };
}

function callOf(name: string, args: string) {
  return { id: "call_1", type: "function", function: { name, arguments: args } };
}

Deno.test("matchToolName strips provider prefixes and letter case when one tool matches", () => {
  assert.equal(matchToolName("Read", TOOLS), "Read");
  assert.equal(matchToolName("functions.Read", TOOLS), "Read");
  assert.equal(matchToolName("default_api:bash", TOOLS), "Bash");
  assert.equal(matchToolName("Write", TOOLS), undefined);
});

Deno.test("inferToolName picks the only tool whose schema fits the argument keys", () => {
  assert.equal(inferToolName('{"command": "ls"}', TOOLS), "Bash");
  assert.equal(inferToolName('{"file_path": "/a", "offset": "1"}', TOOLS), "Read");
  assert.equal(inferToolName('{"other": 1}', TOOLS), undefined);
  assert.equal(inferToolName("not json", [TOOLS[0]!]), "Read");
});

Deno.test("tool_call_repair names a nameless call and fixes Python-style arguments", () => {
  const ctx = context();
  const res = toolCallRepair.response!(
    answer([callOf("", "{'command': 'ls -la'}"), callOf("functions.Read", '{"file_path": "/a"}')]),
    ctx,
  );
  const calls = res.choices[0]!.message.tool_calls!;
  assert.deepEqual(calls.map((c) => c.function!.name), ["Bash", "Read"]);
  assert.deepEqual(JSON.parse(calls[0]!.function!.arguments!), { command: "ls -la" });
  assert.equal(ctx.notes.length, 3);
});

Deno.test("tool_call_repair turns a promised call that never came into an error", () => {
  assert.throws(
    () => toolCallRepair.response!(answer([]), context()),
    (error: unknown) =>
      error instanceof ProxyError && error.status === 502 &&
      error.message === 'Upstream finished with "tool_calls" but sent no tool call',
  );
  assert.throws(
    () => toolCallRepair.response!(answer([], "MALFORMED_FUNCTION_CALL"), context()),
    /could not form a tool call/,
  );
});

Deno.test("tool_call_repair refuses a nameless call it cannot attribute", () => {
  assert.throws(
    () => toolCallRepair.response!(answer([callOf("", '{"x": 1}')]), context()),
    /without a name/,
  );
});

Deno.test("tool_call_repair refuses arguments that cannot be read, unless the answer was cut off", () => {
  assert.throws(
    () => toolCallRepair.response!(answer([callOf("Bash", '{"command": "ls')]), context()),
    /not a JSON object/,
  );
  const cut = toolCallRepair.response!(
    answer([callOf("Bash", '{"command": "ls')], "length"),
    context(),
  );
  assert.equal(cut.choices[0]!.message.tool_calls![0]!.function!.arguments, '{"command": "ls');
});

Deno.test("tool_call_repair adopts a legacy function_call", () => {
  const res: ChatCompletionResponse = {
    choices: [{
      message: { content: null, function_call: { name: "Bash", arguments: '{"command": "pwd"}' } },
      finish_reason: "function_call",
    }],
  };
  const calls = toolCallRepair.response!(res, context()).choices[0]!.message.tool_calls!;
  assert.equal(calls[0]!.function!.name, "Bash");
});

// --- streams ---

function fragment(delta: ChatToolCallDelta, finish: string | null = null): ChatCompletionChunk {
  return { choices: [{ index: 0, delta: { tool_calls: [delta] }, finish_reason: finish }] };
}

function finishChunk(reason: string): ChatCompletionChunk {
  return { choices: [{ index: 0, delta: {}, finish_reason: reason }] };
}

/** Runs chunks through the quirk's transform and the translator. */
function run(chunks: ChatCompletionChunk[]): StreamEvent[] {
  const transform = toolCallRepair.chunks!(context())!;
  const translator = new StreamTranslator({
    model: "claude-test",
    messageId: "msg_1",
    signature: "sig",
    newToolId: () => "toolu_new",
  });
  const events: StreamEvent[] = [];
  const feed = (out: ChatCompletionChunk[]) => {
    for (const chunk of out) {
      if (chunk.error) {
        events.push(...translator.fail({ type: "api_error", message: chunk.error.message ?? "" }));
      } else events.push(...translator.push(chunk));
    }
  };
  for (const chunk of chunks) feed(transform.push(chunk));
  feed(transform.flush());
  events.push(...translator.finish());
  return events;
}

function toolInputs(events: StreamEvent[]): Array<{ name: string; input: unknown }> {
  const out: Array<{ name: string; json: string }> = [];
  for (const event of events) {
    if (event.type === "content_block_start" && event.content_block.type === "tool_use") {
      out.push({ name: event.content_block.name, json: "" });
    } else if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
      out[out.length - 1]!.json += event.delta.partial_json;
    }
  }
  return out.map(({ name, json }) => ({ name, input: JSON.parse(json || "{}") }));
}

Deno.test("tool_call_repair cuts cumulative argument snapshots down to the new text", () => {
  const events = run([
    fragment({ index: 0, id: "call_1", function: { name: "Bash", arguments: '{"command"' } }),
    fragment({ index: 0, function: { arguments: '{"command": "ls' } }),
    fragment({ index: 0, function: { arguments: '{"command": "ls -la"}' } }),
    finishChunk("tool_calls"),
  ]);
  assert.deepEqual(toolInputs(events), [{ name: "Bash", input: { command: "ls -la" } }]);
});

Deno.test("tool_call_repair streams the repaired rest of Python-style arguments", () => {
  const events = run([
    fragment({ index: 0, id: "call_1", function: { name: "Bash", arguments: "{" } }),
    fragment({ index: 0, function: { arguments: "'command': " } }),
    fragment({ index: 0, function: { arguments: "'pwd'}" } }),
    finishChunk("tool_calls"),
  ]);
  assert.deepEqual(toolInputs(events), [{ name: "Bash", input: { command: "pwd" } }]);
});

Deno.test("tool_call_repair drops text after the arguments object in a stream", () => {
  const events = run([
    fragment({ index: 0, id: "c", function: { name: "Bash", arguments: '{"command": "ls"} <|' } }),
    fragment({ index: 0, function: { arguments: "end|>" } }),
    finishChunk("tool_calls"),
  ]);
  assert.deepEqual(toolInputs(events), [{ name: "Bash", input: { command: "ls" } }]);
});

Deno.test("tool_call_repair names a streamed nameless call at the end and maps decorated names", () => {
  const events = run([
    fragment({ index: 0, id: "a", function: { name: "", arguments: '{"command": "ls"}' } }),
    fragment({ index: 1, id: "b", function: { name: "functions.Read", arguments: "{}" } }),
    fragment({ index: 1, function: { arguments: "" } }, "tool_calls"),
  ]);
  assert.deepEqual(toolInputs(events).map((t) => t.name), ["Bash", "Read"]);
});

Deno.test("tool_call_repair ends a stream that promised tool calls and sent none with an error", () => {
  const events = run([
    { choices: [{ index: 0, delta: { content: "Let me read it." } }] },
    finishChunk("tool_calls"),
  ]);
  const last = events.at(-1);
  assert.equal(last?.type, "error");
  assert.match(last?.type === "error" ? last.error.message : "", /sent no tool call/);
  assert.ok(!events.some((e) => e.type === "message_stop"));
});

Deno.test("tool_call_repair ends a stream with unreadable arguments with an error", () => {
  const events = run([
    fragment({ index: 0, id: "c", function: { name: "Bash", arguments: '{"command": ls}' } }),
    finishChunk("tool_calls"),
  ]);
  const last = events.at(-1);
  assert.match(last?.type === "error" ? last.error.message : "", /"Bash".*not a JSON object/);
});

Deno.test("tool_call_repair passes a well-formed stream through unchanged", () => {
  const chunks = [
    fragment({ index: 0, id: "c", function: { name: "Bash", arguments: '{"comm' } }),
    fragment({ index: 0, function: { arguments: 'and": "ls"}' } }),
    finishChunk("tool_calls"),
  ];
  const transform = toolCallRepair.chunks!(context())!;
  const before = JSON.stringify(chunks);
  const out = chunks.flatMap((c) => transform.push(c));
  assert.equal(JSON.stringify(out), before);
  assert.deepEqual(transform.flush(), []);
});

Deno.test("tool_call_repair serialises arguments sent as an object", () => {
  const res = toolCallRepair.response!(
    answer([{
      id: "c",
      type: "function",
      function: { name: "Bash", arguments: { command: "ls" } },
    }]),
    context(),
  );
  assert.equal(res.choices[0]!.message.tool_calls![0]!.function!.arguments, '{"command":"ls"}');
});
