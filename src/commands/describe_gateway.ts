// For `check`: the router rules in order, the fallback chains, the circuit breaker and the key pools (counts,
// never keys), and what a running proxy says of its circuits and pools.
import type { Config } from "../config/schema.ts";
import { BYTES_PER_TOKEN } from "../routing/request_signals.ts";
import {
  formatTokens,
  type RouterRule,
  RULE_FIELDS,
  RULE_ORDER,
  targetLabel,
} from "../routing/router.ts";
import type { ProviderState } from "../server/gateway.ts";
import { plural } from "../util/plural.ts";

/** What each rule matches, in a few words. */
const RULE_MEANING: Readonly<Record<RouterRule, string>> = {
  web_search: "requests that carry the web search tool",
  long_context: "input over LIMIT tokens (estimated from its size: bytes / BYTES)",
  subagent: "requests from Claude Code's subagents",
  background: "haiku-class models (Claude Code's background calls)",
  think: "requests with thinking enabled or adaptive",
  image: "requests with images, when the model they go to cannot see images",
};

/**
 * Every target the router and the fallback lists name, each with its provider (the default one
 * for a router target without one; a model's fallback without one is left out: its provider
 * depends on the route that failed).
 */
export function gatewayTargets(config: Config): Array<{ model: string; provider: string }> {
  const out: Array<{ model: string; provider: string }> = [];
  const router = config.router;
  for (const rule of RULE_ORDER) {
    const target = router?.[RULE_FIELDS[rule]];
    if (target) {
      out.push({ model: target.model, provider: target.provider ?? config.defaultProvider });
    }
  }
  for (const provider of Object.values(config.providers)) {
    for (const t of provider.fallback ?? []) {
      out.push({ model: t.model, provider: t.provider ?? provider.name });
    }
  }
  for (const options of Object.values(config.modelOptions)) {
    for (const t of options.fallback ?? []) {
      if (t.provider) out.push({ model: t.model, provider: t.provider });
    }
  }
  return out;
}

/** Whether `config` sets anything a gateway keeps state for: fallbacks or key pools. */
export function hasGatewayState(config: Config): boolean {
  return Object.values(config.providers).some((p) => p.fallback?.length || p.keyPool) ||
    Object.values(config.modelOptions).some((o) => o.fallback?.length);
}

/** Lines on the router, the fallback chains, the circuit breaker and the key pools; "" with none set. */
export function describeGateway(config: Config): string {
  const lines: string[] = [];
  const router = config.router;
  if (router) {
    lines.push(
      "",
      "Router (rules in this order; an exact [models] name or a model@provider named by the client wins):",
    );
    const rows = RULE_ORDER.flatMap((rule) => {
      const target = router[RULE_FIELDS[rule]];
      if (!target) return [];
      const meaning = RULE_MEANING[rule].replace("LIMIT", formatTokens(router.longContextTokens))
        .replace("BYTES", String(BYTES_PER_TOKEN));
      return [[rule, targetLabel(config, target), meaning]];
    });
    lines.push(...columns(rows, "  ", [" → ", "  "]));
  }
  const chains = fallbackLines(config);
  if (chains.length > 0) {
    lines.push(
      "",
      "Fallback chains (on 429, 5xx, overloaded, timeouts and unreachable providers, before any byte reached the client):",
      ...columns(chains, "  ", [" → "]),
    );
  }
  if (chains.length > 0) {
    const { circuitFailures: failures, circuitCooldownMs: cooldown } = config.upstream;
    lines.push(
      "",
      failures > 0
        ? `Circuit breaker: a provider that fails ${failures} requests in a row is skipped for ${
          cooldown / 1000
        } s while another target is left, then one request probes it`
        : "Circuit breaker: off (circuit_failures = 0)",
    );
  }
  const pools = Object.values(config.providers).filter((p) => p.keyPool);
  if (pools.length > 0) {
    lines.push(
      "",
      "Key pools (requests spread in turn; a 429 rests a key, a 401 or 403 sets it aside):",
    );
    for (const provider of pools) {
      const labels = provider.keyPool!.map((k) => k.label).join(", ");
      lines.push(`  ${provider.name}: ${provider.keyPool!.length} keys (${labels})`);
    }
  }
  return lines.join("\n");
}

function fallbackLines(config: Config): string[][] {
  const rows: string[][] = [];
  for (const provider of Object.values(config.providers)) {
    if (!provider.fallback?.length) continue;
    const targets = provider.fallback.map((t) => `${t.provider ?? provider.name}/${t.model}`);
    rows.push([`${provider.name} (any model)`, targets.join(" → ")]);
  }
  for (const [model, options] of Object.entries(config.modelOptions)) {
    if (!options.fallback?.length) continue;
    const targets = options.fallback.map((t) =>
      t.provider ? `${t.provider}/${t.model}` : `${t.model} (same provider)`
    );
    rows.push([`${model} (model_options)`, targets.join(" → ")]);
  }
  return rows;
}

/**
 * Lines on what the proxy running at the config's address says of its circuits and key pools, from
 * its `/health`; a line saying none answers (or that another config runs there) otherwise.
 */
export async function describeRunningGateway(
  config: Config,
  options: { fingerprint: string; fetch?: typeof fetch; timeoutMs?: number },
): Promise<string> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
  let health: { config?: unknown; providers?: Record<string, ProviderState> };
  try {
    const response = await (options.fetch ?? fetch)(`${url}/health`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 1_000),
    });
    health = await response.json();
  } catch {
    return `\nRunning proxy: none answers at ${url} (circuits and resting keys live in a running proxy)`;
  }
  if (health.config !== options.fingerprint || !health.providers) {
    return `\nRunning proxy at ${url}: it runs another config (restart it to use this one)`;
  }
  const lines = [`\nRunning proxy at ${url}:`];
  for (const [name, state] of Object.entries(health.providers)) {
    const { circuit, keys } = state;
    const parts = [circuitText(circuit)];
    if (keys) {
      parts.push(
        `keys: ${keys.ready} of ${keys.total} ready` +
          (keys.resting ? `, ${keys.resting} resting` : "") +
          (keys.setAside ? `, ${keys.setAside} set aside (refused)` : ""),
      );
    }
    lines.push(`  ${name}: ${parts.join("; ")}`);
  }
  return lines.join("\n");
}

function circuitText(circuit: ProviderState["circuit"]): string {
  switch (circuit.state) {
    case "closed":
      return circuit.failures > 0
        ? `circuit closed (${plural(circuit.failures, "failure")} in a row)`
        : "circuit closed";
    case "half-open":
      return `circuit half-open (${
        plural(circuit.failures, "failure")
      }; the next request probes it)`;
    case "open":
      return `circuit open (${plural(circuit.failures, "failure")}; ${
        Math.ceil((circuit.retryInMs ?? 0) / 1000)
      } s left)`;
  }
}

/** Aligns rows into columns, with `separators[i]` between column i and i + 1. */
function columns(rows: string[][], indent: string, separators: string[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((row) =>
    indent +
    row.map((cell, i) =>
      i === row.length - 1
        ? cell
        : cell.padEnd(widths[i] ?? 0) + (separators[i] ?? separators.at(-1))
    ).join("")
  ).map((line) => line.trimEnd());
}
