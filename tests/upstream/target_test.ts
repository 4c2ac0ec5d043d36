// Tests for upstream URLs and headers: Gemini's method URLs and its key header.
import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import type { FileProvider } from "../../src/config/validate.ts";
import { geminiUrl, upstreamHeaders } from "../../src/upstream/target.ts";

function gemini(table: FileProvider = {}) {
  const config = resolveConfig({
    cli: {},
    env: { GEMINI_API_KEY: "AIza-test-key" },
    file: { providers: { gemini: { format: "gemini", ...table } } },
    source: "test.toml",
  });
  return config.providers.gemini!;
}

Deno.test("geminiUrl puts the model and method under /v1beta and streams with alt=sse", () => {
  const provider = gemini();
  const base = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro";
  assert.equal(geminiUrl(provider, "gemini-2.5-pro", "generateContent"), `${base}:generateContent`);
  assert.equal(
    geminiUrl(provider, "gemini-2.5-pro", "streamGenerateContent"),
    `${base}:streamGenerateContent?alt=sse`,
  );
  assert.equal(geminiUrl(provider, "gemini-2.5-pro", "countTokens"), `${base}:countTokens`);
});

Deno.test("geminiUrl keeps a base URL's API version, a model's collection and the fixed query", () => {
  const provider = gemini({ base_url: "http://127.0.0.1:8080/v1alpha/", query: { tag: "a b" } });
  assert.equal(
    geminiUrl(provider, "tunedModels/my model", "streamGenerateContent"),
    "http://127.0.0.1:8080/v1alpha/tunedModels/my%20model:streamGenerateContent?alt=sse&tag=a+b",
  );
  assert.equal(
    geminiUrl(
      gemini({ base_url: "http://127.0.0.1:8080" }),
      "models/gemini-3-pro-preview",
      "countTokens",
    ),
    "http://127.0.0.1:8080/v1beta/models/gemini-3-pro-preview:countTokens",
  );
});

Deno.test("upstreamHeaders sends a Gemini key in x-goog-api-key and no Authorization", () => {
  const headers = upstreamHeaders(gemini(), new Headers());
  assert.equal(headers["x-goog-api-key"], "AIza-test-key");
  assert.equal(headers.authorization, undefined);
});
