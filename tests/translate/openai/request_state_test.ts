// Tests for the request translation's state and its checked readers of the request.
import assert from "node:assert/strict";
import {
  blockAt,
  countedNotes,
  createRequestState,
  quote,
} from "../../../src/translate/openai/request_state.ts";
import { invalidRequestMessage } from "../../helpers/invalid_request.ts";

Deno.test("countedNotes notes each counted change once with its number, skipping zero counts", () => {
  const state = createRequestState({ model: "gpt-4o" });
  assert.deepEqual(countedNotes(state), []);
  state.counts.cacheControl += 2;
  state.counts.emptyText++;
  assert.deepEqual(countedNotes(state), [
    "dropped 1 empty text block",
    "dropped 2 cache_control markers",
  ]);
  assert.deepEqual(state.changes, [], "the notes are returned, not added");
});

Deno.test("blockAt returns a typed block and counts its cache_control marker", () => {
  const state = createRequestState({ model: "gpt-4o" });
  const block = { type: "text", text: "a", cache_control: { type: "ephemeral" } };
  assert.equal(blockAt([block], 0, "system.0", state), block);
  assert.equal(state.counts.cacheControl, 1);
});

Deno.test("blockAt refuses a block that is not an object with a string type, naming the path", () => {
  const state = createRequestState({ model: "gpt-4o" });
  assert.equal(
    invalidRequestMessage(() => blockAt([null], 0, "messages.0.content.0", state)),
    "messages.0.content.0: expected a content block object",
  );
  assert.equal(
    invalidRequestMessage(() => blockAt([{ type: 3 }], 0, "messages.0.content.0", state)),
    "messages.0.content.0.type: expected a string",
  );
});

Deno.test("quote puts strings in double quotes and prints other values as they are", () => {
  assert.equal(quote('say "hi"'), '"say \\"hi\\""');
  assert.equal(quote(undefined), "undefined");
  assert.equal(quote(42), "42");
});
