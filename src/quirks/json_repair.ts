// Tool-argument repairs (Python quotes, trailing text, wrapping), a streaming JSON check. Pure.

/**
 * Returns `raw` as the text of a JSON object when that is unambiguous, or undefined.
 *
 * - empty, whitespace or `null` → `{}`;
 * - a JSON object → unchanged; one wrapped in a JSON string or a Markdown code fence → unwrapped;
 * - text after the first complete object (a repeated snapshot, a stray token) → cut;
 * - single-quoted strings and Python's `True` / `False` / `None` → JSON.
 *
 * A truncated object is not completed: what is missing is not known.
 *
 * @example
 * ```ts
 * repairArguments("{'path': 'a.ts', 'force': True}"); // → '{"path":"a.ts","force":true}'
 * ```
 */
export function repairArguments(raw: string): string | undefined {
  const text = raw.trim();
  if (text === "" || text === "null") return "{}";
  if (isObjectText(text)) return raw;
  for (const candidate of [unwrapString(text), unfence(text)]) {
    if (candidate !== undefined && isObjectText(candidate)) return candidate;
  }
  const first = firstObject(text);
  if (first !== undefined && isObjectText(first)) return first;
  const python = fromPythonLiteral(first ?? text);
  return python !== undefined && isObjectText(python) ? python : undefined;
}

/** Reports whether `text` parses as a JSON object. */
export function isObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * A loose streaming check that text could still become one JSON object: it fails on a character
 * JSON cannot have outside strings (a single quote, `T`, `N`), on mismatched brackets and on
 * anything after the object closes. Feed pieces with `push`; `complete` is set once it closes.
 */
export class JsonPrefixScanner {
  /** The text so far is not a JSON-object prefix. */
  invalid = false;
  /** The object has closed (text after it makes the scanner invalid). */
  complete = false;
  #started = false;
  #stack: string[] = [];
  #inString = false;
  #escape = false;

  /** Scans `piece`; returns false once the text is invalid. */
  push(piece: string): boolean {
    for (let i = 0; i < piece.length && !this.invalid; i++) this.#char(piece[i]!);
    return !this.invalid;
  }

  #char(c: string): void {
    if (this.#inString) {
      if (this.#escape) this.#escape = false;
      else if (c === "\\") this.#escape = true;
      else if (c === '"') this.#inString = false;
      return;
    }
    if (c === " " || c === "\n" || c === "\r" || c === "\t") return;
    if (this.complete || (!this.#started && c !== "{")) return void (this.invalid = true);
    this.#started = true;
    if (c === '"') this.#inString = true;
    else if (c === "{" || c === "[") this.#stack.push(c === "{" ? "}" : "]");
    else if (c === "}" || c === "]") {
      if (this.#stack.pop() !== c) this.invalid = true;
      else if (this.#stack.length === 0) this.complete = true;
    } else if (!/[-+.0-9eE:,truefalsn]/.test(c)) this.invalid = true;
  }
}

/** The first complete top-level object in `text` (which starts with `{`), or undefined. */
function firstObject(text: string): string | undefined {
  if (!text.startsWith("{")) return undefined;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return text.slice(0, i + 1);
  }
  return undefined;
}

/** Python dict syntax → JSON: single-quoted strings and `True` / `False` / `None`. */
function fromPythonLiteral(text: string): string | undefined {
  if (!text.startsWith("{")) return undefined;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const end = stringEnd(text, i, c);
      if (end === -1) return undefined;
      const body = text.slice(i + 1, end);
      out += c === '"' ? `"${body}"` : JSON.stringify(unescapeSingle(body));
      i = end;
    } else if (/[A-Za-z]/.test(c)) {
      const word = /^[A-Za-z_]+/.exec(text.slice(i))![0];
      const literal = ({ True: "true", False: "false", None: "null" } as Record<string, string>)[
        word
      ];
      out += literal ?? word;
      i += word.length - 1;
    } else out += c;
  }
  return out;
}

function stringEnd(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** The value of a single-quoted Python string body: `\'` and `\\` unescaped, other escapes kept. */
function unescapeSingle(body: string): string {
  return body.replace(/\\(['\\"nt])/g, (_, c: string) => c === "n" ? "\n" : c === "t" ? "\t" : c);
}

function unwrapString(text: string): string | undefined {
  if (!text.startsWith('"')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "string" ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

function unfence(text: string): string | undefined {
  return /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(text)?.[1]?.trim();
}
