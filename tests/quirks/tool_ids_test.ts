// Tests for reversible tool-call ids and the `tool_ids` quirk (Kimi's `functions.read:0`).
import assert from "node:assert/strict";
import {
  decodeToolId,
  ENCODED_TOOL_ID_PREFIX,
  encodeToolId,
  isValidToolUseId,
  toolIds,
} from "../../src/quirks/tool_ids.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionResponse,
} from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

/** Kimi K2's id shape (documented in Moonshot's tool-use guide). */
const KIMI_ID = "functions.read:0";

Deno.test("encodeToolId makes a valid tool_use id that decodes to the original", () => {
  for (const id of [KIMI_ID, "call/with spaces+and=", "", "日本語"]) {
    const encoded = encodeToolId({ id });
    assert.ok(isValidToolUseId(encoded), encoded);
    assert.ok(encoded.startsWith(ENCODED_TOOL_ID_PREFIX));
    assert.deepEqual(decodeToolId(encoded), { id });
  }
});

Deno.test("encodeToolId carries a signature alongside the id", () => {
  const encoded = encodeToolId({ id: "call_1", signature: "AVSo+/==" });
  assert.deepEqual(decodeToolId(encoded), { id: "call_1", signature: "AVSo+/==" });
});

Deno.test("decodeToolId leaves other ids alone", () => {
  assert.equal(decodeToolId("toolu_01ABC"), undefined);
  assert.equal(decodeToolId(`${ENCODED_TOOL_ID_PREFIX}not-json`), undefined);
  assert.equal(decodeToolId(`${ENCODED_TOOL_ID_PREFIX}e30`), undefined); // "{}"
});

Deno.test("tool_ids encodes a refused id in a whole answer and restores it on the next request", () => {
  const res: ChatCompletionResponse = {
    choices: [{
      message: {
        tool_calls: [
          { id: KIMI_ID, type: "function", function: { name: "Read", arguments: "{}" } },
          { id: "call_ok", type: "function", function: { name: "Read", arguments: "{}" } },
        ],
      },
      finish_reason: "tool_calls",
    }],
  };
  const ctx = quirkContext();
  const calls = toolIds.response!(res, ctx).choices[0]!.message.tool_calls!;
  const encoded = calls[0]!.id!;
  assert.ok(isValidToolUseId(encoded));
  assert.equal(calls[1]!.id, "call_ok");
  const next: ChatCompletionRequest = {
    model: "kimi-k2.5",
    messages: [
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: encoded,
          type: "function",
          function: { name: "Read", arguments: "{}" },
        }],
      },
      { role: "tool", tool_call_id: encoded, content: "file text" },
    ],
  };
  const out = toolIds.request!(next, ctx);
  assert.equal(
    (out.messages[0] as { tool_calls: Array<{ id: string }> }).tool_calls[0]!.id,
    KIMI_ID,
  );
  assert.equal((out.messages[1] as { tool_call_id: string }).tool_call_id, KIMI_ID);
  assert.deepEqual(ctx.notes, ["tool_ids: restored 2 upstream tool ids"]);
});

Deno.test("tool_ids encodes refused ids in stream fragments the same way every time", () => {
  const transform = toolIds.chunks!(quirkContext())!;
  const fragment = (id: string): ChatCompletionChunk => ({
    choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id, function: { arguments: "" } }] } }],
  });
  const first = transform.push(fragment(KIMI_ID))[0]!.choices![0]!.delta!.tool_calls![0]!.id;
  const again = transform.push(fragment(KIMI_ID))[0]!.choices![0]!.delta!.tool_calls![0]!.id;
  const empty = transform.push(fragment(""))[0]!.choices![0]!.delta!.tool_calls![0]!.id;
  assert.equal(first, encodeToolId({ id: KIMI_ID }));
  assert.equal(again, first);
  assert.equal(empty, "");
  assert.deepEqual(transform.flush(), []);
});
