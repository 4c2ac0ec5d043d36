// `claude-proxy check`: load the config, print routes and key status, and with --ping try each provider.
import type { CliOptions } from "../cli.ts";
import { describeConfig, keyStatus } from "./describe_config.ts";
import { configFingerprint } from "../config/fingerprint.ts";
import { loadConfig } from "../config/load.ts";
import type { Config, ProviderConfig, WebSearchConfig } from "../config/schema.ts";
import { redactSecrets } from "../log/redact.ts";
import { findModelOptions } from "../routing/route.ts";
import { configSecrets } from "../server/deps.ts";
import { isOpenAIReasoningModel } from "../translate/openai/effort.ts";
import { isRecord } from "../util/is_record.ts";
import { plural } from "../util/plural.ts";
import { geminiUrl, upstreamHeaders, upstreamUrl } from "../upstream/target.ts";
import { searchWeb, WebSearchError } from "../web_search/search.ts";
import { type CommandContext, loadOptionsFor } from "./config_paths.ts";
import {
  describeGateway,
  describeRunningGateway,
  gatewayTargets,
  hasGatewayState,
} from "./describe_gateway.ts";

/** Options for {@linkcode runCheck}. */
export interface CheckCommandOptions extends CommandContext {
  write: (text: string) => void;
  fetch?: typeof fetch;
  /** How long each ping may take (default 20 s). */
  pingTimeoutMs?: number;
}

/** What one ping found. */
export interface PingResult {
  provider: string;
  model?: string;
  ok: boolean;
  /** One line: status, time and what came back (or why nothing did). */
  detail: string;
}

/**
 * Prints the resolved config; returns 0 when every provider has what it needs to authenticate
 * (and, with `--ping`, answered), else 1.
 */
export async function runCheck(cli: CliOptions, options: CheckCommandOptions): Promise<number> {
  const config = await loadConfig(loadOptionsFor(cli, options));
  options.write(describeConfig(config));
  const gateway = describeGateway(config);
  if (gateway) options.write(gateway);
  if (hasGatewayState(config)) {
    options.write(
      await describeRunningGateway(config, {
        fingerprint: configFingerprint(config),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    );
  }
  let ok = Object.values(config.providers).every((p) =>
    keyStatus(p, config.origins[`providers.${p.name}.api_key`]).ok
  );
  if (cli.ping) {
    options.write("\nPing (a one-token request to each provider):");
    const results = await pingProviders(config, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      timeoutMs: options.pingTimeoutMs ?? 20_000,
    });
    for (const result of results) {
      const model = result.model ? ` ${result.model}` : "";
      options.write(`  ${result.provider}${model}: ${result.detail}`);
      ok &&= result.ok;
    }
    if (config.webSearch) {
      const search = await pingWebSearch(config.webSearch, options.fetch);
      options.write(`  web search (${config.webSearch.backend}): ${search.detail}`);
      ok &&= search.ok;
    }
  }
  return ok ? 0 : 1;
}

/** The query a web search ping sends. */
const PING_QUERY = "claude-proxy";

/** Runs one search on the `[web_search]` backend: how many results, how long, or why none. */
async function pingWebSearch(
  settings: WebSearchConfig,
  fetchImpl?: typeof fetch,
): Promise<{ ok: boolean; detail: string }> {
  const started = performance.now();
  try {
    const hits = await searchWeb(settings, PING_QUERY, fetchImpl ? { fetch: fetchImpl } : {});
    const ms = Math.round(performance.now() - started);
    return { ok: true, detail: `ok, ${plural(hits.length, "result")} in ${ms} ms` };
  } catch (err) {
    if (!(err instanceof WebSearchError)) throw err;
    return { ok: false, detail: `${err.code}: ${err.message}` };
  }
}

/**
 * The model a ping uses for `provider`: a haiku route to it, else any route to it, else a
 * `[router]` or fallback target on it.
 */
export function pingModel(config: Config, provider: ProviderConfig): string | undefined {
  const routes = config.models.filter((r) =>
    (r.provider ?? config.defaultProvider) === provider.name
  );
  const ruled = (routes.find((r) => /haiku/i.test(r.pattern)) ?? routes[0])?.model;
  return ruled ?? gatewayTargets(config).find((t) => t.provider === provider.name)?.model;
}

/** Sends a one-token request to every provider, in parallel; never throws. */
function pingProviders(
  config: Config,
  options: { fetch?: typeof fetch; timeoutMs: number },
): Promise<PingResult[]> {
  // Each key of a pool is pinged on its own, named by its label, so that a refused key shows.
  const targets = Object.values(config.providers).flatMap((provider) =>
    provider.keyPool
      ? provider.keyPool.map((k) => ({
        provider: { ...provider, apiKey: k.key },
        label: `${provider.name} (${k.label})`,
      }))
      : [{ provider, label: provider.name }]
  );
  return Promise.all(
    targets.map(({ provider, label }) => pingProvider(config, provider, { ...options, label })),
  );
}

async function pingProvider(
  config: Config,
  provider: ProviderConfig,
  options: { fetch?: typeof fetch; timeoutMs: number; label: string },
): Promise<PingResult> {
  const model = pingModel(config, provider);
  const base = { provider: options.label, ...(model ? { model } : {}) };
  if (model === undefined) return { ...base, ok: true, detail: "skipped: no route uses it" };
  if (provider.apiKeyFrom === "client") {
    return { ...base, ok: true, detail: "skipped: it uses the client's key" };
  }
  const request = pingRequest(config, provider, model);
  const started = performance.now();
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    const said = redactSecrets(summarize(text, response.ok), configSecrets(config));
    return {
      ...base,
      ok: response.ok,
      detail: `${response.ok ? "ok" : "failed"}: HTTP ${response.status} in ${ms} ms${
        said ? `: ${said}` : ""
      }`,
    };
  } catch (err) {
    const reason = (err as Error).name === "TimeoutError"
      ? `no answer within ${options.timeoutMs} ms`
      : (err as Error).message;
    return {
      ...base,
      ok: false,
      detail: `failed: ${redactSecrets(reason, configSecrets(config))}`,
    };
  }
}

function pingRequest(config: Config, provider: ProviderConfig, model: string) {
  const messages = [{ role: "user", content: "Reply with OK" }];
  const headers = upstreamHeaders(provider, new Headers());
  if (provider.format === "anthropic") {
    headers["anthropic-version"] = "2023-06-01";
    return {
      url: upstreamUrl(provider, "/v1/messages"),
      headers,
      body: { model, max_tokens: 1, messages },
    };
  }
  if (provider.format === "gemini") {
    return {
      url: geminiUrl(provider, model, "generateContent"),
      headers,
      // Thinking models spend a few tokens before any answer.
      body: {
        contents: [{ role: "user", parts: [{ text: "Reply with OK" }] }],
        generationConfig: { maxOutputTokens: 16 },
      },
    };
  }
  if (provider.format === "openai-responses") {
    return {
      url: upstreamUrl(provider, "/responses"),
      headers,
      // 16 is the smallest max_output_tokens the Responses API takes.
      body: { model, input: "Reply with OK", max_output_tokens: 16, store: false },
    };
  }
  const reasoning = findModelOptions(config.modelOptions, model).reasoning ??
    isOpenAIReasoningModel(model);
  return {
    url: upstreamUrl(provider, "/chat/completions"),
    headers,
    // Reasoning models refuse max_tokens, and spend a few tokens before any answer.
    body: { model, messages, ...(reasoning ? { max_completion_tokens: 16 } : { max_tokens: 1 }) },
  };
}

/** What came back, in a few words: the answer's text, or the error message. */
function summarize(text: string, ok: boolean): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return clip(text.trim());
  }
  if (!isRecord(data)) return clip(text.trim());
  const record = data as {
    error?: { message?: unknown } | string;
    message?: unknown;
    choices?: Array<{ message?: { content?: unknown } }>;
    content?: Array<{ text?: unknown }>;
    output?: Array<{ content?: Array<{ text?: unknown }> }>;
    candidates?: Array<{ content?: { parts?: Array<{ text?: unknown }> } }>;
    model?: unknown;
    modelVersion?: unknown;
  };
  if (!ok) {
    const error = record.error;
    const message = typeof error === "string" ? error : error?.message ?? record.message;
    return clip(typeof message === "string" ? message : text.trim());
  }
  const answer = record.choices?.[0]?.message?.content ?? record.content?.[0]?.text ??
    (Array.isArray(record.output) ? record.output : [])
      .find((item) => Array.isArray(item?.content))?.content?.[0]?.text ??
    geminiText(record.candidates);
  const name = record.model ?? record.modelVersion;
  const model = typeof name === "string" ? `model "${name}"` : "the model";
  return typeof answer === "string" && answer !== ""
    ? `${model} answered ${JSON.stringify(clip(answer))}`
    : `${model} answered`;
}

/** The answer text of a Gemini answer's first candidate (thoughts left out). */
function geminiText(candidates: unknown): string | undefined {
  const first: unknown = Array.isArray(candidates) ? candidates[0] : undefined;
  const content = isRecord(first) ? first.content : undefined;
  const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
  const texts = parts.filter((p) =>
    isRecord(p) && p.thought !== true && typeof p.text === "string"
  );
  return texts.length > 0 ? texts.map((p) => p.text).join("") : undefined;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
