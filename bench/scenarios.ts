// The benchmark requests: the real Claude Code request and a one-message request, per target format.
//
// Most cases go to an OpenAI-format provider (translated both ways); the `passthrough-*` cases go to
// an Anthropic-format provider, where the proxy forwards the client's request with only the model
// changed and pipes the answer back through its tee.
import type { MessagesRequest } from "../src/wire/anthropic_types.ts";
import { toOpenAIRequest } from "../src/translate/openai/request.ts";

/** The real request Claude Code sent for its first turn (76 KB: 24 tools, a long system prompt). */
export const FIXTURE_URL = new URL(
  "../tests/fixtures/claude-code/first-turn.request.json",
  import.meta.url,
);

/** The API the proxy speaks upstream for a case: translated to OpenAI, or passed through. */
export type UpstreamFormat = "openai" | "anthropic";

/** One benchmark case: a request body and the upstream answer the mock gives (by model name). */
export interface Scenario {
  name: string;
  /** What the case sends and gets, for the report. */
  label: string;
  /** The mock model: `bench-json`, `bench-text-N` or `bench-tool-N`. */
  model: string;
  /**
   * The model the client asks the proxy for: `model` itself for OpenAI cases (unmapped, it passes
   * through to the default provider); for passthrough cases a Claude-like name that a `[models]`
   * rule maps to `model` at the Anthropic-format provider, as a third-party provider's route does.
   */
  clientModel: string;
  upstream: UpstreamFormat;
  stream: boolean;
  /** The Anthropic request (model and stream already set). */
  anthropic: MessagesRequest;
}

/** A request ready to send: the path, headers and pre-encoded body. */
export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

/** The headers Claude Code sends with the fixture request, minus the ones fetch manages itself. */
async function claudeCodeHeaders(): Promise<Record<string, string>> {
  const fixture = JSON.parse(await Deno.readTextFile(FIXTURE_URL)) as {
    headers: Record<string, string>;
  };
  const skip = new Set(["content-length", "connection", "accept-encoding", "host"]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fixture.headers)) {
    if (!skip.has(name.toLowerCase())) headers[name] = value;
  }
  headers["x-api-key"] = "sk-ant-bench-client-key";
  return headers;
}

/** Loads the fixture body. */
export async function realRequest(): Promise<MessagesRequest> {
  const fixture = JSON.parse(await Deno.readTextFile(FIXTURE_URL)) as { body: MessagesRequest };
  return fixture.body;
}

/** A one-message request like a short Claude Code side call. */
export function smallRequest(): MessagesRequest {
  return {
    model: "claude-haiku-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Say pong" }],
  };
}

/** The benchmark cases, in report order. */
export async function scenarios(): Promise<Scenario[]> {
  const real = await realRequest();
  const small = smallRequest();
  const make = (
    name: string,
    label: string,
    base: MessagesRequest,
    model: string,
    stream: boolean,
  ): Scenario => ({
    name,
    label,
    model,
    clientModel: model,
    upstream: "openai",
    stream,
    anthropic: { ...base, model, stream },
  });
  const passthrough = (
    name: string,
    label: string,
    base: MessagesRequest,
    model: string,
    stream: boolean,
  ): Scenario => ({
    ...make(name, `${label} (passthrough)`, base, model, stream),
    clientModel: `claude-${model}`,
    upstream: "anthropic",
  });
  return [
    make("real-json", "76 KB request, non-streaming answer", real, "bench-json", false),
    make("real-stream", "76 KB request, 50-chunk text stream", real, "bench-text-50", true),
    make(
      "real-tool",
      "76 KB request, stream: text then a tool call in 20 fragments",
      real,
      "bench-tool-20",
      true,
    ),
    make("small-stream", "1-message request, 200-chunk text stream", small, "bench-text-200", true),
    passthrough(
      "passthrough-real-json",
      "76 KB request, non-streaming answer",
      real,
      "bench-json",
      false,
    ),
    passthrough(
      "passthrough-real-stream",
      "76 KB request, 50-delta text stream",
      real,
      "bench-text-50",
      true,
    ),
    passthrough(
      "passthrough-small-stream",
      "1-message request, 200-delta text stream",
      small,
      "bench-text-200",
      true,
    ),
  ];
}

const encoder = new TextEncoder();

/**
 * The same case as the proxy would send it upstream, straight to the mock: in OpenAI format, or for a
 * passthrough case the client's own request and headers with the upstream model and key.
 */
export async function directRequest(scenario: Scenario): Promise<PreparedRequest> {
  if (scenario.upstream === "anthropic") {
    const request = await anthropicRequest(scenario, { model: scenario.model });
    return { ...request, headers: { ...request.headers, "x-api-key": ANTHROPIC_UPSTREAM_KEY } };
  }
  const { request } = toOpenAIRequest(scenario.anthropic, { model: scenario.model });
  return {
    path: "/v1/chat/completions",
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench-upstream-key" },
    body: encoder.encode(JSON.stringify(request)),
  };
}

/** The key the proxy's Anthropic-format provider sends upstream. */
export const ANTHROPIC_UPSTREAM_KEY = "sk-ant-bench-upstream-key";

/**
 * The case as Claude Code sends it to a proxy, asking for `clientModel`; `model` replaces the model
 * name (for routing).
 */
export async function anthropicRequest(
  scenario: Scenario,
  options: { model?: string } = {},
): Promise<PreparedRequest> {
  const body = { ...scenario.anthropic, model: options.model ?? scenario.clientModel };
  return {
    path: "/v1/messages?beta=true",
    headers: await claudeCodeHeaders(),
    body: encoder.encode(JSON.stringify(body)),
  };
}
