// End to end with the real Claude Code CLI through the passthrough: claude -p → proxy → mock Anthropic
// upstream, with a thinking block and a Bash tool round trip.
import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";
import { CLAUDE_CODE_VERSIONS, claudeCodeTest, runClaudeCode } from "../helpers/claude_cli.ts";
import { jsonResponse, type RecordedRequest, streamResponse } from "../helpers/mock_upstream.ts";

const MARKER = "passthrough-e2e-5c20d7";
const KEY = "sk-ant-e2e-upstream-0123456789";
const SIGNATURE = "EpMCCkYIBxgCKkBmockSignatureFromTheUpstream+/w==";

type Block = Record<string, unknown>;

/** The Anthropic stream events for one assistant message made of `blocks`. */
function events(model: string, blocks: Block[], stopReason: string): unknown[] {
  const out: unknown[] = [{
    type: "message_start",
    message: {
      id: "msg_mock_1",
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 50, output_tokens: 1 },
    },
  }];
  blocks.forEach((block, index) => {
    if (block.type === "thinking") {
      out.push({
        type: "content_block_start",
        index,
        content_block: { ...block, thinking: "", signature: "" },
      });
      out.push({
        type: "content_block_delta",
        index,
        delta: { type: "thinking_delta", thinking: block.thinking },
      });
      out.push({
        type: "content_block_delta",
        index,
        delta: { type: "signature_delta", signature: block.signature },
      });
    } else if (block.type === "tool_use") {
      out.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input);
      for (let i = 0; i < json.length; i += 9) {
        out.push({
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: json.slice(i, i + 9) },
        });
      }
    } else {
      out.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      out.push({
        type: "content_block_delta",
        index,
        delta: { type: "text_delta", text: block.text },
      });
    }
    out.push({ type: "content_block_stop", index });
  });
  out.push({
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: 12 },
  });
  out.push({ type: "message_stop" });
  return out;
}

function toolResult(request: MessagesRequest): string | undefined {
  for (const message of request.messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_result" && block.tool_use_id === "toolu_bash_1") {
        return typeof block.content === "string"
          ? block.content
          : (block.content ?? []).map((b) => ("text" in b ? b.text : "")).join("");
      }
    }
  }
  return undefined;
}

/** A scripted Anthropic model: a Bash call with thinking, then a summary of the tool's output. */
function anthropicModel(req: RecordedRequest): Response {
  const request = req.json<MessagesRequest>();
  const result = toolResult(request);
  let blocks: Block[];
  let stop = "end_turn";
  if (result !== undefined) {
    blocks = [{ type: "text", text: `The command printed: ${result.trim()}` }];
  } else if (request.tools?.some((tool) => tool.name === "Bash")) {
    blocks = [
      { type: "thinking", thinking: "I should run the marker command.", signature: SIGNATURE },
      {
        type: "tool_use",
        id: "toolu_bash_1",
        name: "Bash",
        input: { command: `echo ${MARKER}`, description: "Print the marker" },
      },
    ];
    stop = "tool_use";
  } else {
    blocks = [{ type: "text", text: "ok" }];
  }
  if (!request.stream) {
    return jsonResponse({
      id: "msg_mock_1",
      type: "message",
      role: "assistant",
      model: request.model,
      content: blocks,
      stop_reason: stop,
      stop_sequence: null,
      usage: { input_tokens: 50, output_tokens: 12 },
    });
  }
  const frames = events(request.model, blocks, stop).map((event) =>
    `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`
  );
  return streamResponse(frames, {
    signal: req.signal,
    headers: { "content-type": "text/event-stream", "request-id": "req_mock" },
  });
}

for (const version of CLAUDE_CODE_VERSIONS) {
  Deno.test({
    name:
      `Claude Code ${version} runs a Bash tool round trip through the passthrough to an Anthropic upstream`,
    ...claudeCodeTest(version),
    fn: async () => {
      const run = await runClaudeCode({
        version,
        upstream: anthropicModel,
        config: (url) =>
          resolveConfig({
            cli: {},
            env: {},
            file: {
              providers: {
                anthropic: { base_url: url, api_key: KEY },
                "deepseek-anthropic": { base_url: url, api_key: "sk-unused-0123456789" },
              },
              models: { "*": "claude-mock-1@anthropic" },
              upstream: { retries: 0 },
            },
            source: "test",
          }),
        prompt: "Run the marker command and tell me what it printed.",
        args: ["--allowedTools", "Bash"],
      });
      const requests = run.mock.requests;
      assert.equal(run.code, 0, `claude failed:\n${run.stderr}\n${run.stdout}`);
      assert.match(run.stdout, new RegExp(`The command printed: ${MARKER}`));
      const turns = requests.filter((r) =>
        r.path === "/v1/messages" &&
        r.json<MessagesRequest>().tools?.some((tool) => tool.name === "Bash")
      );
      assert.ok(turns.length >= 2, `expected two turns with tools, got ${turns.length}`);
      for (const turn of requests) {
        assert.equal(turn.headers["x-api-key"], KEY, "the provider's key, not the client's");
        assert.ok(turn.headers["anthropic-version"]);
        assert.equal(turn.json<MessagesRequest>().model, "claude-mock-1");
      }
      const first = turns[0]!;
      assert.match(first.headers["anthropic-beta"] ?? "", /claude-code-20250219/);
      assert.match(
        first.body,
        /x-anthropic-billing-header/,
        "Anthropic itself gets the body as sent",
      );
      const second = turns.at(-1)!.json<MessagesRequest>();
      assert.match(toolResult(second) ?? "", new RegExp(MARKER));
      const assistant = second.messages.find((m) =>
        m.role === "assistant" && Array.isArray(m.content) &&
        m.content.some((b) => b.type === "tool_use")
      );
      assert.ok(assistant && Array.isArray(assistant.content));
      // The answers named "claude-mock-1" upstream but reached Claude Code under the model it asked
      // for, so it kept the thinking block; the proxy gave the upstream its own signature back.
      assert.deepEqual(assistant.content[0], {
        type: "thinking",
        thinking: "I should run the marker command.",
        signature: SIGNATURE,
      });
      const records = await run.proxy.waitForRecords(requests.length);
      const streamed = records.find((r) => r.stop_reason === "tool_use");
      assert.ok(streamed, "the tool turn is logged with its stop reason");
      assert.equal(streamed.provider, "anthropic");
      assert.equal(streamed.output_tokens, 12);
    },
  });
}
