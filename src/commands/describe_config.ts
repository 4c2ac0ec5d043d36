// Renders a resolved config for people: routes, providers (key present or not, never the key), origins. Pure.
import { findRule, resolveRoute } from "../routing/route.ts";
import { keyPath } from "../config/key_path.ts";
import type { Config, ProviderConfig, WebSearchConfig } from "../config/schema.ts";

/** Model names Claude Code sends, to show where each family goes (opus as with 1M context). */
const SAMPLE_CLAUDE_MODELS: readonly string[] = [
  "claude-opus-5-5[1m]",
  "claude-sonnet-5-5",
  "claude-haiku-5-5",
  "claude-fable-5-2",
];

/** Whether a provider can authenticate: a key, the client's key, or no key needed. */
export function keyStatus(provider: ProviderConfig, origin: string | undefined): {
  ok: boolean;
  text: string;
} {
  if (provider.apiKeyFrom === "client") {
    return { ok: true, text: `the client's own key (api_key_from = "client")` };
  }
  if (provider.keyPool) {
    return { ok: true, text: `a pool of ${provider.keyPool.length} keys (${origin ?? "config"})` };
  }
  if (provider.apiKey !== undefined) return { ok: true, text: `present (${origin ?? "config"})` };
  if (!provider.apiKeyEnv) return { ok: true, text: "none needed" };
  return { ok: false, text: `missing: set ${provider.apiKeyEnv}` };
}

/**
 * Describes `config` in lines of text: where it came from, the routes (Claude model →
 * provider/model), each provider with its key status, model options, settings and notices.
 */
export function describeConfig(config: Config): string {
  const origin = (key: string) => config.origins[key];
  const lines = [`Config: ${config.files.length > 0 ? config.files.join(", ") : "(no file)"}`];
  lines.push("", "Routes (Claude model → provider/model):");
  const rows: string[][] = config.models.map((rule) => [
    rule.pattern,
    `${rule.provider ?? config.defaultProvider}/${rule.model}`,
    origin(keyPath(["models", rule.pattern])) ?? "",
  ]);
  if (!config.models.some((r) => r.pattern === "*")) {
    rows.push(["(any other)", `${config.defaultProvider}/(same name)`, ""]);
  }
  lines.push(...table(rows, "  ", " → "));
  lines.push("", "Claude Code's models:");
  lines.push(...table(
    SAMPLE_CLAUDE_MODELS.map((model) => {
      const route = resolveRoute(config, model);
      const rule = findRule(config.models, model);
      return [
        model,
        `${route.provider.name}/${route.model}`,
        rule ? `by "${rule.pattern}"` : "unmapped",
      ];
    }),
    "  ",
    " → ",
  ));
  lines.push("", "Providers:");
  for (const provider of Object.values(config.providers)) {
    const name = provider.name === config.defaultProvider
      ? `${provider.name} (default)`
      : provider.name;
    const key = keyStatus(provider, origin(`providers.${provider.name}.api_key`));
    lines.push(`  ${name}: preset ${provider.preset}, ${provider.format} format`);
    lines.push(
      `    url: ${provider.baseUrl} (${origin(`providers.${provider.name}.base_url`) ?? "config"})`,
    );
    lines.push(`    key: ${key.text}`);
    const headers = Object.keys(provider.headers);
    if (headers.length > 0) lines.push(`    headers: ${headers.join(", ")}`);
    if (provider.timeoutMs !== undefined) lines.push(`    timeout: ${provider.timeoutMs} ms`);
  }
  lines.push("", webSearchLine(config.webSearch, origin("web_search.api_key")));
  const options = Object.entries(config.modelOptions);
  if (options.length > 0) {
    lines.push("", "Model options:");
    for (const [model, value] of options) {
      // Fallback lists are shown with the other fallback chains (see `check`).
      const parts = Object.entries(value).filter(([k]) => k !== "fallback")
        .map(([k, v]) => `${snake(k)} = ${JSON.stringify(v)}`);
      lines.push(`  ${model}: ${parts.join(", ") || "(none)"}`);
    }
  }
  lines.push("", "Settings:");
  const settings: string[][] = [
    ["host", config.host, origin("host") ?? ""],
    ["port", String(config.port), origin("port") ?? ""],
    ["default_provider", config.defaultProvider, origin("default_provider") ?? ""],
    ["log.file", config.log.file ?? "(none)", origin("log.file") ?? ""],
    ["log.bodies", String(config.log.bodies), origin("log.bodies") ?? ""],
    ["auth_token", config.authToken ? "set" : "(none)", origin("auth_token") ?? ""],
    ["allowed_origins", config.allowedOrigins.join(", ") || "(none: web pages are refused)"],
    ["allowed_hosts", config.allowedHosts.join(", ") || "(loopback and host only)"],
  ];
  lines.push(...table(settings, "  ", "  "));
  if (config.notices.length > 0) {
    lines.push("", "Notices:", ...config.notices.map((n) => `  ${n}`));
  }
  return lines.join("\n");
}

/** One line on the search backend: backend, URL, where the key came from (never the key), limits. */
export function webSearchLine(
  webSearch: WebSearchConfig | undefined,
  keyOrigin: string | undefined,
): string {
  if (webSearch === undefined) {
    return "Web search: not set up (add a [web_search] table to answer Claude Code's web searches)";
  }
  const key = webSearch.apiKey !== undefined ? `key present (${keyOrigin ?? "config"})` : "no key";
  return `Web search: ${webSearch.backend} at ${webSearch.baseUrl}, ${key}, ` +
    `max_results ${webSearch.maxResults}, timeout ${webSearch.timeoutMs} ms`;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Aligns rows of [left, middle, origin] into columns. */
function table(rows: string[][], indent: string, separator: string): string[] {
  const width = (i: number) => Math.max(0, ...rows.map((r) => (r[i] ?? "").length));
  const [first, second] = [width(0), width(1)];
  return rows.map(([a = "", b = "", c = ""]) =>
    `${indent}${a.padEnd(first)}${separator}${c ? `${b.padEnd(second)}  ${c}` : b}`.trimEnd()
  );
}
