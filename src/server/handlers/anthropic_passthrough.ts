// The Anthropic passthrough route: the request cleaned for the provider (or its client's bytes), the
// answer piped back as it arrives while a tee reads it for the log.
import { redactSecrets } from "../../log/redact.ts";
import type { Config } from "../../config/schema.ts";
import {
  answerHeaders,
  type AnswerRewrite,
  passthroughError,
  rewriteAnswer,
} from "../../passthrough/passthrough_answer.ts";
import { passthroughRequest, sentText } from "../../passthrough/passthrough_request.ts";
import { teeStream } from "../../passthrough/tee_stream.ts";
import type { Route } from "../../routing/route.ts";
import { readErrorBody, sendUpstream, type UpstreamResult } from "../../upstream/client.ts";
import { withKeyHintInBody } from "../../upstream/key_hint.ts";
import { type AppDeps, upstreamOptions } from "../deps.ts";
import type { ClientMessage, RouteHandler } from "../handler.ts";
import { upstreamSecrets } from "../request_log.ts";

/**
 * Whether thinking signatures leaving the proxy are wrapped with their origin. With one provider no
 * route can change, so nothing is marked and every byte passes as the provider sent it.
 */
function marksSignatures(config: Config): boolean {
  return Object.keys(config.providers).length > 1;
}

/**
 * Answers a request routed to an Anthropic-format provider: streams byte for byte (signatures and
 * a mapped model aside), an error already in the Anthropic envelope with its own status, headers
 * and bytes, other errors wrapped in it.
 */
export const anthropicPassthrough: RouteHandler = async (request, ctx) => {
  const { deps, log, message, route } = ctx;
  const upstream = passthroughRequest(request, message, {
    route,
    config: deps.config,
    path: "/v1/messages",
  });
  for (const change of upstream.changes) log.note(change);
  log.bodies?.set("client", message.text);
  log.bodies?.set("upstream", sentText(upstream.body, message));
  const result = await sendUpstream(
    upstream,
    upstreamOptions(deps, route.provider, request.signal),
  );
  log.upstreamAnswered(result.attempts);
  const { response } = result;
  if (!response.ok) {
    const hint = { provider: route.provider, origins: deps.config.origins };
    const text = withKeyHintInBody(response.status, await readErrorBody(response), hint);
    log.bodies?.set("response", text);
    throw passthroughError(response, text, upstreamSecrets(deps, request));
  }
  const rewrite: AnswerRewrite = {
    ...(marksSignatures(deps.config) ? { markOrigin: route.provider.name } : {}),
    ...(route.model !== message.model ? { model: message.model } : {}),
  };
  const streamed = (response.headers.get("content-type") ?? "").includes("text/event-stream");
  // Unparsed, the request's `stream` flag is known from the answer.
  if (message.body === undefined) log.record.stream = streamed;
  if (streamed && result.body) {
    const secrets = upstreamSecrets(deps, request);
    const body = teeStream(result.chunks(), {
      ...rewrite,
      onEnd: log.streaming(),
      onFirstToken: () => log.firstToken(),
      onChunk: log.bodies?.capture("response"),
      redact: (text) => redactSecrets(text, secrets),
    });
    return new Response(body, { status: response.status, headers: answerHeaders(response) });
  }
  const { out, summary } = rewriteAnswer(await result.text(), rewrite);
  log.bodies?.set("response", out);
  if (summary) log.answered(summary);
  return new Response(out, { status: response.status, headers: answerHeaders(response) });
};

/**
 * Forwards `POST /v1/messages/count_tokens` to an Anthropic-format provider; undefined when the
 * provider has no such endpoint (404, 405, 501), so the caller counts locally.
 */
export async function forwardCountTokens(
  request: Request,
  message: ClientMessage,
  options: { deps: AppDeps; route: Route },
): Promise<Response | undefined> {
  const { deps, route } = options;
  const upstream = passthroughRequest(request, message, {
    route,
    config: deps.config,
    path: "/v1/messages/count_tokens",
  });
  const result: UpstreamResult = await sendUpstream(
    upstream,
    upstreamOptions(deps, route.provider, request.signal),
  );
  const { response, body } = result;
  if ([404, 405, 501].includes(response.status)) {
    await body?.cancel().catch(() => {});
    return undefined;
  }
  if (!response.ok) {
    throw passthroughError(response, await readErrorBody(response), upstreamSecrets(deps, request));
  }
  const text = await result.text();
  return new Response(text, { status: response.status, headers: answerHeaders(response) });
}
