// The request, upstream and response bodies kept in the log record with `--log-bodies`: capped, redacted.
import type { RequestLogRecord } from "../log/record.ts";
import { capBody, DEFAULT_BODY_CAP, redactSecrets } from "../log/redact.ts";

/** Which body: the client's request, what went upstream, or the answer the client got. */
export type BodyName = keyof NonNullable<RequestLogRecord["bodies"]>;

/** Writes capped, redacted bodies into a record's `bodies` field. */
export class BodyLog {
  #bodies: NonNullable<RequestLogRecord["bodies"]>;
  #secrets: readonly string[];

  /** Starts the record's `bodies`; `secrets` are replaced wherever they appear. */
  constructor(record: RequestLogRecord, secrets: readonly string[]) {
    this.#bodies = record.bodies = {};
    this.#secrets = secrets;
  }

  /** Keeps `text` as the body `name`, capped and redacted. */
  set(name: BodyName, text: string): void {
    this.#bodies[name] = capBody(redactSecrets(text, this.#secrets));
  }

  /** A function to call with each chunk of a streamed body: it keeps the first characters. */
  capture(name: BodyName): (chunk: Uint8Array) => void {
    const decoder = new TextDecoder();
    let seen = "";
    return (chunk) => {
      if (seen.length >= DEFAULT_BODY_CAP) return;
      seen += decoder.decode(chunk, { stream: true });
      this.set(name, seen);
    };
  }

  /** A pass-through stream stage that keeps the first characters of what it passes. */
  tap(name: BodyName): TransformStream<Uint8Array, Uint8Array> {
    const capture = this.capture(name);
    return new TransformStream({
      transform(chunk, controller) {
        capture(chunk);
        controller.enqueue(chunk);
      },
    });
  }
}
