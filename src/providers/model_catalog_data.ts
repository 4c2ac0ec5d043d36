// The model catalog's data: per provider, the models its preset maps to (and those users map), dated and sourced. Data only.
import type { ModelPrice } from "./model_price.ts";

/** What a model accepts and costs; a field is absent where it is not known. */
export interface ModelFacts {
  /** Input plus output tokens the model can hold. */
  context_window?: number;
  max_output_tokens?: number;
  /** Whether the model reasons (Claude's thinking blocks, OpenAI's reasoning). */
  thinking?: boolean;
  /** Whether the model takes a reasoning effort. */
  effort?: boolean;
  /** Whether the model accepts images. */
  images?: boolean;
  /** Which OpenAI API the model needs on this provider: gpt-5.x with tools needs "responses". */
  api?: "chat" | "responses";
  price?: ModelPrice;
}

/** One model in the catalog: its facts, and a note where a figure is not confirmed. */
export interface CatalogModel extends ModelFacts {
  /** What could not be confirmed, or what to know (peak and off-peak prices, promotions). */
  note?: string;
  /** The date the provider retires the model, when it has announced one. */
  retires?: string;
}

/** What is known about one provider's models, and when and where it was checked. */
export interface ProviderCatalog {
  /** The day the data was checked (YYYY-MM-DD). */
  checked: string;
  /** Where the figures come from. */
  source: string;
  /** Models by id (matched case-insensitively, also without a date suffix). */
  models: Readonly<Record<string, CatalogModel>>;
  /** Facts for whole families, as globs tried after the ids (e.g. gpt-5.x needs the Responses API). */
  families?: ReadonlyArray<readonly [pattern: string, facts: CatalogModel]>;
}

/** The day every provider's data below was last checked. */
const CATALOG_CHECKED = "2026-12-08";

function price(input: number, output: number, cacheRead?: number, cacheWrite?: number) {
  const out: ModelPrice = { input, output };
  if (cacheRead !== undefined) out.cache_read = cacheRead;
  if (cacheWrite !== undefined) out.cache_write = cacheWrite;
  return out;
}

/** GPT-5.x and GPT-6 reasoning models: OpenAI refuses function tools with reasoning on Chat Completions. */
const OPENAI_REASONING = { thinking: true, effort: true, images: true, api: "responses" } as const;
const GPT_1M = { context_window: 1_050_000, max_output_tokens: 128_000 } as const;
const GPT_400K = { context_window: 400_000, max_output_tokens: 128_000 } as const;

const CLAUDE = { thinking: true, effort: true, images: true } as const;
const CLAUDE_1M = { ...CLAUDE, context_window: 1_000_000, max_output_tokens: 128_000 } as const;
const CLAUDE_HAIKU_4_5: CatalogModel = {
  context_window: 200_000,
  max_output_tokens: 64_000,
  thinking: true,
  effort: false,
  images: true,
  price: price(1, 5, 0.1, 1.25),
};

const GPT_OSS_TEXT = { thinking: true, effort: true, images: false } as const;

const DEEPSEEK_MODELS: Readonly<Record<string, CatalogModel>> = {
  "deepseek-flash": {
    context_window: 1_048_576,
    max_output_tokens: 393_216,
    thinking: true,
    effort: true,
    images: true,
    price: price(0.3, 1.2, 0.006),
    note: "DeepSeek-V4.1-Flash; peak rate (weekdays 01:00-04:00 and 06:00-10:00 UTC), " +
      "off-peak is half",
  },
  "deepseek-v4-pro": {
    context_window: 1_000_000,
    max_output_tokens: 384_000,
    thinking: true,
    effort: true,
    images: false,
    price: price(1.32, 3.96, 0.044),
    note: "peak rate; off-peak is half",
  },
};

/** Every provider's catalog, by preset name. */
export const CATALOG_DATA: Readonly<Record<string, ProviderCatalog>> = {
  openai: {
    checked: CATALOG_CHECKED,
    source: "OpenAI model pages and pricing (developers.openai.com/api/docs/models, /pricing), " +
      "read through their quotes in public model-price tables; the Chat Completions refusal of " +
      "function tools with reasoning for gpt-5.x from OpenAI's own error text",
    models: {
      "gpt-6-sol": { ...GPT_1M, ...OPENAI_REASONING, price: price(2, 10, 0.2, 2.5) },
      "gpt-6-luna": { ...GPT_1M, ...OPENAI_REASONING, price: price(0.1, 0.5, 0.01, 0.125) },
      "gpt-6-astra": { ...GPT_1M, ...OPENAI_REASONING, price: price(10, 50, 1, 12.5) },
      "gpt-6.1-sol": {
        ...GPT_1M,
        ...OPENAI_REASONING,
        price: price(2, 10, 0.1, 2.5),
        note: "price from one third-party table only; limits assumed from gpt-6-sol",
      },
      "gpt-5.6-sol": {
        ...GPT_1M,
        ...OPENAI_REASONING,
        price: price(4, 20, 0.4, 5),
        note: "promotional price announced through 2026-11-21; the rate after it is not confirmed",
      },
      "gpt-5.6-terra": { ...GPT_1M, ...OPENAI_REASONING, price: price(2, 12, 0.2, 2.5) },
      "gpt-5.6-luna": { ...GPT_1M, ...OPENAI_REASONING, price: price(0.2, 1.2, 0.02, 0.25) },
      "gpt-5.5": { ...GPT_1M, ...OPENAI_REASONING, price: price(5, 30, 0.5) },
      "gpt-5.4": { ...GPT_1M, ...OPENAI_REASONING, price: price(2.5, 15, 0.25) },
      "gpt-5.4-mini": { ...GPT_400K, ...OPENAI_REASONING, price: price(0.75, 4.5, 0.075) },
      "gpt-5.2": { ...GPT_400K, ...OPENAI_REASONING, price: price(1.75, 14, 0.175) },
      "gpt-5.1": { ...GPT_400K, ...OPENAI_REASONING, price: price(1.25, 10, 0.125) },
      "gpt-5-mini": {
        ...GPT_400K,
        ...OPENAI_REASONING,
        price: price(0.25, 2, 0.025),
        retires: "2026-12-11",
      },
    },
    families: [
      ["gpt-5*-chat*", { thinking: false, effort: false, images: true, api: "chat" }],
      ["gpt-5*", { ...OPENAI_REASONING }],
      ["gpt-6*", { ...OPENAI_REASONING }],
    ],
  },
  anthropic: {
    checked: CATALOG_CHECKED,
    source: "Anthropic's pricing and models pages (platform.claude.com/docs), read through their " +
      "quotes in public model-price tables; Claude Code 2.1.337's own model list",
    models: {
      "claude-opus-5-5": {
        ...CLAUDE_1M,
        price: price(4, 20, 0.2, 5),
        note: "price from a third-party table; limits assumed from the Claude 5 family",
      },
      "claude-sonnet-5-5": {
        ...CLAUDE_1M,
        price: price(2, 10, 0.2, 2.5),
        note: "price from a third-party table; limits assumed from the Claude 5 family",
      },
      "claude-haiku-5-5": {
        ...CLAUDE,
        note: "named by Claude Code 2.1.337; its limits and price could not be confirmed",
      },
      "claude-fable-5-2": {
        ...CLAUDE,
        note: "named by Claude Code 2.1.337; its limits and price could not be confirmed",
      },
      "claude-fable-5-1": { ...CLAUDE_1M, price: price(10, 50, 0.25, 12.5) },
      "claude-fable-5": { ...CLAUDE_1M, price: price(10, 50, 1, 12.5) },
      "claude-opus-5": { ...CLAUDE_1M, price: price(5, 25, 0.5, 6.25) },
      "claude-opus-4-8": { ...CLAUDE_1M, price: price(5, 25, 0.5, 6.25) },
      "claude-sonnet-5": { ...CLAUDE_1M, price: price(2, 10, 0.2, 2.5) },
      "claude-haiku-4-5": CLAUDE_HAIKU_4_5,
    },
  },
  openrouter: {
    checked: CATALOG_CHECKED,
    source: "OpenRouter's model list as mirrored by models.dev (snapshot of 2026-07-02); Claude " +
      "Sonnet 4.5 left out (Anthropic retired it on 2026-11-30)",
    models: {
      "anthropic/claude-sonnet-5": { ...CLAUDE_1M, price: price(2, 10, 0.2, 2.5) },
      "anthropic/claude-opus-4.8": { ...CLAUDE_1M, price: price(5, 25, 0.5, 6.25) },
      "anthropic/claude-haiku-4.5": CLAUDE_HAIKU_4_5,
    },
  },
  fireworks: {
    checked: CATALOG_CHECKED,
    source: "Fireworks' serverless list as mirrored by models.dev (snapshot of 2026-07-02); " +
      "kimi-k2p5 and kimi-k2-instruct-0905 are no longer listed there",
    models: {
      "accounts/fireworks/models/kimi-k2p6": {
        context_window: 262_000,
        max_output_tokens: 262_000,
        thinking: true,
        effort: false,
        images: true,
        price: price(0.95, 4, 0.16),
      },
      "accounts/fireworks/models/gpt-oss-120b": {
        context_window: 131_072,
        max_output_tokens: 32_768,
        ...GPT_OSS_TEXT,
        price: price(0.15, 0.6, 0.015),
      },
      "accounts/fireworks/models/gpt-oss-20b": {
        context_window: 131_072,
        max_output_tokens: 32_768,
        ...GPT_OSS_TEXT,
        price: price(0.07, 0.3, 0.035),
      },
    },
  },
  grok: {
    checked: CATALOG_CHECKED,
    source: "xAI's model list as mirrored by models.dev (snapshot of 2026-07-02); grok-4 and " +
      "grok-4-fast are no longer listed there",
    models: {
      "grok-4.3": {
        context_window: 1_000_000,
        max_output_tokens: 30_000,
        thinking: true,
        effort: true,
        images: true,
        price: price(1.25, 2.5, 0.2),
      },
      "grok-4.20-0309-non-reasoning": {
        context_window: 1_000_000,
        max_output_tokens: 30_000,
        thinking: false,
        effort: false,
        images: true,
        price: price(1.25, 2.5, 0.2),
      },
    },
  },
  together: {
    checked: CATALOG_CHECKED,
    source: "Together's serverless list as mirrored by models.dev (snapshot of 2026-07-02)",
    models: {
      "openai/gpt-oss-120b": {
        context_window: 131_072,
        max_output_tokens: 131_072,
        ...GPT_OSS_TEXT,
        price: price(0.15, 0.6),
      },
      "openai/gpt-oss-20b": {
        context_window: 131_072,
        max_output_tokens: 131_072,
        ...GPT_OSS_TEXT,
        price: price(0.05, 0.2),
      },
    },
  },
  groq: {
    checked: CATALOG_CHECKED,
    source: "Groq's model list as mirrored by models.dev (snapshot of 2026-07-02)",
    models: {
      "openai/gpt-oss-120b": {
        context_window: 131_072,
        max_output_tokens: 65_536,
        ...GPT_OSS_TEXT,
        price: price(0.15, 0.6, 0.075),
      },
      "openai/gpt-oss-20b": {
        context_window: 131_072,
        max_output_tokens: 65_536,
        ...GPT_OSS_TEXT,
        price: price(0.075, 0.3, 0.0375),
      },
    },
  },
  deepseek: {
    checked: CATALOG_CHECKED,
    source: "DeepSeek's API docs (api-docs.deepseek.com: first call, pricing) as quoted on " +
      "2026-09-10 to 2026-09-13; deepseek-chat and deepseek-reasoner were retired on 2026-07-24",
    models: DEEPSEEK_MODELS,
  },
  gemini: {
    checked: CATALOG_CHECKED,
    source: "Gemini API models and pricing pages (ai.google.dev/gemini-api/docs) as quoted in " +
      "public model-price tables; gemini-2.5-pro and gemini-2.5-flash reached end of life on " +
      "2026-10-16",
    models: {
      "gemini-3.1-pro-preview": {
        context_window: 1_048_576,
        max_output_tokens: 65_536,
        thinking: true,
        effort: true,
        images: true,
        price: price(2, 12, 0.2),
        note: "prompts over 200k tokens cost $4 / $18",
      },
      "gemini-3.8-flash": {
        context_window: 1_048_576,
        max_output_tokens: 65_536,
        thinking: true,
        effort: true,
        images: true,
        price: price(0.75, 3.75, 0.075),
        note: "introductory price through 2026-12-31, then $1.50 / $7.50 (cache $0.15)",
      },
      "gemini-3.5-flash-lite": {
        context_window: 1_048_576,
        max_output_tokens: 65_536,
        thinking: true,
        effort: true,
        images: true,
        price: price(0.3, 2.5),
        note: "output limit assumed from the other Gemini 3.x models; cache price not confirmed",
      },
    },
  },
  mistral: {
    checked: CATALOG_CHECKED,
    source: "Mistral's model list as mirrored by models.dev (snapshot of 2026-07-02); " +
      "devstral-medium-latest is marked deprecated there",
    models: {
      "mistral-large-latest": {
        context_window: 262_144,
        max_output_tokens: 262_144,
        thinking: false,
        effort: false,
        images: true,
        price: price(0.5, 1.5),
      },
      "mistral-medium-latest": {
        context_window: 262_144,
        max_output_tokens: 262_144,
        thinking: false,
        effort: false,
        images: true,
        price: price(0.4, 2),
      },
      "mistral-small-latest": {
        context_window: 256_000,
        max_output_tokens: 256_000,
        thinking: true,
        effort: true,
        images: true,
        price: price(0.15, 0.6),
      },
    },
  },
  cerebras: {
    checked: CATALOG_CHECKED,
    source: "Cerebras' model list as mirrored by models.dev (snapshot of 2026-07-02)",
    models: {
      "gpt-oss-120b": {
        context_window: 131_072,
        max_output_tokens: 40_960,
        ...GPT_OSS_TEXT,
        price: price(0.35, 0.75),
      },
    },
  },
  moonshot: {
    checked: CATALOG_CHECKED,
    source: "Moonshot's model list as mirrored by models.dev (snapshot of 2026-07-02); a newer " +
      "Kimi K3 is reported but its id and limits could not be confirmed",
    models: {
      "kimi-k2.6": {
        context_window: 262_144,
        max_output_tokens: 262_144,
        thinking: true,
        effort: false,
        images: true,
        price: price(0.95, 4, 0.16),
      },
      "kimi-k2.5": {
        context_window: 262_144,
        max_output_tokens: 262_144,
        thinking: true,
        effort: false,
        images: true,
        price: price(0.6, 3, 0.1),
      },
    },
  },
  zai: {
    checked: CATALOG_CHECKED,
    source: "Z.ai's model list as mirrored by models.dev (snapshot of 2026-07-02)",
    models: {
      "glm-5.2": {
        context_window: 1_000_000,
        max_output_tokens: 131_072,
        thinking: true,
        effort: true,
        images: false,
        price: price(1.4, 4.4, 0.26),
      },
      "glm-4.7": {
        context_window: 204_800,
        max_output_tokens: 131_072,
        thinking: true,
        effort: false,
        images: false,
        price: price(0.6, 2.2, 0.11),
      },
      "glm-4.5-air": {
        context_window: 131_072,
        max_output_tokens: 98_304,
        thinking: true,
        effort: false,
        images: false,
        price: price(0.2, 1.1, 0.03),
      },
    },
  },
  minimax: {
    checked: CATALOG_CHECKED,
    source: "MiniMax's model list as mirrored by models.dev (snapshot of 2026-07-02)",
    models: {
      "MiniMax-M3": {
        context_window: 1_000_000,
        max_output_tokens: 128_000,
        thinking: true,
        effort: false,
        images: true,
        price: price(0.3, 1.2, 0.06),
      },
      "MiniMax-M2.7-highspeed": {
        context_window: 204_800,
        max_output_tokens: 131_072,
        thinking: true,
        effort: false,
        images: false,
        price: price(0.6, 2.4, 0.06, 0.375),
      },
    },
  },
  dashscope: {
    checked: CATALOG_CHECKED,
    source: "Alibaba Cloud Model Studio (international) as mirrored by models.dev (snapshot of " +
      "2026-07-02)",
    models: {
      "qwen3.7-max": {
        context_window: 1_000_000,
        max_output_tokens: 65_536,
        thinking: true,
        effort: false,
        images: false,
        price: price(2.5, 7.5, 0.5, 3.125),
      },
      "qwen3.7-plus": {
        context_window: 1_000_000,
        max_output_tokens: 65_536,
        thinking: true,
        effort: false,
        images: true,
        price: price(0.5, 3, 0.05, 0.625),
      },
      "qwen3.6-flash": {
        context_window: 1_000_000,
        max_output_tokens: 65_536,
        thinking: true,
        effort: false,
        images: true,
        price: price(0.1875, 1.125, undefined, 0.234375),
      },
    },
  },
};
