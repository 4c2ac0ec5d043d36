// A minimal OpenAI Chat Completions upstream for the benchmarks: canned answers chosen by model name.
//
//   deno run --allow-net bench/mock_openai.ts     (prints "listening on http://127.0.0.1:PORT")
//
// Requests to a path ending in `/messages` get the Anthropic answers of bench/mock_anthropic.ts
// instead (the passthrough cases); every other path gets the OpenAI ones below.
// The model name picks the answer, so the mock never parses the request body (it only reads it):
// - `bench-json`: a non-streaming completion with one short text;
// - `bench-text-N`: a stream of N text chunks, a finish chunk and a usage chunk, then `[DONE]`;
// - `bench-tool-N`: a stream of two text chunks, then one tool call whose arguments arrive in N
//   fragments, then finish, usage and `[DONE]`.
// Each stream frame is enqueued on its own pull, so it reaches the socket as its own write, as a
// real provider's tokens do (there is no delay between them). Answers are encoded once and cached.
import { anthropicMessage, anthropicStreamFrames } from "./mock_anthropic.ts";

/** The model-name prefix every benchmark scenario uses. */
export const MODEL_PREFIX = "bench-";
const MODEL_MARKER = `"model":"${MODEL_PREFIX}`;
const CREATED = 1_700_000_000;
const encoder = new TextEncoder();

/** The words the mock streams, one per text chunk (cycled). */
export const WORDS = [
  "The",
  " quick",
  " brown",
  " fox",
  " jumps",
  " over",
  " the",
  " lazy",
  " dog.",
];

/** The text a `bench-text-N` stream carries, for checking the translated answer. */
export function streamedText(chunks: number): string {
  let text = "";
  for (let i = 0; i < chunks; i++) text += WORDS[i % WORDS.length];
  return text;
}

/** The tool call a `bench-tool-N` stream carries: name and the complete arguments JSON. */
export function streamedTool(fragments: number): { name: string; args: string } {
  const value = Array.from({ length: fragments }, (_, i) => `part${i}`).join("/");
  return { name: "Bash", args: JSON.stringify({ command: `echo ${value}`, timeout: 1000 }) };
}

/** The text of the `bench-json` completion. */
export const JSON_TEXT = "pong";

function chunk(model: string, delta: unknown, finish: string | null = null): string {
  const body = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: CREATED,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function usageChunk(model: string, completion: number): string {
  const body = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: CREATED,
    model,
    choices: [],
    usage: {
      prompt_tokens: 21_000,
      completion_tokens: completion,
      total_tokens: 21_000 + completion,
    },
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** The SSE frames of a streaming scenario, or undefined for an unknown model. */
export function streamFrames(model: string): string[] | undefined {
  const match = /^bench-(text|tool)-(\d+)$/.exec(model);
  if (!match) return undefined;
  const n = Number(match[2]);
  const frames = [chunk(model, { role: "assistant", content: "" })];
  if (match[1] === "text") {
    for (let i = 0; i < n; i++) frames.push(chunk(model, { content: WORDS[i % WORDS.length] }));
    frames.push(chunk(model, {}, "stop"), usageChunk(model, n));
  } else {
    frames.push(chunk(model, { content: "Running" }), chunk(model, { content: " it." }));
    const { name, args } = streamedTool(n);
    const size = Math.ceil(args.length / n);
    for (let i = 0; i < n; i++) {
      const piece = args.slice(i * size, (i + 1) * size);
      const call = i === 0
        ? { index: 0, id: "call_bench", type: "function", function: { name, arguments: piece } }
        : { index: 0, function: { arguments: piece } };
      frames.push(chunk(model, { tool_calls: [call] }));
    }
    frames.push(chunk(model, {}, "tool_calls"), usageChunk(model, n + 2));
  }
  frames.push("data: [DONE]\n\n");
  return frames;
}

function completion(model: string): string {
  return JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: CREATED,
    model,
    choices: [{
      index: 0,
      message: { role: "assistant", content: JSON_TEXT, refusal: null },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 21_000, completion_tokens: 2, total_tokens: 21_002 },
  });
}

type Answer = { stream: false; body: Uint8Array<ArrayBuffer> } | {
  stream: true;
  frames: Uint8Array<ArrayBuffer>[];
};

/** Which API a request speaks, from its path. */
type Api = "openai" | "anthropic";

const answers = new Map<string, Answer | null>();

function answerFor(api: Api, model: string): Answer | null {
  const key = `${api} ${model}`;
  let answer = answers.get(key);
  if (answer !== undefined) return answer;
  const frames = api === "openai" ? streamFrames(model) : anthropicStreamFrames(model);
  const json = api === "openai"
    ? (model === "bench-json" ? completion(model) : undefined)
    : anthropicMessage(model);
  if (frames) answer = { stream: true, frames: frames.map((f) => encoder.encode(f)) };
  else if (json !== undefined) answer = { stream: false, body: encoder.encode(json) };
  else answer = null;
  answers.set(key, answer);
  return answer;
}

/** Finds the scenario model in a request body without parsing it. */
export function modelOf(body: string): string | undefined {
  const start = body.indexOf(MODEL_MARKER);
  if (start < 0) return undefined;
  const from = start + MODEL_MARKER.length - MODEL_PREFIX.length;
  const end = body.indexOf('"', from);
  return end < 0 ? undefined : body.slice(from, end);
}

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

/** Answers one request. */
export async function handle(request: Request): Promise<Response> {
  const body = await request.text();
  const model = modelOf(body);
  const api: Api = new URL(request.url).pathname.endsWith("/messages") ? "anthropic" : "openai";
  const answer = model === undefined ? null : answerFor(api, model);
  if (request.method !== "POST" || !answer) {
    const message = `Mock upstream: unknown scenario ${JSON.stringify(model ?? null)}`;
    return new Response(JSON.stringify({ error: { message, type: "invalid_request_error" } }), {
      status: 400,
      headers: JSON_HEADERS,
    });
  }
  if (!answer.stream) return new Response(answer.body, { headers: JSON_HEADERS });
  const frames = answer.frames;
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < frames.length) controller.enqueue(frames[next++]!);
      else controller.close();
    },
  }, { highWaterMark: 0 });
  return new Response(stream, { headers: SSE_HEADERS });
}

if (import.meta.main) {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    // deno-lint-ignore no-console
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  }, handle);
  Deno.addSignalListener("SIGTERM", () => server.shutdown());
  await server.finished;
}
