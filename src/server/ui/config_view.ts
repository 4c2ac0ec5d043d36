// What the dashboard shows of the config: routes and providers, never a key or a header value.
import type { Config } from "../../config/schema.ts";
import { redactSecrets } from "../../log/redact.ts";
import { resolveRoute } from "../../routing/route.ts";

/** One `[models]` rule as the dashboard shows it. */
export interface RouteView {
  pattern: string;
  provider: string;
  model: string;
  format: string;
}

/** One provider as the dashboard shows it. */
export interface ProviderView {
  name: string;
  preset: string;
  format: string;
  /** The base URL, with anything that looks like a secret replaced. */
  base_url: string;
  /** `set`, `missing` (its variable is named), `client` (the client's key) or `none`. */
  key: "set" | "missing" | "client" | "none";
  key_env?: string;
  default: boolean;
}

/** The config as the dashboard shows it. */
export interface ConfigView {
  source: string;
  routes: RouteView[];
  providers: ProviderView[];
  /** Where a model no rule names goes. */
  fallback: { provider: string };
  log: { bodies: boolean; max_entries: number };
}

/** The routes and providers of `config`, with `secrets` (and every key shape) redacted. */
export function configView(config: Config, secrets: readonly string[]): ConfigView {
  const routes = config.models.map((rule) => {
    const route = resolveRoute(config, rule.pattern);
    return {
      pattern: rule.pattern,
      provider: route.provider.name,
      model: route.model,
      format: route.provider.format,
    };
  });
  const providers = Object.values(config.providers).map((provider): ProviderView => {
    const key = provider.apiKeyFrom === "client"
      ? "client"
      : provider.apiKey !== undefined
      ? "set"
      : provider.apiKeyEnv
      ? "missing"
      : "none";
    return {
      name: provider.name,
      preset: provider.preset,
      format: provider.format,
      base_url: redactSecrets(provider.baseUrl, secrets),
      key,
      ...(provider.apiKeyEnv ? { key_env: provider.apiKeyEnv } : {}),
      default: provider.name === config.defaultProvider,
    };
  });
  return {
    source: config.source,
    routes,
    providers,
    fallback: { provider: config.defaultProvider },
    log: { bodies: config.log.bodies, max_entries: config.log.maxEntries },
  };
}
