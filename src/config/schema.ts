// The resolved configuration: types and defaults only.
import type { ModelPrice } from "../providers/model_price.ts";
import type {
  ApiKeyHeader,
  ProviderFeature,
  ProviderFormat,
} from "../providers/provider_format.ts";

/** Options for one upstream model (the `[model_options."name"]` tables). */
export interface ModelOptions {
  /** Upper bound for max_tokens sent upstream (Claude Code asks for 32k–64k). */
  maxTokens?: number;
  /** Forces this reasoning effort regardless of what the client asked for. */
  reasoningEffort?: "minimal" | "low" | "medium" | "high" | "xhigh";
  /** Whether the model accepts images; false turns image blocks into a clear 400. */
  images?: boolean;
  /** Whether the model is an OpenAI-style reasoning model (max_completion_tokens, no temperature). */
  reasoning?: boolean;
  /** The model's context window in tokens (overrides the model catalog). */
  contextWindow?: number;
  /** Prices in USD per million tokens (override the model catalog). */
  price?: ModelPrice;
  /** Which OpenAI API the model needs on an OpenAI-format provider (overrides the catalog). */
  api?: "chat" | "responses";
  /**
   * Where a request for this model goes when its provider fails before answering, in order
   * (replaces the provider's `fallback`); a target without a provider stays on the same provider.
   */
  fallback?: RouteTarget[];
}

/** A `[models]`-style target: a model, optionally on a named provider (`model@provider`). */
export interface RouteTarget {
  model: string;
  /** The provider's name in the config; absent: the default provider (or, in a fallback list, the same one). */
  provider?: string;
}

/** One key of a provider's key pool, with the name it is reported by (never the key). */
export interface PoolKey {
  /** The secret; never logged or printed. */
  key: string;
  /** What messages call it: its variable (`OPENAI_KEY_2`) or its place (`api_key #2`). */
  label: string;
}

/** One provider, fully resolved (preset merged with the file). */
export interface ProviderConfig {
  /** The provider's name in the config (the table name, or the preset name for `[provider]`). */
  name: string;
  /** The preset it is based on. */
  preset: string;
  baseUrl: string;
  format: ProviderFormat;
  /** The resolved secret (the first key of a pool); never logged or printed. */
  apiKey?: string;
  /**
   * With two keys or more (`api_key_env = ["A", "B"]`, `api_key = [...]`): every key, in order;
   * requests spread over them. Never logged or printed.
   */
  keyPool?: PoolKey[];
  /** The environment variable the key came from (for messages). */
  apiKeyEnv?: string;
  /** `"client"`: forward the client's own key upstream instead of a server key. */
  apiKeyFrom?: "config" | "client";
  apiKeyHeader: ApiKeyHeader;
  /** Extra headers sent upstream. */
  headers: Record<string, string>;
  /** Query parameters added to every upstream URL (Azure's api-version). */
  query: Record<string, string>;
  /** Thinking blocks in history go back upstream as `reasoning_content` (DeepSeek, Kimi). */
  reasoningHistory: boolean;
  /** Whether the provider accepts PDF documents as file parts. */
  supportsDocuments: boolean;
  /** The highest reasoning effort the provider knows (`xhigh` for OpenAI's newest models). */
  maxEffort: "high" | "xhigh";
  /** Whether `reasoning_effort` is sent for non-reasoning-named models too. */
  sendReasoningEffort: boolean;
  /** OpenAI format: the provider quirks applied, by name (see src/quirks/registry.ts). */
  quirks: string[];
  /** Request timeout for first byte, in milliseconds (overrides the global one). */
  timeoutMs?: number;
  /** Anthropic format: request fields removed before forwarding (`drop_fields` paths). */
  dropFields?: string[];
  /** Anthropic format: `anthropic-beta` values (globs) removed before forwarding. */
  rejectedBetas?: string[];
  /** Anthropic format: features the provider lacks; a request that needs one is refused. */
  unsupported?: ProviderFeature[];
  /** Where requests go, in order, when this provider fails before answering (`fallback`). */
  fallback?: RouteTarget[];
}

/** One `[models]` rule: a Claude model name or glob → an upstream model, optionally on a provider. */
export interface ModelRule {
  pattern: string;
  /** True for exact names, false for globs (`*`, `?`). */
  exact: boolean;
  model: string;
  provider?: string;
}

/** The whole resolved configuration. */
export interface Config {
  host: string;
  port: number;
  providers: Record<string, ProviderConfig>;
  /** The provider used when a rule names none. */
  defaultProvider: string;
  /** Rules in match order: exact names first, then globs in file order, `*` last. */
  models: ModelRule[];
  modelOptions: Record<string, ModelOptions>;
  /** Top-level fields removed from every upstream request (`[params] drop`). */
  drop: string[];
  log: LogConfig;
  /** Clients must send this as x-api-key or Bearer when set. */
  authToken?: string;
  /** Web page origins allowed to call the proxy (`allowed_origins`); others are refused. */
  allowedOrigins: string[];
  /** Host names the proxy answers to besides its bind address and loopback (`allowed_hosts`). */
  allowedHosts: string[];
  maxBodyBytes: number;
  /** How long in-flight requests may finish after SIGINT/SIGTERM, in milliseconds. */
  shutdownGraceMs: number;
  upstream: UpstreamConfig;
  /** The search backend that answers web search requests (`[web_search]`); absent when not set up. */
  webSearch?: WebSearchConfig;
  /** Routing by kind of request (`[router]`); absent when no rule is set. */
  router?: RouterConfig;
  /** What `run` and `env` tell Claude Code beyond the routes (`[claude_code]`). */
  claudeCode?: ClaudeCodeConfig;
  /** Where the config came from: the files used, highest precedence first, or "defaults". */
  source: string;
  /** The config files used, highest precedence first (empty without any). */
  files: string[];
  /**
   * Where each resolved value came from, by key path (`port`, `providers.deepseek.base_url`,
   * `providers.deepseek.api_key`, `models."*opus*"`): "--port", "env PORT", "FILE:LINE",
   * "preset deepseek", "default"…; never the value itself.
   */
  origins: Record<string, string>;
  /** Things the user should know that are not errors (ignored overrides, skipped credentials). */
  notices: string[];
}

/** The `[router]` table: where each kind of request goes instead of its `[models]` route. */
export interface RouterConfig {
  /** Claude Code's small background calls (haiku-class model names). */
  background?: RouteTarget;
  /** Requests with thinking enabled. */
  think?: RouteTarget;
  /** Requests whose estimated input passes `longContextTokens`. */
  longContext?: RouteTarget;
  /** The input size, in estimated tokens, past which `longContext` applies. */
  longContextTokens: number;
  /** Requests with images, when the model they are routed to cannot see images. */
  image?: RouteTarget;
  /** Requests from Claude Code's subagents. */
  subagent?: RouteTarget;
  /** Requests that carry the web search server tool. */
  webSearch?: RouteTarget;
}

/** The default `long_context_tokens`: past 100k estimated input tokens. */
export const DEFAULT_LONG_CONTEXT_TOKENS = 100_000;

/** The `[claude_code]` table: settings for Claude Code started by `run` or set up by `env`. */
export interface ClaudeCodeConfig {
  /** The model Claude Code's subagents use (CLAUDE_CODE_SUBAGENT_MODEL): a Claude id or alias. */
  subagentModel?: string;
}

/** The request log's settings. */
export interface LogConfig {
  file?: string;
  maxEntries: number;
  bodies: boolean;
}

/** Upstream retry and timeout settings. */
export interface UpstreamConfig {
  /** Retries after the first try (so `retries + 1` tries in all). */
  retries: number;
  /** Until the response headers, connecting included. */
  firstByteTimeoutMs: number;
  /** The whole wait for an answer to begin, every try and the waits between them included. */
  deadlineMs: number;
  idleTimeoutMs: number;
  pingIntervalMs: number;
  /** Failed requests in a row that open a provider's circuit (0: never). */
  circuitFailures: number;
  /** How long an open circuit skips its provider before one request probes it, in milliseconds. */
  circuitCooldownMs: number;
}

/** A search API the proxy can query itself. */
export type WebSearchBackend = "brave" | "tavily" | "searxng";

/** Every {@linkcode WebSearchBackend}, for validation. */
export const WEB_SEARCH_BACKENDS: readonly WebSearchBackend[] = ["brave", "tavily", "searxng"];

/** The `[web_search]` table, resolved: the backend that answers web search requests. */
export interface WebSearchConfig {
  backend: WebSearchBackend;
  /** The API root: Brave `https://api.search.brave.com/res/v1`, Tavily `https://api.tavily.com`, a SearXNG instance's root. */
  baseUrl: string;
  /** The resolved key (Brave and Tavily need one; SearXNG takes an optional Bearer token); never logged. */
  apiKey?: string;
  /** The environment variable the key came from (for messages). */
  apiKeyEnv?: string;
  /** Results asked for per search (default 5). */
  maxResults: number;
  /** How long a search may take, in milliseconds (default 15 000). */
  timeoutMs: number;
}

/** Web search defaults: 5 results, 15 s. */
export const DEFAULT_WEB_SEARCH = { maxResults: 5, timeoutMs: 15_000 } as const;

/** The default port (the Rust claude-proxy's). */
export const DEFAULT_PORT = 4222;
/** The default bind address: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";
/** The default grace period for in-flight requests on shutdown: 30 s. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** The default request body limit: 32 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** The default number of request-log entries kept. */
export const DEFAULT_LOG_MAX_ENTRIES = 10_000;

/**
 * Upstream defaults: 2 retries (3 tries), streaming-friendly timeouts, 5 minutes for an answer to
 * begin, a circuit open for 30 s after 3 failures.
 */
export const DEFAULT_UPSTREAM: UpstreamConfig = {
  retries: 2,
  firstByteTimeoutMs: 300_000,
  deadlineMs: 300_000,
  idleTimeoutMs: 300_000,
  pingIntervalMs: 10_000,
  circuitFailures: 3,
  circuitCooldownMs: 30_000,
};
