// Where streamed bytes come from, one chunk per read: the upstream client hands one to the translators.

/**
 * Where upstream bytes come from, one chunk per `read()` (a stream reader is one). A rejected
 * read ends the stream with an `error` event; an error's Anthropic `type` (a ProxyError's) is kept.
 */
export interface ChunkSource {
  /** The next chunk, or `done` at the end of the input. */
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  /** Stops reading and releases the source; a pending read then resolves as `done`. */
  cancel(reason?: unknown): Promise<void>;
}
