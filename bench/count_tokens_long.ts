// Times token counting on long runs without spaces, and how far slicing moves the count.
//
//   deno run -A bench/count_tokens_long.ts [FILE]...
//
// For each case: the time to count it with the proxy's counter (fresh caches), the longest the
// event loop waited between two turns meanwhile, the count against o200k counting the text whole
// (where that finishes in reasonable time), and, for runs up to 100k characters, the time the
// counter took before long pieces were cut (one piece per run). Then the latency of GET /health on
// a running proxy, alone and while a 400,000-character count_tokens request is in flight. Any
// FILE given is counted as one more case (Chinese prose, a minified bundle, a log file).
// deno-lint-ignore-file no-console
import { readFileSync } from "node:fs";
import { countTokens as o200kCount } from "gpt-tokenizer";
import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { pieceCounter } from "../src/count_tokens/piece_counter.ts";
import { countTexts } from "../src/count_tokens/text_counter.ts";
import { createApp } from "../src/server/app.ts";
import { randomId } from "../src/server/deps.ts";
import { NULL_LOGGER } from "../src/log/record.ts";
import { resolveConfig } from "../src/config/resolve.ts";
import { serve } from "../src/runtime.ts";
import { CHINESE, randomRun } from "../tests/helpers/text_runs.ts";

const PLAIN = { disallowedSpecial: new Set<string>() };
const o200k = (text: string) => o200kCount(text, PLAIN);
/** Texts longer than this are not counted whole when one piece could be this long. */
const WHOLE_LIMIT = 20_000;

function deepSchemaText(depth: number): string {
  return '{"type":"object","properties":{"a":'.repeat(depth) + '{"type":"string"}' +
    "}}".repeat(depth);
}

function cases(files: string[]): Record<string, { texts: string[]; spaced: boolean }> {
  const fixture = new URL("../tests/fixtures/claude-code/first-turn.request.json", import.meta.url);
  const body = JSON.parse(readFileSync(fixture, "utf8")).body;
  const png = readFileSync(
    new URL("../tests/fixtures/images/white_1000x1000.png", import.meta.url),
  );
  const out: Record<string, { texts: string[]; spaced: boolean }> = {
    "Claude Code first request (system, tools, messages)": {
      texts: [
        ...body.system.map((b: { text: string }) => b.text),
        JSON.stringify(body.tools),
        JSON.stringify(body.messages),
      ],
      spaced: true,
    },
    "base64 of a PNG": { texts: [btoa(String.fromCharCode(...png))], spaced: true },
    "letters 100k": { texts: [randomRun(100_000)], spaced: false },
    "letters 200k": { texts: [randomRun(200_000)], spaced: false },
    "letters 400k": { texts: [randomRun(400_000)], spaced: false },
    "one letter 400k": { texts: ["a".repeat(400_000)], spaced: false },
    "Chinese characters 400k": { texts: [randomRun(400_000, CHINESE)], spaced: false },
    "= rule 400k": { texts: ["=".repeat(400_000)], spaced: false },
    "schema 200k deep (JSON text)": { texts: [deepSchemaText(200_000)], spaced: false },
  };
  for (const file of files) out[file] = { texts: [readFileSync(file, "utf8")], spaced: true };
  return out;
}

async function measure(
  texts: string[],
): Promise<{ tokens: number; ms: number; maxTurnMs: number }> {
  const count = pieceCounter(o200k, O200K_TOKEN_SPLIT_REGEX);
  let maxTurnMs = 0;
  let turnStart = performance.now();
  const started = turnStart;
  const tokens = await countTexts(texts, count, {
    nextTurn: () => {
      maxTurnMs = Math.max(maxTurnMs, performance.now() - turnStart);
      return new Promise((resolve) =>
        setTimeout(() => {
          turnStart = performance.now();
          resolve();
        }, 0)
      );
    },
  });
  maxTurnMs = Math.max(maxTurnMs, performance.now() - turnStart);
  return { tokens, ms: performance.now() - started, maxTurnMs };
}

/** o200k's count of the whole text, or undefined when a single piece would take too long. */
function exact(texts: string[], spaced: boolean): number | undefined {
  if (!spaced && texts.some((text) => text.length > WHOLE_LIMIT)) return undefined;
  return texts.reduce((sum, text) => sum + o200k(text), 0);
}

/** For long runs: the counter against o200k whole on the run's first and last 10k characters. */
async function runError(texts: string[]): Promise<string> {
  const text = texts[0]!;
  const sample = [text.slice(0, WHOLE_LIMIT / 2), text.slice(-WHOLE_LIMIT / 2)];
  const whole = sample.reduce((sum, part) => sum + o200k(part), 0);
  const counted = await countTexts(sample, pieceCounter(o200k, O200K_TOKEN_SPLIT_REGEX));
  return `${pct(counted, whole)} (first and last 10k)`;
}

function pct(counted: number, whole: number): string {
  return `${(100 * (counted - whole) / whole).toFixed(2)}%`;
}

function uncutMs(texts: string[]): string {
  if (texts.some((text) => text.length > 100_000)) return "-";
  const count = pieceCounter(o200k, O200K_TOKEN_SPLIT_REGEX, { maxEncodeBytes: Infinity });
  const started = performance.now();
  for (const text of texts) count(text);
  return (performance.now() - started).toFixed(0);
}

async function healthLatency(url: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await (await fetch(`${url}/health`)).body?.cancel();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

async function concurrentLatency(): Promise<void> {
  const config = resolveConfig({
    cli: {},
    env: {},
    file: { provider: { name: "custom", base_url: "http://127.0.0.1:9", api_key: "sk-bench" } },
    source: "bench",
  });
  const app = createApp({ config, logger: NULL_LOGGER, now: () => Date.now(), newId: randomId });
  const server = serve(app.fetch, { hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  try {
    const request = (text: string) =>
      fetch(`${url}/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: text }] }),
      }).then((r) => r.json());
    await request("warm up");
    const alone = await healthLatency(url, 50);
    let countMs = 0;
    const started = performance.now();
    const counting = request(randomRun(400_000, undefined, 777)).then(
      () => (countMs = performance.now() - started),
    );
    const during = await healthLatency(url, 50);
    await counting;
    const show = (t: number[]) => `p50 ${t[25]!.toFixed(1)} ms, max ${t.at(-1)!.toFixed(1)} ms`;
    console.log(`\nGET /health alone: ${show(alone)}`);
    console.log(
      `GET /health during a 400k-letter count_tokens (${countMs.toFixed(0)} ms): ${show(during)}`,
    );
  } finally {
    await server.shutdown();
  }
}

console.log(
  "| case | chars | tokens | ms | longest turn ms | vs o200k whole | ms before cutting pieces |",
);
console.log("|---|---|---|---|---|---|---|");
for (const [name, { texts, spaced }] of Object.entries(cases(Deno.args))) {
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  const before = uncutMs(texts);
  const { tokens, ms, maxTurnMs } = await measure(texts);
  const whole = exact(texts, spaced);
  const error = whole !== undefined ? pct(tokens, whole) : await runError(texts);
  console.log(
    `| ${name} | ${chars} | ${tokens} | ${ms.toFixed(0)} | ${
      maxTurnMs.toFixed(1)
    } | ${error} | ${before} |`,
  );
}
await concurrentLatency();
