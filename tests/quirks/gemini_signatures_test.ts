// Tests for carrying Gemini thought signatures through tool_use ids, from the recorded Gemini answer.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  geminiThoughtSignatures,
  SKIP_SIGNATURE,
  thoughtSignature,
} from "../../src/quirks/gemini_signatures.ts";
import { decodeToolId, isValidToolUseId } from "../../src/quirks/tool_ids.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
  ChatToolCall,
} from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

const FIXTURE = new URL(
  "../fixtures/upstream/gemini-openai-compat/chat-tool-call-thought-signature.json",
  import.meta.url,
);

function recorded(): ChatCompletionResponse {
  return JSON.parse(readFileSync(FIXTURE, "utf8"));
}

function assistantWith(calls: ChatToolCall[]): ChatCompletionRequest {
  return {
    model: "gemini-3-pro-preview",
    messages: [
      { role: "user", content: "What is the time?" },
      { role: "assistant", content: null, tool_calls: calls },
      ...calls.map((c) => ({ role: "tool" as const, tool_call_id: c.id, content: "Noon" })),
    ],
  };
}

function call(id: string, name = "get_current_time"): ChatToolCall {
  return { id, type: "function", function: { name, arguments: "{}" } };
}

Deno.test("gemini_thought_signatures puts the recorded signature and a fresh id into the tool_use id", () => {
  const res = recorded();
  const signature = thoughtSignature(res.choices[0]!.message)!;
  assert.equal(res.choices[0]!.message.tool_calls![0]!.id, "");
  const out = geminiThoughtSignatures.response!(res, quirkContext());
  const id = out.choices[0]!.message.tool_calls![0]!.id!;
  assert.ok(isValidToolUseId(id));
  assert.deepEqual(decodeToolId(id), { id: "toolu_fresh1", signature });
});

Deno.test("gemini_thought_signatures sends the signature back on the call and decodes the ids", () => {
  const res = geminiThoughtSignatures.response!(recorded(), quirkContext());
  const id = res.choices[0]!.message.tool_calls![0]!.id!;
  const signature = decodeToolId(id)!.signature!;
  const ctx = quirkContext({ model: "gemini-3-pro-preview" });
  const out = geminiThoughtSignatures.request!(assistantWith([call(id)]), ctx);
  const assistant = out.messages[1] as { tool_calls: ChatToolCall[] };
  assert.equal(assistant.tool_calls[0]!.id, "toolu_fresh1");
  assert.deepEqual(assistant.tool_calls[0]!.extra_content, {
    google: { thought_signature: signature },
  });
  assert.equal((out.messages[2] as { tool_call_id: string }).tool_call_id, "toolu_fresh1");
  assert.deepEqual(ctx.notes, ["gemini_thought_signatures: restored 1 signature"]);
});

Deno.test("gemini_thought_signatures marks an unsigned first call with the skip sentinel on Gemini 3", () => {
  const ctx = quirkContext({ model: "gemini-3-pro-preview" });
  const out = geminiThoughtSignatures.request!(assistantWith([call("a"), call("b")]), ctx);
  const calls = (out.messages[1] as { tool_calls: ChatToolCall[] }).tool_calls;
  assert.deepEqual(calls[0]!.extra_content, { google: { thought_signature: SKIP_SIGNATURE } });
  assert.equal(calls[1]!.extra_content, undefined);
});

Deno.test("gemini_thought_signatures sends no sentinel to Gemini 2.5", () => {
  const ctx = quirkContext({ model: "gemini-2.5-pro" });
  const out = geminiThoughtSignatures.request!(assistantWith([call("a")]), ctx);
  assert.equal(
    (out.messages[1] as { tool_calls: ChatToolCall[] }).tool_calls[0]!.extra_content,
    undefined,
  );
  assert.deepEqual(ctx.notes, []);
});

Deno.test("gemini_thought_signatures reads a per-call signature in a stream and keeps later ids equal", () => {
  const transform = geminiThoughtSignatures.chunks!(quirkContext())!;
  const first: ChatCompletionChunk = {
    choices: [{
      index: 0,
      delta: {
        tool_calls: [{
          index: 0,
          id: "function-call-1",
          type: "function",
          function: { name: "get_current_time", arguments: "{" },
          extra_content: { google: { thought_signature: "c2ln" } },
        }, {
          index: 1,
          id: "",
          type: "function",
          function: { name: "other", arguments: "{}" },
        }],
      },
    }],
  };
  const later: ChatCompletionChunk = {
    choices: [{
      index: 0,
      delta: { tool_calls: [{ index: 0, id: "function-call-1", function: { arguments: "}" } }] },
    }],
  };
  const [a] = transform.push(first);
  const [b] = transform.push(later);
  const ids = a!.choices![0]!.delta!.tool_calls!.map((c) => c.id);
  assert.deepEqual(decodeToolId(ids[0]!), { id: "function-call-1", signature: "c2ln" });
  assert.equal(ids[1], "");
  assert.equal(b!.choices![0]!.delta!.tool_calls![0]!.id, ids[0]);
});

Deno.test("gemini_thought_signatures gives a delta-level signature to the first call", () => {
  const transform = geminiThoughtSignatures.chunks!(quirkContext())!;
  transform.push({
    choices: [{
      index: 0,
      delta: { content: "Checking.", extra_content: { google: { thought_signature: "dGV4dA" } } },
    }],
  });
  const [out] = transform.push({
    choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "", function: { name: "t" } }] } }],
  });
  const id = out!.choices![0]!.delta!.tool_calls![0]!.id!;
  assert.deepEqual(decodeToolId(id), { id: "toolu_fresh1", signature: "dGV4dA" });
});
