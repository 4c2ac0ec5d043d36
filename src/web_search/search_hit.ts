// Turns one backend result into a SearchHit: plain-text title and snippet, http(s) URL only. Pure.
import { isRecord } from "../util/is_record.ts";
import type { SearchHit } from "../translate/web_search.ts";

/** Snippets longer than this are cut at a word (and end with "…"). */
export const MAX_SNIPPET_CHARS = 500;

/** One result's fields as a backend names them, before checking. */
export interface RawHit {
  title: unknown;
  url: unknown;
  snippet: unknown;
  /** Candidates for the age, first string wins (`age`, then `page_age`). */
  ages: readonly unknown[];
}

/** Options for {@linkcode searchHit}. */
export interface SearchHitOptions {
  /** The title and snippet are HTML (Brave's `<strong>` highlights and entities). */
  html?: boolean;
}

/**
 * The hits of a backend's result list: each record's fields picked by `fields`, results without
 * an http(s) URL (and entries that are not records) dropped, in order.
 */
export function searchHits(
  list: unknown,
  fields: (result: Record<string, unknown>) => RawHit,
  options: SearchHitOptions = {},
): SearchHit[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((result) => {
    if (!isRecord(result)) return [];
    const hit = searchHit(fields(result), options);
    return hit ? [hit] : [];
  });
}

/** The hit for one result, or undefined when its URL is missing or not http(s). */
export function searchHit(raw: RawHit, options: SearchHitOptions = {}): SearchHit | undefined {
  if (typeof raw.url !== "string") return undefined;
  const url = raw.url.trim();
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return undefined;
  }
  if (protocol !== "http:" && protocol !== "https:") return undefined;
  const text = (value: unknown) =>
    typeof value !== "string" ? "" : options.html ? htmlToText(value) : collapse(value);
  const hit: SearchHit = { title: text(raw.title), url };
  const snippet = capSnippet(text(raw.snippet));
  if (snippet !== "") hit.snippet = snippet;
  const age = raw.ages.find((value): value is string =>
    typeof value === "string" && value.trim() !== ""
  );
  if (age !== undefined) hit.age = age.trim();
  return hit;
}

/** `text` without HTML tags, with the common entities decoded and whitespace collapsed. */
export function htmlToText(text: string): string {
  const untagged = text.replace(/<\/?[a-zA-Z][^<>]*>/g, "");
  return collapse(untagged.replace(/&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/g, decodeEntity));
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  laquo: "«",
  raquo: "»",
};

function decodeEntity(entity: string, name: string): string {
  if (name.startsWith("#")) {
    const code = name[1] === "x" || name[1] === "X"
      ? parseInt(name.slice(2), 16)
      : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  }
  return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `text` cut at a word to at most {@linkcode MAX_SNIPPET_CHARS}, "…" included. */
export function capSnippet(text: string): string {
  if (text.length <= MAX_SNIPPET_CHARS) return text;
  const cut = text.slice(0, MAX_SNIPPET_CHARS);
  const space = cut.lastIndexOf(" ");
  let end = space >= MAX_SNIPPET_CHARS / 2 ? space : MAX_SNIPPET_CHARS - 1;
  const last = cut.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${cut.slice(0, end).trimEnd()}…`;
}
