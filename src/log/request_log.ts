// The server's request log: the JSONL file when it can be opened, else none, the reason said once.
import { openJsonlLog } from "./jsonl_log.ts";
import { NULL_LOGGER, type RequestLogger } from "./record.ts";

/** Options for {@linkcode openRequestLog}. */
export interface RequestLogOptions {
  path: string;
  maxEntries?: number;
  /** Known secrets (API keys) to redact from every record. */
  secrets?: readonly string[];
  /** Prints one warning line (the log cannot be opened; records dropped, once per burst). */
  warn: (line: string) => void;
}

/**
 * Opens the request log at `path`. A log that cannot be opened (a read-only directory, a path
 * under a file) does not stop the proxy: `warn` says why, once, and requests are served without a
 * log. Later write failures are reported through `warn` once per burst of dropped records.
 */
export async function openRequestLog(options: RequestLogOptions): Promise<RequestLogger> {
  const { path, warn } = options;
  try {
    return await openJsonlLog({
      path,
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
      secrets: options.secrets ?? [],
      warn: (message) => warn(`warning: ${message}`),
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    warn(`warning: ${detail}; serving without a request log`);
    return NULL_LOGGER;
  }
}
