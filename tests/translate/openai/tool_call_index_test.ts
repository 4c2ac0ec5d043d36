import assert from "node:assert/strict";
import type { ChatToolCallDelta } from "../../../src/wire/openai_types.ts";
import { ToolCallIndex } from "../../../src/translate/openai/tool_call_index.ts";

interface Call {
  upstreamId: string;
  index: number;
  serial: number;
}

/** Resolves each `[fragment, position]` and returns the serial of the call each one landed in. */
function resolveAll(index: ToolCallIndex<Call>, fragments: [ChatToolCallDelta, number][]) {
  const created: boolean[] = [];
  const serials = fragments.map(([fragment, position]) => {
    const result = index.resolve(
      fragment,
      position,
      (i) => ({ upstreamId: "", index: i, serial: index.calls.length }),
    );
    created.push(result.created);
    return result.call.serial;
  });
  return { serials, created };
}

Deno.test("ToolCallIndex finds a call by its upstream id whatever the index", () => {
  const index = new ToolCallIndex<Call>();
  const { serials, created } = resolveAll(index, [
    [{ index: 0, id: "call_a" }, 0],
    [{ index: 1, id: "call_b" }, 0],
    [{ index: 7, id: "call_a" }, 3],
    [{ id: "call_b" }, 5],
  ]);
  assert.deepEqual(serials, [0, 1, 0, 1]);
  assert.deepEqual(created, [true, true, false, false]);
  assert.deepEqual(index.calls.map((c) => [c.upstreamId, c.index]), [["call_a", 0], ["call_b", 1]]);
});

Deno.test("ToolCallIndex finds an id-less fragment by its index", () => {
  const index = new ToolCallIndex<Call>();
  const { serials, created } = resolveAll(index, [
    [{ index: 0, id: "call_a" }, 0],
    [{ index: 1, id: "call_b" }, 1],
    [{ index: 1 }, 0],
    [{ index: 0, id: "" }, 1],
    [{ index: 1, id: null }, 0],
  ]);
  assert.deepEqual(serials, [0, 1, 1, 0, 1]);
  assert.deepEqual(created, [true, true, false, false, false]);
});

Deno.test("ToolCallIndex uses the array position when index is missing", () => {
  const index = new ToolCallIndex<Call>();
  const { serials } = resolveAll(index, [
    [{ function: { name: "a" } }, 0],
    [{ function: { name: "b" } }, 1],
    [{ function: { arguments: "{}" } }, 1],
    [{ function: { arguments: "{}" } }, 0],
  ]);
  assert.deepEqual(serials, [0, 1, 1, 0]);
  assert.deepEqual(index.calls.map((c) => c.index), [0, 1]);
});

Deno.test("ToolCallIndex starts a new call for a new id at an index whose call has another id", () => {
  const index = new ToolCallIndex<Call>();
  const { serials, created } = resolveAll(index, [
    [{ index: 0, id: "call_a" }, 0],
    [{ index: 0 }, 0],
    [{ index: 0, id: "call_b" }, 0],
    [{ index: 0 }, 0],
    [{ index: 0, id: "call_a" }, 0],
  ]);
  assert.deepEqual(serials, [0, 0, 1, 1, 0]);
  assert.deepEqual(created, [true, false, true, false, false]);
  assert.deepEqual(index.calls.map((c) => [c.upstreamId, c.index]), [["call_a", 0], ["call_b", 0]]);
});

Deno.test("ToolCallIndex records an id arriving for an id-less call and finds later fragments by it", () => {
  const index = new ToolCallIndex<Call>();
  const { serials, created } = resolveAll(index, [
    [{ index: 0, function: { name: "a" } }, 0],
    [{ index: 0, id: "call_late" }, 0],
    [{ index: 4, id: "call_late" }, 2],
    [{ index: 0, id: "call_other" }, 0],
  ]);
  assert.deepEqual(serials, [0, 0, 0, 1]);
  assert.deepEqual(created, [true, false, false, true]);
  assert.equal(index.calls[0]?.upstreamId, "call_late");
  assert.equal(index.calls[1]?.upstreamId, "call_other");
});

Deno.test("ToolCallIndex records an id only on the call at the fragment's index", () => {
  const index = new ToolCallIndex<Call>();
  const { serials } = resolveAll(index, [
    [{ index: 0 }, 0],
    [{ index: 1 }, 1],
    [{ index: 1, id: "call_b" }, 1],
    [{ index: 1 }, 1],
  ]);
  assert.deepEqual(serials, [0, 1, 1, 1]);
  assert.deepEqual(index.calls.map((c) => c.upstreamId), ["", "call_b"]);
});
