// What the proxy remembers between requests to route like a gateway: each provider's circuit and key pool.
import type { Config, ProviderConfig } from "../config/schema.ts";
import { CircuitBreakers, type CircuitSnapshot } from "../upstream/circuit_breaker.ts";
import { type KeyEvent, KeyPool, type KeyPoolCounts, pooledFetch } from "../upstream/key_pool.ts";
import { FETCH_RESENDS_ON_RESET } from "../runtime.ts";
import type { AppDeps } from "./deps.ts";
import type { RequestLog } from "./request_log.ts";

/** One provider's state, as `/health` and `check` show it: never a key. */
export interface ProviderState {
  circuit: CircuitSnapshot;
  /** For a provider with a key pool. */
  keys?: KeyPoolCounts;
}

/**
 * The circuits of all providers and the key pools of those that have one, kept for the life of
 * the app. Warnings (a circuit opened, a key refused) go to `warn`, each once per event.
 */
class Gateway {
  readonly breakers: CircuitBreakers;
  #config: Config;
  #pools = new Map<string, KeyPool>();
  #warn: (text: string) => void;

  constructor(config: Config, options: { now: () => number; warn?: (text: string) => void }) {
    this.#config = config;
    this.breakers = new CircuitBreakers({
      failures: config.upstream.circuitFailures,
      cooldownMs: config.upstream.circuitCooldownMs,
      now: options.now,
    });
    for (const provider of Object.values(config.providers)) {
      if (provider.keyPool && provider.apiKeyFrom !== "client") {
        this.#pools.set(provider.name, new KeyPool(provider.keyPool, options.now));
      }
    }
    this.#warn = options.warn ?? (() => {});
  }

  /**
   * The `fetch` a request to `provider` uses: with a key pool, one that puts the pool's next key
   * in each call and notes in `log` (if any) what the pool did; else `base` itself.
   */
  fetchFor(provider: ProviderConfig, base: typeof fetch, log?: RequestLog): typeof fetch {
    const pool = this.#pools.get(provider.name);
    const header = provider.apiKeyHeader;
    // A key header set by hand in `headers` wins over the pool, as it wins over `api_key`.
    if (!pool || Object.keys(provider.headers).some((h) => h.toLowerCase() === header)) return base;
    return pooledFetch(base, {
      pool,
      header,
      onEvent: (event) => this.#keyEvent(provider, event, log),
      ...(base === globalThis.fetch && FETCH_RESENDS_ON_RESET ? { oneShot: true } : {}),
    });
  }

  /** Notes that a provider's circuit opened, in the log and on stderr. */
  circuitOpened(provider: string, log: RequestLog): void {
    const { circuitFailures: failures, circuitCooldownMs: cooldown } = this.#config.upstream;
    const times = failures === 1 ? "once" : `${failures} times in a row`;
    log.decided(`circuit opened: ${provider} (${times}; skipped ${seconds(cooldown)} s)`);
    this.#warn(
      `claude-proxy: provider "${provider}" failed ${times}: skipped for ${seconds(cooldown)} s ` +
        "while another target is left",
    );
  }

  /** Every provider's circuit and key pool, by provider name. */
  state(): Record<string, ProviderState> {
    const out: Record<string, ProviderState> = {};
    for (const name of Object.keys(this.#config.providers)) {
      const pool = this.#pools.get(name);
      out[name] = {
        circuit: this.breakers.snapshot(name),
        ...(pool ? { keys: pool.counts() } : {}),
      };
    }
    return out;
  }

  #keyEvent(provider: ProviderConfig, event: KeyEvent, log: RequestLog | undefined): void {
    const key = `key ${event.key.label} (${provider.name})`;
    if (event.kind === "rested") {
      log?.decided(`${key} 429: resting ${seconds(event.ms)} s`);
      return;
    }
    log?.decided(`${key} ${event.status}: set aside`);
    if (event.first) {
      this.#warn(
        `claude-proxy: provider "${provider.name}" refused ${event.key.label} with ${event.status}: ` +
          "it is set aside and the pool's other keys are used (check the key, then restart)",
      );
    }
  }
}

const gateways = new WeakMap<AppDeps, Gateway>();

/** The app's {@linkcode Gateway}: one per `deps`, made on first use with its clock and `warn`. */
export function gatewayOf(deps: AppDeps): Gateway {
  let gateway = gateways.get(deps);
  if (!gateway) {
    gateway = new Gateway(deps.config, {
      now: deps.now,
      ...(deps.warn ? { warn: deps.warn } : {}),
    });
    gateways.set(deps, gateway);
  }
  return gateway;
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(1));
}
