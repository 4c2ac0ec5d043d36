// Tests for reading context-overflow errors and the one retry with a max_tokens that fits.
import assert from "node:assert/strict";
import {
  contextRetry,
  fittingMaxTokens,
  MIN_RETRY_MAX_TOKENS,
  parseOverflow,
} from "../../src/quirks/context_retry.ts";
import type { ChatCompletionRequest } from "../../src/wire/openai_types.ts";
import { quirkContext } from "../helpers/quirk_context.ts";

/** OpenAI's and DeepSeek's wording (claude-code#50011 quotes the same shape). */
const OPENAI_OVERFLOW = JSON.stringify({
  error: {
    message: "This model's maximum context length is 128000 tokens. However, you requested " +
      "140000 tokens (76000 in the messages, 64000 in the completion). Please reduce the length " +
      "of the messages or completion.",
    type: "invalid_request_error",
    param: "messages",
    code: "context_length_exceeded",
  },
});

Deno.test("parseOverflow reads the limits from each provider's wording", () => {
  assert.deepEqual(parseOverflow(OPENAI_OVERFLOW), { context: 128000, input: 76000 });
  assert.deepEqual(
    parseOverflow(
      "This model's maximum context length is 32768 tokens and your request has 1200 input tokens",
    ),
    { context: 32768, input: 1200 },
  );
  assert.deepEqual(
    parseOverflow("input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000"),
    { context: 200000, input: 188240 },
  );
  assert.deepEqual(
    parseOverflow("Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"),
    {
      maxOutput: 8192,
    },
  );
  assert.deepEqual(parseOverflow("max_tokens: 128001 > 64000, which is the maximum"), {
    maxOutput: 64000,
  });
  assert.equal(parseOverflow("Rate limit reached"), undefined);
});

Deno.test("fittingMaxTokens returns the room left, or nothing when too little fits", () => {
  assert.equal(fittingMaxTokens({ context: 128000, input: 76000 }, 64000), 52000);
  assert.equal(fittingMaxTokens({ maxOutput: 8192 }, 32000), 8192);
  assert.equal(fittingMaxTokens({ context: 128000, input: 127500 }, 64000), undefined);
  assert.equal(fittingMaxTokens({ context: 100, input: 100 - MIN_RETRY_MAX_TOKENS }, 5000), 1024);
  assert.equal(fittingMaxTokens({ maxOutput: 64000 }, 32000), undefined);
});

Deno.test("context_retry offers the request with the max_tokens that fits", () => {
  const req: ChatCompletionRequest = { model: "gpt-4o", messages: [], max_tokens: 64000 };
  const ctx = quirkContext();
  const retried = contextRetry.retry!({ status: 400, body: OPENAI_OVERFLOW }, req, ctx);
  assert.equal(retried?.max_tokens, 52000);
  assert.equal(req.max_tokens, 64000);
  assert.deepEqual(ctx.notes, [
    "context_retry: max_tokens 64000 → 52000 after a context-length error",
  ]);
  const reasoning: ChatCompletionRequest = {
    model: "o3",
    messages: [],
    max_completion_tokens: 64000,
  };
  assert.equal(
    contextRetry.retry!({ status: 400, body: OPENAI_OVERFLOW }, reasoning, ctx)
      ?.max_completion_tokens,
    52000,
  );
});

Deno.test("context_retry ignores other errors and statuses", () => {
  const req: ChatCompletionRequest = { model: "gpt-4o", messages: [], max_tokens: 64000 };
  assert.equal(
    contextRetry.retry!({ status: 429, body: OPENAI_OVERFLOW }, req, quirkContext()),
    undefined,
  );
  assert.equal(contextRetry.retry!({ status: 400, body: "bad" }, req, quirkContext()), undefined);
});
