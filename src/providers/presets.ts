// Provider presets: base URL, API format, key variable and behaviour flags for each known provider. Data only.
import type { ApiKeyHeader, ProviderFeature, ProviderFormat } from "./provider_format.ts";
import type { StructuredOutputSupport } from "../translate/openai/request.ts";

/** What a preset knows about a provider. */
export interface ProviderPreset {
  baseUrl: string;
  format: ProviderFormat;
  /** The environment variable that holds the key; empty for keyless local servers. */
  apiKeyEnv: string;
  apiKeyHeader: ApiKeyHeader;
  /** Whether a base URL must come from the config (Azure, custom). */
  needsBaseUrl?: boolean;
  /** Whether the provider runs locally and needs no key. */
  keyless?: boolean;
  /** Thinking in history goes back as `reasoning_content`. */
  reasoningHistory?: boolean;
  /** Accepts PDF file parts. */
  supportsDocuments?: boolean;
  /** Highest reasoning effort. */
  maxEffort?: "high" | "xhigh";
  /** Sends `reasoning_effort` whenever the client asks for thinking. */
  sendReasoningEffort?: boolean;
  /**
   * OpenAI format: the structured output the provider takes (`output_config.format`):
   * `response_format` json_schema, json_object, or, when absent, the schema as an instruction.
   */
  structuredOutput?: StructuredOutputSupport;
  /** OpenAI format: the provider quirks applied, by name (see src/quirks/registry.ts). */
  quirks?: readonly string[];
  /** Fixed query parameters (Azure's api-version). */
  query?: Record<string, string>;
  /**
   * Default `[models]` for zero-config start: opus, sonnet, haiku. Checked against what each
   * provider documents on {@linkcode DEFAULTS_CHECKED}; their facts are in model_catalog_data.ts.
   */
  defaultModels?: { big: string; middle: string; small: string };
  /** Anthropic format: request fields removed before forwarding (`drop_fields` paths). */
  dropFields?: readonly string[];
  /** Anthropic format: `anthropic-beta` values (globs) the provider rejects. */
  rejectedBetas?: readonly string[];
  /** Anthropic format: features the provider lacks; a request needing one gets a clear 400. */
  unsupported?: readonly ProviderFeature[];
  /** OpenCode's id for the provider (its auth.json key), when it has one. */
  openCodeId?: string;
  /** False for presets never picked from the environment alone (they need more than a key). */
  autoDetect?: false;
  /** A one-line description for the README and `check`. */
  description: string;
}

/**
 * What third-party Anthropic-format presets remove: Claude Code's per-request billing block (OpenRouter
 * refuses it, and it defeats prefix caching), Anthropic-only context editing, and the context
 * Claude Code 2.1.337 sends Anthropic's safety classifier (`safeguards`: local paths, git remotes).
 * Their tool search (deferred tools, `tool_reference` blocks) is resolved by the proxy
 * (`unsupported` lists it).
 */
const THIRD_PARTY_DROP: readonly string[] = [
  "x-anthropic-billing-header",
  "context_management",
  "safeguards",
];
/** The betas that go with a dropped field or a feature the proxy resolves itself. */
const THIRD_PARTY_BETAS: readonly string[] = [
  "context-management-*",
  "advanced-tool-use-*",
  "dangerous-tool-use-*",
];

/** The quirks every OpenAI-format preset applies: tool names and ids, history and tool-call repair. */
const COMMON_QUIRKS: readonly string[] = [
  "history_repair",
  "tool_names",
  "tool_ids",
  "tool_call_repair",
  "context_retry",
];

/** The day the presets' default models were checked against what each provider documents. */
export const DEFAULTS_CHECKED = "2026-12-08";

/** Every built-in preset, by lower-case name. */
export const PROVIDER_PRESETS: Readonly<Record<string, ProviderPreset>> = {
  openai: {
    baseUrl: "https://api.openai.com/v1",
    format: "openai",
    apiKeyEnv: "OPENAI_API_KEY",
    apiKeyHeader: "authorization",
    supportsDocuments: true,
    maxEffort: "xhigh",
    defaultModels: { big: "gpt-6-sol", middle: "gpt-6-sol", small: "gpt-6-luna" },
    openCodeId: "openai",
    quirks: [...COMMON_QUIRKS, "openai_reasoning"],
    structuredOutput: "json_schema",
    description: "OpenAI (gpt-5.x and gpt-6 through the Responses API, others Chat Completions)",
  },
  "openai-responses": {
    baseUrl: "https://api.openai.com/v1",
    format: "openai-responses",
    apiKeyEnv: "OPENAI_API_KEY",
    apiKeyHeader: "authorization",
    supportsDocuments: true,
    maxEffort: "xhigh",
    defaultModels: { big: "gpt-6-sol", middle: "gpt-6-sol", small: "gpt-6-luna" },
    openCodeId: "openai",
    quirks: [...COMMON_QUIRKS, "openai_reasoning"],
    structuredOutput: "json_schema",
    description: "OpenAI Responses API (gpt-5.x with tools and reasoning)",
  },
  azure: {
    baseUrl: "",
    format: "openai",
    apiKeyEnv: "AZURE_OPENAI_API_KEY",
    apiKeyHeader: "api-key",
    needsBaseUrl: true,
    supportsDocuments: true,
    query: { "api-version": "2024-10-21" },
    openCodeId: "azure",
    autoDetect: false,
    quirks: [...COMMON_QUIRKS, "openai_reasoning"],
    structuredOutput: "json_schema",
    description:
      "Azure OpenAI: base_url = https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT",
  },
  openrouter: {
    baseUrl: "https://openrouter.ai/api/v1",
    format: "openai",
    apiKeyEnv: "OPENROUTER_API_KEY",
    apiKeyHeader: "authorization",
    supportsDocuments: true,
    sendReasoningEffort: true,
    reasoningHistory: true,
    defaultModels: {
      big: "anthropic/claude-sonnet-5",
      middle: "anthropic/claude-sonnet-5",
      small: "anthropic/claude-haiku-4.5",
    },
    openCodeId: "openrouter",
    quirks: [...COMMON_QUIRKS, "openai_reasoning"],
    structuredOutput: "json_schema",
    description: "OpenRouter (OpenAI-compatible)",
  },
  fireworks: {
    baseUrl: "https://api.fireworks.ai/inference/v1",
    format: "openai",
    apiKeyEnv: "FIREWORKS_API_KEY",
    apiKeyHeader: "authorization",
    defaultModels: {
      big: "accounts/fireworks/models/kimi-k2p6",
      middle: "accounts/fireworks/models/kimi-k2p6",
      small: "accounts/fireworks/models/gpt-oss-20b",
    },
    openCodeId: "fireworks-ai",
    quirks: [...COMMON_QUIRKS, "think_tags"],
    structuredOutput: "json_schema",
    description: "Fireworks AI",
  },
  grok: {
    baseUrl: "https://api.x.ai/v1",
    format: "openai",
    apiKeyEnv: "XAI_API_KEY",
    apiKeyHeader: "authorization",
    defaultModels: { big: "grok-4.3", middle: "grok-4.3", small: "grok-4.20-0309-non-reasoning" },
    openCodeId: "xai",
    quirks: COMMON_QUIRKS,
    structuredOutput: "json_schema",
    description: "xAI Grok",
  },
  xai: {
    baseUrl: "https://api.x.ai/v1",
    format: "openai",
    apiKeyEnv: "XAI_API_KEY",
    apiKeyHeader: "authorization",
    defaultModels: { big: "grok-4.3", middle: "grok-4.3", small: "grok-4.20-0309-non-reasoning" },
    openCodeId: "xai",
    autoDetect: false,
    quirks: COMMON_QUIRKS,
    structuredOutput: "json_schema",
    description: "xAI Grok (alias of grok)",
  },
  together: {
    baseUrl: "https://api.together.xyz/v1",
    format: "openai",
    apiKeyEnv: "TOGETHER_API_KEY",
    apiKeyHeader: "authorization",
    openCodeId: "togetherai",
    defaultModels: {
      big: "openai/gpt-oss-120b",
      middle: "openai/gpt-oss-120b",
      small: "openai/gpt-oss-20b",
    },
    quirks: [...COMMON_QUIRKS, "think_tags"],
    structuredOutput: "json_schema",
    description: "Together AI",
  },
  groq: {
    baseUrl: "https://api.groq.com/openai/v1",
    format: "openai",
    apiKeyEnv: "GROQ_API_KEY",
    apiKeyHeader: "authorization",
    defaultModels: {
      big: "openai/gpt-oss-120b",
      middle: "openai/gpt-oss-120b",
      small: "openai/gpt-oss-20b",
    },
    openCodeId: "groq",
    quirks: [...COMMON_QUIRKS, "think_tags"],
    structuredOutput: "json_schema",
    description: "Groq",
  },
  deepseek: {
    baseUrl: "https://api.deepseek.com/v1",
    format: "openai",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    apiKeyHeader: "authorization",
    reasoningHistory: true,
    defaultModels: { big: "deepseek-v4-pro", middle: "deepseek-flash", small: "deepseek-flash" },
    openCodeId: "deepseek",
    quirks: [...COMMON_QUIRKS, "deepseek_reasoning", "merge_same_role"],
    structuredOutput: "json_object",
    description: "DeepSeek",
  },
  gemini: {
    baseUrl: "https://generativelanguage.googleapis.com",
    format: "gemini",
    apiKeyEnv: "GEMINI_API_KEY",
    apiKeyHeader: "x-goog-api-key",
    supportsDocuments: true,
    defaultModels: {
      big: "gemini-3.1-pro-preview",
      middle: "gemini-3.8-flash",
      small: "gemini-3.5-flash-lite",
    },
    openCodeId: "google",
    quirks: ["history_repair", "tool_names"],
    description: "Google Gemini (its own API: thinking, thought signatures, token counting)",
  },
  "gemini-openai": {
    baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai",
    format: "openai",
    apiKeyEnv: "GEMINI_API_KEY",
    apiKeyHeader: "authorization",
    sendReasoningEffort: true,
    defaultModels: {
      big: "gemini-3.1-pro-preview",
      middle: "gemini-3.8-flash",
      small: "gemini-3.5-flash-lite",
    },
    openCodeId: "google",
    autoDetect: false,
    quirks: [...COMMON_QUIRKS, "gemini_schema", "gemini_thought_signatures"],
    structuredOutput: "json_schema",
    description: "Google Gemini through its OpenAI-compatible endpoint",
  },
  mistral: {
    baseUrl: "https://api.mistral.ai/v1",
    format: "openai",
    apiKeyEnv: "MISTRAL_API_KEY",
    apiKeyHeader: "authorization",
    defaultModels: {
      big: "mistral-large-latest",
      middle: "mistral-medium-latest",
      small: "mistral-small-latest",
    },
    openCodeId: "mistral",
    quirks: COMMON_QUIRKS,
    structuredOutput: "json_schema",
    description: "Mistral AI",
  },
  cerebras: {
    baseUrl: "https://api.cerebras.ai/v1",
    format: "openai",
    apiKeyEnv: "CEREBRAS_API_KEY",
    apiKeyHeader: "authorization",
    openCodeId: "cerebras",
    defaultModels: { big: "gpt-oss-120b", middle: "gpt-oss-120b", small: "gpt-oss-120b" },
    quirks: COMMON_QUIRKS,
    structuredOutput: "json_schema",
    description: "Cerebras",
  },
  moonshot: {
    baseUrl: "https://api.moonshot.ai/v1",
    format: "openai",
    apiKeyEnv: "MOONSHOT_API_KEY",
    apiKeyHeader: "authorization",
    reasoningHistory: true,
    defaultModels: { big: "kimi-k2.6", middle: "kimi-k2.6", small: "kimi-k2.6" },
    openCodeId: "moonshotai",
    quirks: [...COMMON_QUIRKS, "deepseek_reasoning"],
    structuredOutput: "json_object",
    description: "Moonshot AI (Kimi)",
  },
  zai: {
    baseUrl: "https://api.z.ai/api/paas/v4",
    format: "openai",
    apiKeyEnv: "ZAI_API_KEY",
    apiKeyHeader: "authorization",
    reasoningHistory: true,
    defaultModels: { big: "glm-5.2", middle: "glm-5.2", small: "glm-4.5-air" },
    openCodeId: "zai",
    quirks: COMMON_QUIRKS,
    structuredOutput: "json_object",
    description: "Z.ai (GLM)",
  },
  ollama: {
    baseUrl: "http://localhost:11434/v1",
    format: "openai",
    apiKeyEnv: "",
    apiKeyHeader: "authorization",
    keyless: true,
    autoDetect: false,
    quirks: [...COMMON_QUIRKS, "think_tags", "merge_same_role"],
    structuredOutput: "json_schema",
    description: "Ollama on this machine",
  },
  lmstudio: {
    baseUrl: "http://localhost:1234/v1",
    format: "openai",
    apiKeyEnv: "",
    apiKeyHeader: "authorization",
    keyless: true,
    autoDetect: false,
    quirks: [...COMMON_QUIRKS, "think_tags", "merge_same_role"],
    structuredOutput: "json_schema",
    description: "LM Studio on this machine",
  },
  anthropic: {
    baseUrl: "https://api.anthropic.com",
    format: "anthropic",
    apiKeyEnv: "ANTHROPIC_API_KEY",
    apiKeyHeader: "x-api-key",
    openCodeId: "anthropic",
    autoDetect: false,
    description: "Anthropic (passthrough)",
  },
  "deepseek-anthropic": {
    baseUrl: "https://api.deepseek.com/anthropic",
    format: "anthropic",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    apiKeyHeader: "x-api-key",
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["images", "documents", "web_search", "tool_search"],
    description: "DeepSeek's Anthropic endpoint (passthrough; it maps claude-* names itself)",
  },
  "moonshot-anthropic": {
    baseUrl: "https://api.moonshot.ai/anthropic",
    format: "anthropic",
    apiKeyEnv: "MOONSHOT_API_KEY",
    apiKeyHeader: "authorization",
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["web_search", "tool_search"],
    defaultModels: { big: "kimi-k2.6", middle: "kimi-k2.6", small: "kimi-k2.6" },
    description: "Moonshot AI (Kimi) Anthropic endpoint (passthrough)",
  },
  "zai-anthropic": {
    baseUrl: "https://api.z.ai/api/anthropic",
    format: "anthropic",
    apiKeyEnv: "ZAI_API_KEY",
    apiKeyHeader: "authorization",
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["web_search", "tool_search"],
    defaultModels: { big: "glm-5.2", middle: "glm-5.2", small: "glm-4.5-air" },
    description: "Z.ai (GLM) Anthropic endpoint (passthrough)",
  },
  minimax: {
    baseUrl: "https://api.minimax.io/anthropic",
    format: "anthropic",
    apiKeyEnv: "MINIMAX_API_KEY",
    apiKeyHeader: "authorization",
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["images", "documents", "web_search", "tool_search"],
    defaultModels: { big: "MiniMax-M3", middle: "MiniMax-M3", small: "MiniMax-M2.7-highspeed" },
    description: "MiniMax Anthropic endpoint (passthrough; text and tools only)",
  },
  dashscope: {
    baseUrl: "https://dashscope-intl.aliyuncs.com/apps/anthropic",
    format: "anthropic",
    apiKeyEnv: "DASHSCOPE_API_KEY",
    apiKeyHeader: "x-api-key",
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["web_search", "tool_search"],
    defaultModels: { big: "qwen3.7-max", middle: "qwen3.7-plus", small: "qwen3.6-flash" },
    description: "Alibaba Cloud Model Studio (Qwen) Anthropic endpoint (passthrough)",
  },
  "openrouter-anthropic": {
    baseUrl: "https://openrouter.ai/api",
    format: "anthropic",
    apiKeyEnv: "OPENROUTER_API_KEY",
    apiKeyHeader: "authorization",
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["tool_search"],
    defaultModels: {
      big: "anthropic/claude-sonnet-5",
      middle: "anthropic/claude-sonnet-5",
      small: "anthropic/claude-haiku-4.5",
    },
    description: "OpenRouter's Anthropic endpoint (passthrough)",
  },
  "ollama-anthropic": {
    baseUrl: "http://localhost:11434",
    format: "anthropic",
    apiKeyEnv: "",
    apiKeyHeader: "authorization",
    keyless: true,
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["documents", "web_search", "tool_search"],
    description: "Ollama 0.14+ Anthropic endpoint on this machine (passthrough)",
  },
  "lmstudio-anthropic": {
    baseUrl: "http://localhost:1234",
    format: "anthropic",
    apiKeyEnv: "",
    apiKeyHeader: "authorization",
    keyless: true,
    dropFields: THIRD_PARTY_DROP,
    rejectedBetas: THIRD_PARTY_BETAS,
    unsupported: ["web_search", "tool_search"],
    description: "LM Studio Anthropic endpoint on this machine (passthrough)",
  },
  custom: {
    baseUrl: "",
    format: "openai",
    apiKeyEnv: "",
    apiKeyHeader: "authorization",
    needsBaseUrl: true,
    keyless: true,
    autoDetect: false,
    quirks: [...COMMON_QUIRKS, "think_tags"],
    description: "Any OpenAI-compatible server: set base_url (and api_key_env if it needs a key)",
  },
};

/** Other names users know presets by (OpenCode and models.dev ids, seed spellings). */
export const PRESET_ALIASES: Readonly<Record<string, string>> = {
  google: "gemini",
  "fireworks-ai": "fireworks",
  togetherai: "together",
  moonshotai: "moonshot",
  kimi: "moonshot",
  "lm-studio": "lmstudio",
  openai_compatible: "custom",
};

/** The preset name for `name` (case-insensitive, aliases followed), or undefined. */
export function presetName(name: string): string | undefined {
  const key = name.toLowerCase();
  if (Object.hasOwn(PROVIDER_PRESETS, key)) return key;
  const alias = Object.hasOwn(PRESET_ALIASES, key) ? PRESET_ALIASES[key] : undefined;
  return alias !== undefined && Object.hasOwn(PROVIDER_PRESETS, alias) ? alias : undefined;
}

/** Looks a preset up by name, case-insensitively, following aliases. */
export function findPreset(name: string): ProviderPreset | undefined {
  const key = presetName(name);
  return key === undefined ? undefined : PROVIDER_PRESETS[key];
}
