// Real Claude Code requests from tests/fixtures/claude-code/: reading one, and sending it to the proxy as Claude Code did.
import { readFileSync } from "node:fs";
import type { MessagesRequest } from "../../src/wire/anthropic_types.ts";

/** One recorded request: the headers Claude Code sent and its body. */
export interface RecordedClaudeRequest {
  headers: Record<string, string>;
  body: MessagesRequest;
}

/** Reads `tests/fixtures/claude-code/<name>`. */
export function loadRecordedRequest(name: string): RecordedClaudeRequest {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/claude-code/${name}`, import.meta.url), "utf8"),
  );
}

/** Headers that belonged to the recorded connection, not to the request. */
const CONNECTION_HEADERS = ["host", "content-length", "connection", "accept-encoding"];

/**
 * POSTs the recorded request to the proxy at `baseUrl` with Claude Code's own headers (betas,
 * version, credential), as it did: `/v1/messages?beta=true`.
 */
export function sendRecorded(
  baseUrl: string,
  recorded: RecordedClaudeRequest,
  body: MessagesRequest = recorded.body,
): Promise<Response> {
  const headers = { ...recorded.headers };
  for (const name of CONNECTION_HEADERS) delete headers[name];
  return fetch(`${baseUrl}/v1/messages?beta=true`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
}
