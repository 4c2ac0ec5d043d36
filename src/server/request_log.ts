// One request's log record: its timing, route and outcome; opened and written once by the lifecycle.
import { toProxyError } from "../errors.ts";
import type { ModelPrice } from "../providers/model_price.ts";
import { requestCost } from "../log/cost.ts";
import type { RequestLogRecord } from "../log/record.ts";
import type { Route } from "../routing/route.ts";
import type { StreamSummary } from "../translate/anthropic/stream_summary.ts";
import { clientKey } from "../upstream/target.ts";
import { BodyLog } from "./body_log.ts";
import { type AppDeps, configSecrets } from "./deps.ts";

/** The status logged for a request whose client went away before the answer (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * The log record of one request while it runs. The lifecycle opens it and writes it once, when the
 * answer is complete (for a stream, when the stream ends); handlers add what they learn. `record`
 * is open to later additions (routing decisions, cost, session ids).
 */
export class RequestLog {
  /** The record that is written; fields may be added until the request finishes. */
  readonly record: RequestLogRecord;
  /** With `--log-bodies`: where the request, upstream and response bodies go. */
  readonly bodies: BodyLog | undefined;
  #deps: AppDeps;
  #started: number;
  #status: number | undefined;
  /** Set while a streamed answer runs: the record waits for its end. */
  #streaming = false;
  #written = false;
  /** The route's prices, once it is known. */
  #price: ModelPrice | undefined;

  constructor(deps: AppDeps, request: Request) {
    this.#deps = deps;
    this.#started = deps.now();
    const url = new URL(request.url);
    this.record = {
      time: new Date(this.#started).toISOString(),
      id: deps.newId("req_"),
      method: request.method,
      path: url.pathname,
      status: 0,
      total_ms: 0,
    };
    const userAgent = request.headers.get("user-agent");
    if (userAgent) this.record.user_agent = userAgent;
    const session = clientId(request.headers.get("x-claude-code-session-id"));
    if (session) this.record.session_id = session;
    const agent = clientId(request.headers.get("x-claude-code-agent-id"));
    if (agent) this.record.agent_id = agent;
    this.bodies = deps.config.log.bodies
      ? new BodyLog(this.record, upstreamSecrets(deps, request))
      : undefined;
  }

  /** Where the request goes: the model asked for, the provider and the upstream model. */
  routed(model: string, route: Route, stream?: boolean): void {
    this.#price = route.facts.price;
    Object.assign(this.record, {
      model,
      provider: route.provider.name,
      upstream_model: route.model,
      ...(stream === undefined ? {} : { stream }),
    });
  }

  /** Records a routing decision: a `[router]` rule and why, a fallback, a skipped circuit, a key set aside. */
  decided(decision: string): void {
    (this.record.routing ??= []).push(decision);
  }

  /** Records a change made to the request or answer (fields dropped, tokens capped, quirks). */
  note(change: string): void {
    (this.record.changes ??= []).push(change);
  }

  /** Like {@linkcode note}, but a change already recorded is not recorded again. */
  noteOnce(change: string): void {
    if (!this.record.changes?.includes(change)) this.note(change);
  }

  /** The upstream answered (its headers arrived) after `attempts` tries: retries and time to first byte. */
  upstreamAnswered(attempts: number): void {
    this.record.retries = attempts - 1;
    this.record.ttfb_ms = Math.round(this.#deps.now() - this.#started);
  }

  /** What the answer said: stop reason, token usage, and the error it ended with, if any. */
  answered(summary: StreamSummary): void {
    const { usage, error } = summary;
    this.record.stop_reason = summary.stopReason;
    this.record.input_tokens = usage.input_tokens;
    this.record.output_tokens = usage.output_tokens;
    if (usage.cache_read_input_tokens) this.record.cached_tokens = usage.cache_read_input_tokens;
    if (usage.cache_creation_input_tokens) {
      this.record.cache_write_tokens = usage.cache_creation_input_tokens;
    }
    if (error) {
      this.record.error_type = error.type;
      this.record.error_message = error.message;
    }
  }

  /** The first token went to the client: time to first token (the first call counts). */
  firstToken(): void {
    this.record.ttft_ms ??= Math.round(this.#deps.now() - this.#started);
  }

  /**
   * The answer is a stream: the record stays open until it ends. Returns the function the stream
   * calls once when it ends, with what it said.
   */
  streaming(): (summary: StreamSummary) => void {
    this.#streaming = true;
    this.#deps.metrics?.streamStarted();
    let ended = false;
    return (summary) => {
      if (ended) return;
      ended = true;
      this.#deps.metrics?.streamEnded();
      this.answered(summary);
      this.#streaming = false;
      this.#write();
    };
  }

  /**
   * The response left the route with `status`, or `error` was thrown on the way (`aborted`: the
   * client had gone). Writes the record now, or when a streamed answer ends.
   */
  responded(status: number, error?: unknown, aborted = false): void {
    this.#status = status;
    if (error !== undefined) {
      this.#streaming = false;
      const failure = aborted
        ? { type: "client_closed", message: "Client closed the connection before the answer" }
        : toProxyError(error);
      this.record.error_type = failure.type;
      this.record.error_message = failure.message;
    }
    this.#write();
  }

  #write(): void {
    if (this.#written || this.#streaming || this.#status === undefined) return;
    this.#written = true;
    this.record.status = this.#status;
    this.record.total_ms = Math.round(this.#deps.now() - this.#started);
    const { input_tokens, output_tokens } = this.record;
    if (this.#price && (input_tokens !== undefined || output_tokens !== undefined)) {
      this.record.cost_usd = requestCost({
        input: input_tokens,
        output: output_tokens,
        cache_read: this.record.cached_tokens,
        cache_write: this.record.cache_write_tokens,
      }, this.#price);
    }
    this.#deps.logger.write(this.record);
    this.#deps.metrics?.observe(this.record);
    for (const observer of this.#deps.observers ?? []) observer.finished?.(this.record);
  }
}

/** An id header's value as the log keeps it: up to 128 visible ASCII characters, else none. */
function clientId(value: string | null): string | undefined {
  const id = value?.trim();
  return id && /^[\x21-\x7e]{1,128}$/.test(id) ? id : undefined;
}

/** The keys that may show up in bodies and upstream answers: configured ones and the client's own. */
export function upstreamSecrets(deps: AppDeps, request: Request): string[] {
  const secrets = configSecrets(deps.config);
  const key = clientKey(request.headers);
  if (key) secrets.push(key);
  return secrets;
}
