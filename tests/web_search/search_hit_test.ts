// Tests for searchHit, htmlToText and capSnippet: the text of one search result.
import assert from "node:assert/strict";
import {
  capSnippet,
  htmlToText,
  MAX_SNIPPET_CHARS,
  searchHit,
} from "../../src/web_search/search_hit.ts";

Deno.test("htmlToText drops tags and decodes named and numeric entities in one pass", () => {
  assert.equal(
    htmlToText("<strong>Deno</strong> &amp; Node&#x27;s &#8220;npm&#8221; &amp;lt;b&amp;gt;"),
    "Deno & Node's “npm” &lt;b&gt;",
  );
});

Deno.test("htmlToText keeps text that only looks like markup and unknown entities", () => {
  assert.equal(
    htmlToText("a < b and c > d &bogus; &#0; &#x110000;"),
    "a < b and c > d &bogus; &#0; &#x110000;",
  );
});

Deno.test("htmlToText collapses whitespace left by tags and line breaks", () => {
  assert.equal(htmlToText("  one<br/>\n two &nbsp; three  "), "one two three");
});

Deno.test("capSnippet does not split a surrogate pair when no word break is near the end", () => {
  const text = "a".repeat(MAX_SNIPPET_CHARS - 2) + "😀".repeat(10);
  const capped = capSnippet(text);
  assert.ok(capped.length <= MAX_SNIPPET_CHARS);
  assert.ok(capped.endsWith("…"));
  assert.doesNotThrow(() => encodeURIComponent(capped));
});

Deno.test("capSnippet leaves text of at most MAX_SNIPPET_CHARS as it is", () => {
  const text = "x".repeat(MAX_SNIPPET_CHARS);
  assert.equal(capSnippet(text), text);
});

Deno.test("searchHit takes the first non-empty string age and leaves out an empty snippet", () => {
  assert.deepEqual(
    searchHit({
      title: " T ",
      url: " https://a.example/x ",
      snippet: "  ",
      ages: [null, "", 7, "2 days ago"],
    }),
    { title: "T", url: "https://a.example/x", age: "2 days ago" },
  );
});

Deno.test("searchHit refuses URLs that are not http(s) or not URLs", () => {
  for (const url of ["javascript:alert(1)", "ftp://a.example/", "/relative", "", 42]) {
    assert.equal(searchHit({ title: "T", url, snippet: "s", ages: [] }), undefined, String(url));
  }
});
