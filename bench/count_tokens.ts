// Times POST /v1/messages/count_tokens on the real request: a new prompt, and the same prompt again.
import { cpuMs } from "./proc_stats.ts";
import type { PreparedRequest } from "./scenarios.ts";
import type { MessagesRequest } from "../src/wire/anthropic_types.ts";

/** What the count_tokens phase measured. */
export interface CountTokensFigures {
  /** The process's first call (a one-message request): loads the tokenizer. */
  loadMs: number;
  /** p50 over variants of the real request that share no long text (nothing memoized). */
  newPromptMs: number;
  /** p50 of the same request again (Claude Code resends its system prompt and tools). */
  repeatMs: number;
  /** Server CPU per call: a new prompt, and a repeated one. */
  newPromptCpuMs: number;
  repeatCpuMs: number;
  inputTokens: number;
}

async function call(url: string, request: PreparedRequest): Promise<number> {
  const response = await fetch(`${url}/v1/messages/count_tokens`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  const body = await response.json() as { input_tokens?: number };
  if (response.status !== 200 || typeof body.input_tokens !== "number") {
    throw new Error(`count_tokens answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.input_tokens;
}

/** The request with every system block, tool and text block changed, so that no long text repeats. */
export function variant(body: MessagesRequest, n: number): MessagesRequest {
  const mark = ` (variant ${n})`;
  const copy = structuredClone(body) as MessagesRequest & { system?: unknown };
  if (Array.isArray(copy.system)) {
    for (const block of copy.system as { text?: string }[]) block.text += mark;
  }
  for (const tool of (copy.tools ?? []) as { description?: string; input_schema?: unknown }[]) {
    if (typeof tool.description === "string") tool.description += mark;
    if (tool.input_schema) tool.input_schema = { ...tool.input_schema, $comment: mark };
  }
  for (const message of copy.messages) {
    if (typeof message.content === "string") message.content += mark;
    else {
      for (const block of message.content as { type: string; text?: string }[]) {
        if (block.type === "text") block.text += mark;
      }
    }
  }
  return copy;
}

async function timeCalls(
  url: string,
  requests: PreparedRequest[],
  pid: number,
): Promise<{ p50: number; cpu: number; tokens: number }> {
  const times: number[] = [];
  let tokens = 0;
  const cpu0 = cpuMs(pid);
  for (const request of requests) {
    const started = performance.now();
    tokens = await call(url, request);
    times.push(performance.now() - started);
  }
  const cpu = (cpuMs(pid) - cpu0) / requests.length;
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, cpu, tokens };
}

/**
 * Loads the tokenizer with `small`, warms it up (untimed) on `warmup`, then counts `variants` (new
 * prompts of the real request's size, none of them among the warm-up ones), then `repeat` (the
 * same request each time), reading the server's CPU around each run.
 */
export async function measureCountTokens(
  url: string,
  requests: {
    small: PreparedRequest;
    warmup: PreparedRequest[];
    variants: PreparedRequest[];
    repeat: PreparedRequest[];
  },
  pid: number,
): Promise<CountTokensFigures> {
  const started = performance.now();
  await call(url, requests.small);
  const loadMs = performance.now() - started;
  for (const request of requests.warmup) await call(url, request);
  const fresh = await timeCalls(url, requests.variants, pid);
  const repeat = await timeCalls(url, requests.repeat, pid);
  return {
    loadMs,
    newPromptMs: fresh.p50,
    newPromptCpuMs: fresh.cpu,
    repeatMs: repeat.p50,
    repeatCpuMs: repeat.cpu,
    inputTokens: repeat.tokens,
  };
}
