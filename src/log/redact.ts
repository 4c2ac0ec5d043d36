// Secret redaction and size capping for logged text. Pure.
import type { RequestLogRecord } from "./record.ts";

/** What a redacted secret is replaced with. */
export const REDACTED = "[REDACTED]";

/** The default cap for one logged body: 64 KiB of characters. */
export const DEFAULT_BODY_CAP = 64 * 1024;

/** Known secrets shorter than this are not replaced (they would match ordinary words). */
const MIN_SECRET_LENGTH = 8;

// Secret-bearing field names, as JSON keys or header names.
const KEY_NAMES = "api[_-]?key|x-api-key|x-goog-api-key|authorization|proxy-authorization|" +
  "access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|secret|password|auth[_-]?token";

// Each pattern keeps its first group (the name or scheme) and replaces the rest.
const PATTERNS: readonly RegExp[] = [
  // "api_key": "value" in JSON text.
  new RegExp(`("(?:${KEY_NAMES})"\\s*:\\s*")(?:\\\\.|[^"\\\\])+`, "gi"),
  // The same inside a JSON string (quotes escaped): \"api_key\": \"value\".
  new RegExp(`(\\\\"(?:${KEY_NAMES})\\\\"\\s*:\\s*\\\\")[^"\\\\]+`, "gi"),
  // Header lines and YAML/INI-like pairs: `x-api-key: value`, `api_key = "value"`.
  new RegExp(
    `(\\b(?:${KEY_NAMES})\\s*[:=]\\s*["']?)(?!\\s|Bearer\\b|Basic\\b|\\[REDACTED\\])[^\\s"',;&]+`,
    "gi",
  ),
  // Query-string keys (Gemini's native `?key=`).
  /([?&](?:key|api_key|apikey|token|access_token)=)[^&\s"'#]+/gi,
  // Authorization schemes.
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /(\bBasic\s+)[A-Za-z0-9+/=]{8,}/gi,
  // Well-known key shapes: OpenAI/Anthropic/OpenRouter/DeepSeek, Groq, xAI, Google, GitHub, AWS.
  /()\bsk-[A-Za-z0-9_-]{8,}/g,
  /()\bgsk_[A-Za-z0-9]{16,}/g,
  /()\bxai-[A-Za-z0-9]{16,}/g,
  /()\bAIza[0-9A-Za-z_-]{30,}/g,
  /()\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /()\bAKIA[0-9A-Z]{16}\b/g,
];

// Matches wherever any of PATTERNS would (case-insensitively, so a little more often): text it
// does not match, and that holds no known secret, goes through unchanged in one scan.
const ANY_PATTERN = new RegExp(PATTERNS.map((pattern) => pattern.source).join("|"), "i");

/**
 * Replaces every known secret (8 characters or more) and every common key shape (`sk-…`,
 * `Bearer …`, `x-api-key` values, `"api_key": "…"`, `?key=…`) with `[REDACTED]`.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const known = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  if (!ANY_PATTERN.test(text) && !known.some((secret) => text.includes(secret))) return text;
  known.sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (match: string, keep: string) => {
      return match.endsWith(REDACTED) ? match : keep + REDACTED;
    });
  }
  return out;
}

/** Cuts `text` to at most `maxChars` characters, saying how much was cut; never splits a surrogate pair. */
export function capBody(text: string, maxChars: number = DEFAULT_BODY_CAP): string {
  if (text.length <= maxChars) return text;
  const marker = (cut: number) => `…[truncated ${cut} chars]`;
  let end = Math.max(0, maxChars - marker(text.length).length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + marker(text.length - end);
}

/** Returns a copy of `record` with {@linkcode redactSecrets} applied to every string in it. */
export function redactRecord<T extends object = RequestLogRecord>(
  record: T,
  secrets: readonly string[],
): T {
  return redactValue(record, secrets) as T;
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, secrets);
    return out;
  }
  return value;
}
