// Circuit breakers, one per provider: failures in a row open it, a cool-down skips the provider, one probe closes it.

/** Options for {@linkcode CircuitBreakers}. */
export interface CircuitOptions {
  /** Failed requests in a row that open a circuit; 0 turns the breakers off. */
  failures: number;
  /** How long an open circuit stays open before one request may probe the provider. */
  cooldownMs: number;
  /** The clock, in milliseconds. */
  now: () => number;
}

/** What a circuit says about sending a request to its provider now. */
export type Admission =
  | { state: "closed" }
  /** The cool-down is over: this request is the one probe. */
  | { state: "half-open" }
  /** Skip the provider: it failed `failures` times in a row; `retryInMs` is 0 while a probe runs. */
  | { state: "open"; failures: number; retryInMs: number };

/** One provider's circuit, for `/health` and `check`. */
export interface CircuitSnapshot {
  state: "closed" | "open" | "half-open";
  /** Failed requests in a row. */
  failures: number;
  /** While open: how long until a probe may go, in milliseconds. */
  retryInMs?: number;
}

interface Circuit {
  failures: number;
  /** When the circuit opened; undefined while closed. */
  openedAt?: number;
  /** A probe is on its way. */
  probing: boolean;
}

/**
 * The circuit of every provider. A circuit counts failed requests in a row (after their
 * retries); at `failures` it opens and the provider is skipped for `cooldownMs`; then one request
 * probes it (half-open): its success closes the circuit, its failure opens it for another
 * cool-down. Any answer that is not a provider failure counts as a success.
 *
 * @example
 * const breakers = new CircuitBreakers({ failures: 3, cooldownMs: 30_000, now: Date.now });
 * if (breakers.admit("openai").state !== "open") { ...; breakers.failed("openai"); }
 */
export class CircuitBreakers {
  #options: CircuitOptions;
  #circuits = new Map<string, Circuit>();

  constructor(options: CircuitOptions) {
    this.#options = options;
  }

  /** Whether a request may go to `provider` now; a half-open answer makes it the probe. */
  admit(provider: string): Admission {
    const circuit = this.#circuits.get(provider);
    if (!circuit || circuit.openedAt === undefined || this.#options.failures <= 0) {
      return { state: "closed" };
    }
    const left = circuit.openedAt + this.#options.cooldownMs - this.#options.now();
    if (left > 0 || circuit.probing) {
      return { state: "open", failures: circuit.failures, retryInMs: Math.max(0, left) };
    }
    circuit.probing = true;
    return { state: "half-open" };
  }

  /** `provider` answered: its circuit closes. */
  succeeded(provider: string): void {
    this.#circuits.delete(provider);
  }

  /** `provider` failed a request; returns true when this failure opened its circuit. */
  failed(provider: string): boolean {
    if (this.#options.failures <= 0) return false;
    const circuit = this.#circuits.get(provider) ?? { failures: 0, probing: false };
    this.#circuits.set(provider, circuit);
    circuit.failures++;
    const wasProbe = circuit.probing;
    circuit.probing = false;
    if (
      wasProbe || (circuit.openedAt === undefined && circuit.failures >= this.#options.failures)
    ) {
      circuit.openedAt = this.#options.now();
      return true;
    }
    return false;
  }

  /** A request to `provider` ended without saying whether it works (its client left): a probe may go again. */
  released(provider: string): void {
    const circuit = this.#circuits.get(provider);
    if (circuit) circuit.probing = false;
  }

  /** The state of `provider`'s circuit. */
  snapshot(provider: string): CircuitSnapshot {
    const circuit = this.#circuits.get(provider);
    if (!circuit || circuit.openedAt === undefined) {
      return { state: "closed", failures: circuit?.failures ?? 0 };
    }
    const left = circuit.openedAt + this.#options.cooldownMs - this.#options.now();
    if (left <= 0 || circuit.probing) return { state: "half-open", failures: circuit.failures };
    return { state: "open", failures: circuit.failures, retryInMs: left };
  }
}
