// Tests for reading providers' context-overflow errors and writing them in Anthropic's words.
import assert from "node:assert/strict";
import {
  promptTooLongMessage,
  readContextOverflow,
} from "../../../src/translate/anthropic/context_overflow.ts";

// Real wordings (see src/translate/anthropic/context_overflow.ts for where each comes from).
const NUMBERED: Array<[string, string, { tokens?: number; limit?: number }]> = [
  ["Anthropic", "prompt is too long: 215000 tokens > 200000 maximum", {
    tokens: 215000,
    limit: 200000,
  }],
  [
    "OpenAI, DeepSeek, vLLM",
    "This model's maximum context length is 131072 tokens. However, you requested 139162 tokens (130970 in the messages, 8192 in the completion). Please reduce the length of the messages or completion.",
    { tokens: 130970, limit: 131072 },
  ],
  [
    "OpenAI (messages only)",
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 204308 tokens. Please reduce the length of the messages.",
    { tokens: 204308, limit: 128000 },
  ],
  [
    "OpenRouter",
    'This endpoint\'s maximum context length is 200000 tokens. However, you requested about 5028244 tokens (4945291 of text input, 2953 of tool input, 80000 in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.',
    { tokens: 4948244, limit: 200000 },
  ],
  [
    "DeepSeek (no breakdown)",
    "This model's maximum context length is 131072 tokens. However, you requested 168754 tokens",
    { tokens: 168754, limit: 131072 },
  ],
  [
    "vLLM",
    "This model's maximum context length is 32768 tokens and your request has 40000 input tokens",
    { tokens: 40000, limit: 32768 },
  ],
  [
    "Gemini",
    "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).",
    { tokens: 1200293, limit: 1048576 },
  ],
  [
    "Mistral",
    "Prompt contains 40687 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
    { tokens: 40687, limit: 32768 },
  ],
  [
    "xAI",
    "This model's maximum prompt length is 131072 but the request contains 149617 tokens.",
    { tokens: 149617, limit: 131072 },
  ],
  [
    "GLM, MiniMax",
    "input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again",
    { tokens: 199759, limit: 200000 },
  ],
  [
    "Kimi",
    "Invalid request: Your request exceeded model token limit: 262144 (requested: 291351)",
    { tokens: 291351, limit: 262144 },
  ],
  ["Kimi (limit only)", "exceeded model token limit: 262144", { limit: 262144 }],
  [
    "llama.cpp",
    "request (5000 tokens) exceeds the available context size (4096 tokens), try increasing it",
    { tokens: 5000, limit: 4096 },
  ],
  [
    "llama.cpp (fields)",
    '{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}',
    { tokens: 5000, limit: 4096 },
  ],
  [
    "Together",
    "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 5000 `inputs` tokens and 500 `max_new_tokens`",
    { tokens: 5000, limit: 4096 },
  ],
];

const UNNUMBERED = [
  [
    "OpenAI Responses",
    "Your input exceeds the context window of this model. Please adjust your input and try again.",
  ],
  ["Groq", "Please reduce the length of the messages or completion."],
  [
    "LM Studio",
    "The number of tokens to keep from the initial prompt is greater than the context length.",
  ],
  ["Ollama", "prompt too long; exceeded max context length by 2000 tokens"],
  ["MiniMax", "invalid params, context window exceeds limit"],
  ["Qwen", "Range of input length should be [1, 30000]"],
];

for (const [provider, text, expected] of NUMBERED) {
  Deno.test(`readContextOverflow reads the numbers of ${provider}'s wording`, () => {
    assert.deepEqual(readContextOverflow(text), expected);
  });
}

Deno.test("readContextOverflow recognises wordings without numbers", () => {
  for (const [provider, text] of UNNUMBERED) {
    assert.deepEqual(readContextOverflow(text!), {}, provider);
  }
});

Deno.test("readContextOverflow leaves rate limits, output caps and other errors alone", () => {
  for (
    const text of [
      "Request too large for model `llama-3.3-70b` in organization `org` on tokens per minute (TPM): Limit 6000, Requested 9512, please reduce your message size and try again.",
      "max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for this model",
      "This model supports at most 16384 completion tokens",
      "Invalid API key",
      "You exceeded your current quota, please check your plan and billing details.",
    ]
  ) assert.equal(readContextOverflow(text), undefined, text);
});

Deno.test("promptTooLongMessage writes Anthropic's exact message from the provider's numbers", () => {
  assert.equal(
    promptTooLongMessage({ tokens: 140000, limit: 131072 }, { inputTokens: 1 }, "x"),
    "prompt is too long: 140000 tokens > 131072 maximum",
  );
});

Deno.test("promptTooLongMessage fills what the provider left out from the estimate", () => {
  assert.equal(
    promptTooLongMessage({ limit: 262144 }, { inputTokens: 270000 }, "x"),
    "prompt is too long: 270000 tokens > 262144 maximum",
  );
  assert.equal(
    promptTooLongMessage({}, { inputTokens: 140000, contextWindow: 128000 }, "x"),
    "prompt is too long: 140000 tokens > 128000 maximum",
  );
});

Deno.test("promptTooLongMessage never says a refused prompt fit", () => {
  // The messages fit but messages plus the output did not; the estimate may also undercount.
  assert.equal(
    promptTooLongMessage({ tokens: 127000, limit: 128000 }, {}, "x"),
    "prompt is too long: 128001 tokens > 128000 maximum",
  );
});

Deno.test("promptTooLongMessage without a known window starts with Anthropic's words and quotes the provider", () => {
  assert.equal(
    promptTooLongMessage({}, { inputTokens: 140000 }, "Please reduce the length of the messages."),
    "prompt is too long for the model's context window (about 140000 tokens): " +
      "Please reduce the length of the messages.",
  );
});
