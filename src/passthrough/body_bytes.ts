// The client's body as bytes, for sending it unparsed: its leading model read and swapped in place,
// and whether the cleaning would leave it as it is. Pure.
import { SIGNATURE_PREFIX } from "../translate/anthropic/signature.ts";
import type { CleanOptions, CleanResult } from "./anthropic_clean.ts";

/** The client's request body: the bytes as received and their text. */
export interface ClientBody {
  text: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();

/**
 * The body to send upstream: the client's own bytes when nothing changed, with only the model
 * swapped in place when it leads the body (as Claude Code sends it), else one `JSON.stringify`.
 * Sending bytes spares `fetch` re-encoding the text (a two-byte string when the request holds any
 * non-ASCII character).
 */
export function upstreamRequestBody(
  client: ClientBody,
  original: { model: string },
  clean: CleanResult,
): string | Uint8Array<ArrayBuffer> {
  if (clean.changed) return JSON.stringify(clean.body);
  return swapLeadingModel(client.bytes, original.model, String(clean.body.model)) ??
    JSON.stringify(clean.body);
}

/**
 * `bytes` with the model that leads them (`{"model":"from"`) replaced by `to`: the same bytes when
 * the two are equal, undefined when the body does not start that way.
 */
export function swapLeadingModel(
  bytes: Uint8Array<ArrayBuffer>,
  from: string,
  to: string,
): Uint8Array<ArrayBuffer> | undefined {
  if (from === to) return bytes;
  const lead = encoder.encode(`{"model":${JSON.stringify(from)}`);
  if (!startsWith(bytes, lead)) return undefined;
  const swapped = encoder.encode(`{"model":${JSON.stringify(to)}`);
  const out = new Uint8Array(swapped.length + bytes.length - lead.length);
  out.set(swapped);
  out.set(bytes.subarray(lead.length), swapped.length);
  return out;
}

const MODEL_LEAD = '{"model":"';

/**
 * The model a body names when it leads the body in plain JSON (`{"model":"…"`, as Claude Code and
 * the SDKs send it, no escape in the name), read without parsing the rest; undefined otherwise.
 *
 * @example
 * leadingModel('{"model":"claude-sonnet-4-5","messages":[]}'); // "claude-sonnet-4-5"
 */
export function leadingModel(text: string): string | undefined {
  if (!text.startsWith(MODEL_LEAD)) return undefined;
  const end = text.indexOf('"', MODEL_LEAD.length);
  if (end === -1) return undefined;
  const model = text.slice(MODEL_LEAD.length, end);
  // An escape or a control character: the name is not written as JSON.stringify writes it.
  return JSON.stringify(model) === `"${model}"` ? model : undefined;
}

/**
 * Whether {@linkcode cleanAnthropicRequest} would leave a body as it is (the model aside) and
 * refuse nothing in it, judged without parsing: the options drop, refuse and cap nothing, and the
 * text holds no signature the proxy wrapped. Such a body can go to the provider as its client's
 * bytes, and the provider alone judges it.
 */
export function passesUnchanged(text: string, options: CleanOptions): boolean {
  return (options.dropFields ?? []).length === 0 && (options.unsupported ?? []).length === 0 &&
    options.modelRefusesImages !== true && options.maxTokens === undefined &&
    !text.includes(SIGNATURE_PREFIX);
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
