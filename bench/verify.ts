// Checks, once per case and target, that the answer the benchmark times is the right answer.
import { JSON_TEXT, streamedText, streamedTool } from "./mock_openai.ts";
import type { Endpoint } from "./load.ts";
import type { Scenario } from "./scenarios.ts";

interface Answer {
  text: string;
  tools: { name: string; input: unknown }[];
  stopReason: string | null;
}

/** Parses an Anthropic SSE body into its text, tool calls and stop reason; throws on a bad stream. */
function parseAnthropicStream(body: string): Answer {
  const answer: Answer = { text: "", tools: [], stopReason: null };
  const json: string[] = [];
  let sawStop = false;
  for (const frame of body.split("\n\n")) {
    const data = frame.split("\n").find((line) => line.startsWith("data:"));
    if (!data) continue;
    const event = JSON.parse(data.slice(5)) as Record<string, unknown> & { type: string };
    if (event.type === "error") throw new Error(`Stream error: ${data}`);
    if (event.type === "message_stop") sawStop = true;
    if (event.type === "content_block_start") {
      const block = event.content_block as { type: string; name?: string };
      if (block.type === "tool_use") {
        answer.tools.push({ name: block.name ?? "", input: undefined });
        json.push("");
      }
    }
    if (event.type === "content_block_delta") {
      const delta = event.delta as { type: string; text?: string; partial_json?: string };
      if (delta.type === "text_delta") answer.text += delta.text ?? "";
      if (delta.type === "input_json_delta") json[json.length - 1] += delta.partial_json ?? "";
    }
    if (event.type === "message_delta") {
      answer.stopReason = (event.delta as { stop_reason: string | null }).stop_reason;
    }
  }
  if (!sawStop) throw new Error("Stream ended without message_stop");
  answer.tools.forEach((tool, i) => (tool.input = JSON.parse(json[i] || "{}")));
  return answer;
}

function parseAnthropicMessage(body: string): Answer {
  const message = JSON.parse(body) as {
    content: { type: string; text?: string; name?: string; input?: unknown }[];
    stop_reason: string | null;
  };
  return {
    text: message.content.filter((b) => b.type === "text").map((b) => b.text).join(""),
    tools: message.content.filter((b) => b.type === "tool_use").map((b) => ({
      name: b.name ?? "",
      input: b.input,
    })),
    stopReason: message.stop_reason,
  };
}

function expected(scenario: Scenario): Answer {
  const match = /^bench-(text|tool)-(\d+)$/.exec(scenario.model);
  if (!match) return { text: JSON_TEXT, tools: [], stopReason: "end_turn" };
  const n = Number(match[2]);
  if (match[1] === "text") return { text: streamedText(n), tools: [], stopReason: "end_turn" };
  const tool = streamedTool(n);
  return {
    text: "Running it.",
    tools: [{ name: tool.name, input: JSON.parse(tool.args) }],
    stopReason: "tool_use",
  };
}

/** Sends the case once through an Anthropic-format target and compares the answer; throws if wrong. */
export async function verifyAnswer(endpoint: Endpoint, scenario: Scenario): Promise<void> {
  const { request } = endpoint;
  const response = await fetch(endpoint.url + request.path, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`${scenario.name}: status ${response.status}: ${body.slice(0, 300)}`);
  }
  const actual = scenario.stream ? parseAnthropicStream(body) : parseAnthropicMessage(body);
  const want = expected(scenario);
  if (JSON.stringify(actual) !== JSON.stringify(want)) {
    throw new Error(
      `${scenario.name}: unexpected answer\n  got  ${JSON.stringify(actual)}\n  want ${
        JSON.stringify(want)
      }`,
    );
  }
}
