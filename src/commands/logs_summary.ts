// `claude-proxy logs --summary`: the log's totals (per model, provider, session or day) as a table or JSON.
import { logRecords } from "../log/log_records.ts";
import { type SummaryGroup, type SummaryRow, UsageSummary } from "../log/usage_summary.ts";

/** Options for {@linkcode runLogsSummary}. */
export interface LogsSummaryOptions {
  path: string;
  by?: SummaryGroup | undefined;
  /** Only requests at or after this time (epoch ms). */
  since?: number | undefined;
  /** What `since` was written as, for the heading. */
  sinceText?: string | undefined;
  json?: boolean;
  color?: boolean;
  /** The time zone days are counted in (default: the local one). */
  timeZone?: string | undefined;
  write: (text: string) => void;
  writeError?: (text: string) => void;
}

const HEADINGS: Record<SummaryGroup | "all", string> = {
  model: "MODEL",
  provider: "PROVIDER",
  session: "SESSION",
  day: "DAY",
  all: "",
};

/**
 * Reads the whole log once, a chunk at a time, and prints its totals: one row per group and a
 * total row (a table), or `{ since, by, rows, total }` (JSON). Returns the exit code.
 *
 * @example
 * await runLogsSummary({ path, by: "model", since: Date.now() - 86_400_000, write: print });
 */
export async function runLogsSummary(options: LogsSummaryOptions): Promise<number> {
  const summary = new UsageSummary({
    by: options.by,
    since: options.since,
    timeZone: options.timeZone,
  });
  try {
    for await (const record of logRecords(options.path)) summary.add(record);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    (options.writeError ?? options.write)(
      (code === "ENOENT"
        ? `No request log at "${options.path}": the proxy writes it once it has served a request`
        : `Cannot read the request log "${options.path}": ${(error as Error).message}`) + "\n",
    );
    return 1;
  }
  const rows = options.by ? summary.rows() : [];
  const total = summary.total();
  if (options.json) {
    const since = options.since === undefined ? null : new Date(options.since).toISOString();
    options.write(JSON.stringify({ since, by: options.by ?? null, rows, total }, null, 2) + "\n");
    return 0;
  }
  if (total.requests === 0) {
    const when = options.sinceText ? ` since ${options.sinceText}` : "";
    (options.writeError ?? options.write)(
      `No requests${when} in the request log "${options.path}"\n`,
    );
    return 0;
  }
  options.write(summaryTable(rows, total, options));
  return 0;
}

/** The summary as an aligned table: one row per group, then the total. */
function summaryTable(
  rows: SummaryRow[],
  total: SummaryRow,
  options: { by?: SummaryGroup | undefined; sinceText?: string | undefined; color?: boolean },
): string {
  const head = [
    HEADINGS[options.by ?? "all"],
    "REQUESTS",
    "ERRORS",
    "INPUT",
    "OUTPUT",
    "CACHE READ",
    "CACHE WRITE",
    "COST",
    "P50",
    "P95",
  ];
  const cells = (row: SummaryRow, key: string) => [
    key,
    String(row.requests),
    row.errors > 0 ? String(row.errors) : "-",
    tokens(row.input_tokens),
    tokens(row.output_tokens),
    tokens(row.cache_read_tokens),
    tokens(row.cache_write_tokens),
    cost(row),
    duration(row.p50_ms),
    duration(row.p95_ms),
  ];
  const body = rows.map((row) => cells(row, row.key));
  const label = options.by ? "total" : options.sinceText ? `since ${options.sinceText}` : "all";
  const table = [head, ...body, cells(total, label)];
  const widths = head.map((_, i) => Math.max(...table.map((line) => [...line[i]!].length)));
  const bold = (text: string) => (options.color ? `\x1b[1m${text}\x1b[0m` : text);
  const lines = table.map((line) =>
    line.map((cell, i) => {
      const pad = " ".repeat(widths[i]! - [...cell].length);
      return i === 0 ? cell + pad : pad + cell;
    }).join("  ")
  );
  lines[0] = bold(lines[0]!);
  if (options.by) lines[lines.length - 1] = bold(lines[lines.length - 1]!);
  const unpriced = total.unpriced > 0
    ? `\n${total.unpriced} request${total.unpriced === 1 ? "" : "s"} had no known price ` +
      `(cost marked +): set [model_options."MODEL"] price = { input = …, output = … }\n`
    : "";
  return lines.join("\n") + "\n" + unpriced;
}

function tokens(n: number): string {
  if (n === 0) return "-";
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(2)}M`;
}

function cost(row: SummaryRow): string {
  if (row.unpriced > 0 && row.cost_usd === 0) return "no price";
  const usd = row.cost_usd;
  const text = usd === 0 ? "$0" : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
  return row.unpriced > 0 ? `${text}+` : text;
}

function duration(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} m ${
    String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")
  } s`;
}
