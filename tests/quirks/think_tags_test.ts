// Tests for moving inline `<think>` reasoning into thinking, whole and streamed, from recorded answers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { splitThinkTags, thinkTags, ThinkTagSplitter } from "../../src/quirks/think_tags.ts";
import type { StreamEvent } from "../../src/wire/anthropic_types.ts";
import type { ChatCompletionChunk, ChatCompletionResponse } from "../../src/wire/openai_types.ts";
import { toAnthropicResponse } from "../../src/translate/openai/response.ts";
import { StreamTranslator } from "../../src/translate/openai/stream.ts";
import { openAIChunks } from "../helpers/streams.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

const UPSTREAM = new URL("../fixtures/upstream/", import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, UPSTREAM), "utf8");
}

const RESPONSE_CONTEXT = {
  model: "claude-test",
  messageId: "msg_1",
  signature: "sig",
  newToolId: () => "toolu_1",
};

Deno.test("splitThinkTags splits the recorded Groq Qwen3 answer into reasoning and the answer", () => {
  const res: ChatCompletionResponse = JSON.parse(
    fixture("groq/chat-qwen3-think-tags-in-content.json"),
  );
  const split = splitThinkTags(res.choices[0]!.message.content as string);
  assert.equal(split.content, "4");
  assert.match(split.reasoning, /^\nOkay, let's see\.\.\./);
  assert.ok(!split.reasoning.includes("<think>"));
});

Deno.test("splitThinkTags leaves text alone unless a tag opens it", () => {
  const text = "Use <think> tags like this: <think>x</think>";
  assert.deepEqual(splitThinkTags(text), { reasoning: "", content: text });
  assert.deepEqual(splitThinkTags("<thinking>no</thinking>"), {
    reasoning: "",
    content: "<thinking>no</thinking>",
  });
});

Deno.test("splitThinkTags drops an empty think block glued to the answer", () => {
  assert.deepEqual(splitThinkTags("<think></think>\n\nHello"), { reasoning: "", content: "Hello" });
  assert.deepEqual(splitThinkTags("  <thought>hm</thought>ok"), { reasoning: "hm", content: "ok" });
});

Deno.test("splitThinkTags keeps an unclosed think block as reasoning", () => {
  assert.deepEqual(splitThinkTags("<think>still going"), { reasoning: "still going", content: "" });
});

Deno.test("ThinkTagSplitter gives the same split wherever the text is cut into pieces", () => {
  const text = "\n<think>\nStep one </thin then </think>\n\nThe answer </think> stays";
  const whole = splitThinkTags(text);
  assert.deepEqual(whole, {
    reasoning: "\nStep one </thin then ",
    content: "The answer </think> stays",
  });
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j += 3) {
      const splitter = new ThinkTagSplitter();
      const parts = [text.slice(0, i), text.slice(i, j), text.slice(j)].map((p) =>
        splitter.push(p)
      );
      parts.push(splitter.flush());
      const got = {
        reasoning: parts.map((p) => p.reasoning).join(""),
        content: parts.map((p) => p.content).join(""),
      };
      assert.deepEqual(got, whole, `cut at ${i}, ${j}`);
    }
  }
});

Deno.test("think_tags turns the recorded DeepSeek-R1 answer into a thinking block", () => {
  const res: ChatCompletionResponse = JSON.parse(
    fixture("together/chat-deepseek-r1-think-tags.json"),
  );
  const ctx = quirkContext();
  const message = toAnthropicResponse(thinkTags.response!(res, ctx), RESPONSE_CONTEXT);
  assert.deepEqual(message.content.map((b) => b.type), ["thinking", "text"]);
  const [thinking, text] = message.content;
  assert.match(thinking?.type === "thinking" ? thinking.thinking : "", /Okay, the user asked/);
  assert.ok(text?.type === "text" && !text.text.includes("</think>"));
  assert.deepEqual(ctx.notes, ["think_tags: moved inline reasoning into a thinking block"]);
});

Deno.test("think_tags streams the recorded DeepSeek-R1 stream as thinking then text", () => {
  const chunks = openAIChunks(fixture("together/chat-stream-deepseek-r1-think-tags.sse"));
  const transform = thinkTags.chunks!(quirkContext())!;
  const translator = new StreamTranslator(RESPONSE_CONTEXT);
  const events: StreamEvent[] = [];
  for (const chunk of chunks) {
    for (const out of transform.push(chunk)) events.push(...translator.push(out));
  }
  for (const out of transform.flush()) events.push(...translator.push(out));
  events.push(...translator.finish());
  const starts = events.flatMap((e) =>
    e.type === "content_block_start" ? [e.content_block.type] : []
  );
  assert.deepEqual(starts, ["thinking", "text"]);
  const text = events.map((e) =>
    e.type === "content_block_delta" && e.delta.type === "text_delta" ? e.delta.text : ""
  ).join("");
  const thinking = events.map((e) =>
    e.type === "content_block_delta" && e.delta.type === "thinking_delta" ? e.delta.thinking : ""
  ).join("");
  assert.ok(!text.includes("<think>") && !text.includes("</think>"));
  assert.ok(!thinking.includes("<think>") && !thinking.includes("</think>"));
  assert.match(thinking, /^\nOkay/);
  assert.ok(text.length > 100 && !/^\s/.test(text));
});

Deno.test("think_tags passes a held tag prefix on at the end of a stream", () => {
  const transform = thinkTags.chunks!(quirkContext())!;
  const chunk = (content: string): ChatCompletionChunk => ({
    choices: [{ index: 0, delta: { content } }],
  });
  assert.equal(transform.push(chunk("<th"))[0]!.choices![0]!.delta!.content, "");
  assert.deepEqual(transform.flush(), [{ choices: [{ index: 0, delta: { content: "<th" } }] }]);
});
