// Which streamed OpenAI tool call a `tool_calls[]` fragment belongs to. Pure.
//
// A fragment belongs to the call of its non-empty upstream `id` when that id was seen before, else to
// the call at its `index` (its position in `tool_calls[]` when `index` is missing). A fragment with a
// new id at an index whose call already has a different id starts a new call, since some providers
// number every call 0. An id arriving for a call that has none is recorded on that call.
import type { ChatToolCallDelta } from "../../wire/openai_types.ts";

/** The part of a call record the index maintains: the upstream id, "" until one arrives. */
export interface IndexedToolCall {
  upstreamId: string;
}

/** The call a fragment belongs to, and whether the fragment started it. */
export interface ResolvedToolCall<T> {
  call: T;
  created: boolean;
}

/** Finds or starts the call of each streamed `tool_calls[]` fragment; records upstream ids. */
export class ToolCallIndex<T extends IndexedToolCall> {
  #calls: T[] = [];
  #byId = new Map<string, T>();
  #byIndex = new Map<number, T>();

  /** Every call in order of first appearance. */
  get calls(): readonly T[] {
    return this.#calls;
  }

  /**
   * The call of `fragment`, found by upstream id, else by `index` (else `position`), or made with
   * `create(index)` (which must return a record with `upstreamId: ""`). Sets `upstreamId` on a call
   * that has none when the fragment carries one.
   */
  resolve(
    fragment: ChatToolCallDelta,
    position: number,
    create: (index: number) => T,
  ): ResolvedToolCall<T> {
    const id = typeof fragment.id === "string" && fragment.id !== "" ? fragment.id : undefined;
    const byId = id === undefined ? undefined : this.#byId.get(id);
    if (byId) return { call: byId, created: false };
    const index = typeof fragment.index === "number" ? fragment.index : position;
    const byIndex = this.#byIndex.get(index);
    // A different id at a known index means a new call (some providers number every call 0).
    let call = byIndex && (id === undefined || byIndex.upstreamId === "") ? byIndex : undefined;
    const created = call === undefined;
    if (call === undefined) {
      call = create(index);
      this.#calls.push(call);
      this.#byIndex.set(index, call);
    }
    if (id !== undefined && call.upstreamId === "") {
      call.upstreamId = id;
      this.#byId.set(id, call);
    }
    return { call, created };
  }
}
