// A request log's worth of plausible past requests (seeded, so every run writes the same ones).
import type { RequestLogRecord } from "../../src/log/record.ts";

/** Options for {@linkcode historyRecords}. */
export interface HistoryOptions {
  count: number;
  /** The newest request's time, epoch ms. */
  now: number;
  /** How far back the requests go, in ms (default 20 hours). */
  spanMs?: number;
  /** Added to the seed, for a different but still repeatable history. */
  seed?: number;
}

const ROUTES = [
  {
    model: "claude-opus-4-8",
    provider: "openai",
    upstream: "gpt-6-sol",
    price: { input: 2.5, output: 15, cache: 0.25 },
  },
  {
    model: "claude-sonnet-4-5-20250929",
    provider: "deepseek",
    upstream: "deepseek-v4-pro",
    price: { input: 0.5, output: 2, cache: 0.05 },
  },
  {
    model: "claude-haiku-4-5-20251001",
    provider: "openai",
    upstream: "gpt-6-luna",
    price: { input: 0.25, output: 2, cache: 0.025 },
  },
  {
    model: "claude-sonnet-4-5-20250929",
    provider: "gemini",
    upstream: "gemini-3-flash",
    price: undefined,
  },
] as const;

/** A small deterministic random number generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` finished requests, oldest first, spread over `spanMs` before `now` with a busier
 * working day: three routes with prices, one without, some errors, cache reads and sessions.
 */
export function historyRecords(options: HistoryOptions): RequestLogRecord[] {
  const next = random(7 + (options.seed ?? 0));
  const span = options.spanMs ?? 20 * 3600_000;
  const times = Array.from({ length: options.count }, () => {
    // More requests in the recent part of the span, as a working session would send.
    const u = next();
    return options.now - span * (1 - Math.sqrt(u));
  }).sort((a, b) => a - b);
  const sessions = Array.from(
    { length: 6 },
    (_, i) => `0000000${i}-5e55-4000-8000-00000000000${i}`,
  );
  return times.map((time, i) => {
    const pick = next();
    const route = ROUTES[pick < 0.45 ? 0 : pick < 0.8 ? 2 : pick < 0.95 ? 1 : 3];
    const failed = next() < 0.03;
    const input = Math.round(800 + next() * 30_000);
    const cached = next() < 0.6 ? Math.round(input * (2 + next() * 6)) : 0;
    const output = Math.round(20 + next() ** 2 * 2500);
    const total = Math.round(600 + output * (8 + next() * 20) + next() * 800);
    const ttft = Math.round(250 + next() * 1200);
    const record: RequestLogRecord = {
      time: new Date(time).toISOString(),
      id: `req_history${String(i).padStart(6, "0")}`,
      method: "POST",
      path: "/v1/messages",
      model: route.model,
      provider: route.provider,
      upstream_model: route.upstream,
      stream: true,
      status: failed ? (next() < 0.5 ? 429 : 502) : 200,
      total_ms: failed ? Math.round(100 + next() * 900) : total,
      session_id: sessions[Math.floor(next() * sessions.length)]!,
      user_agent: "claude-cli/2.1.337 (external, cli)",
    };
    if (failed) {
      record.error_type = record.status === 429 ? "rate_limit_error" : "api_error";
      record.error_message = record.status === 429
        ? "Rate limit reached for requests"
        : "Upstream connection reset";
      return record;
    }
    Object.assign(record, {
      stop_reason: next() < 0.7 ? "tool_use" : "end_turn",
      input_tokens: input,
      output_tokens: output,
      ttfb_ms: Math.round(ttft * 0.6),
      ttft_ms: ttft,
    });
    if (cached > 0) record.cached_tokens = cached;
    if (next() < 0.15) record.agent_id = `agent-${Math.floor(next() * 1000)}`;
    if (route.price) {
      const p = route.price;
      record.cost_usd = (input * p.input + output * p.output + cached * p.cache) / 1e6;
    }
    if (next() < 0.3) record.changes = ["max_tokens 64000 → 32768 (the model's limit)"];
    return record;
  });
}
