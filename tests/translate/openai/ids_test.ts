import assert from "node:assert/strict";
import { toolUseId } from "../../../src/translate/openai/ids.ts";

const fallback = () => "toolu_fallback";

Deno.test("toolUseId keeps upstream ids that match Anthropic's id pattern", () => {
  assert.equal(
    toolUseId("call_NS4iQj14cDFwc0BnrKqDHavt", fallback),
    "call_NS4iQj14cDFwc0BnrKqDHavt",
  );
  assert.equal(
    toolUseId("chatcmpl-tool-9f149c74c42f265b", fallback),
    "chatcmpl-tool-9f149c74c42f265b",
  );
});

Deno.test("toolUseId falls back for missing, empty or invalid ids", () => {
  assert.equal(toolUseId(undefined, fallback), "toolu_fallback");
  assert.equal(toolUseId(null, fallback), "toolu_fallback");
  assert.equal(toolUseId("", fallback), "toolu_fallback");
  assert.equal(toolUseId("functions.read:0", fallback), "toolu_fallback");
  assert.equal(toolUseId("call 1", fallback), "toolu_fallback");
});
