// Tests for ending an answer's text at the first stop sequence, whole or arriving in pieces.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  cutAtStopSequence,
  stopSequencesOf,
  StopSequenceStream,
} from "../../../src/translate/anthropic/stop_sequences.ts";

Deno.test("stopSequencesOf keeps the non-empty strings, and gives none for an empty list", () => {
  assert.deepEqual(stopSequencesOf(["</block>", "", 3, "\n\nHuman:"]), ["</block>", "\n\nHuman:"]);
  assert.equal(stopSequencesOf([""]), undefined);
  assert.equal(stopSequencesOf(undefined), undefined);
  assert.equal(stopSequencesOf("</block>"), undefined);
});

Deno.test("cutAtStopSequence ends the text where a stop sequence would first have been completed", () => {
  assert.deepEqual(cutAtStopSequence("<block>no</block> because", ["</block>"]), {
    text: "<block>no",
    stop: "</block>",
  });
  assert.deepEqual(cutAtStopSequence("a STOP b END", ["END", "STOP"]), {
    text: "a ",
    stop: "STOP",
  });
  assert.deepEqual(cutAtStopSequence("a STOPPED", ["STOP", "STOPPED"]), {
    text: "a ",
    stop: "STOP",
  });
  assert.deepEqual(cutAtStopSequence("xabcd", ["abcd", "bc"]), { text: "xa", stop: "bc" });
  assert.deepEqual(cutAtStopSequence("xabc", ["abc", "bc"]), { text: "x", stop: "abc" });
  assert.deepEqual(cutAtStopSequence("no stop here", ["</block>"]), { text: "no stop here" });
  assert.deepEqual(cutAtStopSequence("</block>", ["</block>"]), { text: "", stop: "</block>" });
});

Deno.test("StopSequenceStream holds a piece's end while it may begin a stop sequence", () => {
  const stops = new StopSequenceStream(["</block>"]);
  assert.deepEqual(stops.push("<block>no</b"), { text: "<block>no" });
  assert.deepEqual(stops.push("lock> and more"), { text: "", stop: "</block>" });
  assert.equal(stops.stop, "</block>");
  assert.deepEqual(stops.push("ignored"), { text: "" });
  assert.equal(stops.flush(), "");
  const open = new StopSequenceStream(["</block>"]);
  assert.deepEqual(open.push("a </"), { text: "a " });
  assert.deepEqual(open.push("div>"), { text: "</div>" });
  assert.deepEqual(open.push(" <"), { text: " " });
  assert.equal(open.flush(), "<", "the end of the answer lets the held text go");
  assert.equal(open.stop, undefined);
});

Deno.test("StopSequenceStream gives the same text and stop as a whole cut, however the text is split", () => {
  const alphabet = fc.constantFrom("a", "<", "/", "b", "l", "o", "c", "k", ">", "\n");
  const text = fc.array(alphabet, { maxLength: 40 }).map((chars) => chars.join(""));
  const sequences = fc.array(fc.array(alphabet, { minLength: 1, maxLength: 6 }), {
    minLength: 1,
    maxLength: 3,
  }).map((list) => list.map((chars) => chars.join("")));
  fc.assert(
    fc.property(text, sequences, fc.array(fc.nat(40)), (whole, stops, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
      const pieces = [0, ...points, whole.length].slice(1).map((end, i, ends) =>
        whole.slice(i === 0 ? 0 : ends[i - 1], end)
      );
      const stream = new StopSequenceStream(stops);
      let out = pieces.map((piece) => stream.push(piece).text).join("");
      if (stream.stop === undefined) out += stream.flush();
      const expected = cutAtStopSequence(whole, stops);
      assert.equal(out, expected.text);
      assert.equal(stream.stop, expected.stop);
    }),
    { numRuns: 500 },
  );
});
