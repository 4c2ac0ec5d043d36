// A bounded soak: 200 concurrent streams through the proxy process, every one complete and correct,
// and no memory growth. The proxy runs with a V8 heap cap far below what leaking every stream would
// need (so a JS leak ends the process), and its RSS must stay near its level after warm-up.
import assert from "node:assert/strict";
import { parseLogLines } from "../../src/log/log_lines.ts";
import { sseResponse, startMockUpstream } from "../helpers/mock_upstream.ts";
import { mainCommand, startProxyProcess } from "../helpers/process.ts";

const CONCURRENCY = 200;
const ROUNDS = Number(Deno.env.get("SOAK_ROUNDS") ?? 5);
const HEAP_CAP_MIB = 48;
const MAX_RSS_GROWTH_MIB = 96;
const WORDS = Array.from({ length: 20 }, (_, i) => `w${i} `);

function rssKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

Deno.test({
  name: "proxy completes 200 concurrent streams per round without errors or memory growth",
  ignore: Deno.build.os !== "linux" || Deno.env.get("CLAUDE_PROXY_BIN") !== undefined,
  fn: async () => {
    const mock = await startMockUpstream((req) => {
      const tag = (req.json<{ messages: Array<{ content: string }> }>().messages.at(-1)?.content) ??
        "";
      const chunks = [...WORDS, tag].map((content) => ({
        choices: [{ index: 0, delta: { content }, finish_reason: null as string | null }],
      }));
      chunks.push({ choices: [{ index: 0, delta: { content: "" }, finish_reason: "stop" }] });
      return sseResponse(chunks, { delayMs: 5, signal: req.signal });
    });
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(
      `${dir}/config.toml`,
      `[provider]\nname = "custom"\nbase_url = "${mock.url}"\n`,
    );
    const command = mainCommand({ denoFlags: [`--v8-flags=--max-old-space-size=${HEAP_CAP_MIB}`] });
    const proxy = await startProxyProcess(command, {
      args: ["-c", `${dir}/config.toml`, "-p", "0", "--log-file", `${dir}/log.jsonl`],
    });
    const expected = WORDS.join("");
    const round = async (r: number) => {
      const results = await Promise.all(Array.from({ length: CONCURRENCY }, async (_, i) => {
        const tag = `r${r}-s${i}`;
        const response = await fetch(`${proxy.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "claude-soak",
            max_tokens: 50,
            stream: true,
            messages: [{ role: "user", content: tag }],
          }),
        });
        const text = await response.text();
        const deltas = [...text.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join(
          "",
        );
        return {
          ok: response.status === 200 && /event: message_stop/.test(text) &&
            !/event: error/.test(text),
          correct: deltas === expected + tag,
        };
      }));
      assert.equal(results.filter((r) => !r.ok).length, 0, `round ${r}: incomplete streams`);
      assert.equal(results.filter((r) => !r.correct).length, 0, `round ${r}: wrong content`);
    };
    try {
      await round(0);
      const warm = rssKiB(proxy.process.pid);
      for (let r = 1; r < ROUNDS; r++) await round(r);
      const after = rssKiB(proxy.process.pid);
      const growthMiB = (after - warm) / 1024;
      assert.ok(
        growthMiB < MAX_RSS_GROWTH_MIB,
        `RSS grew ${growthMiB.toFixed(1)} MiB (${warm} → ${after} KiB)`,
      );
    } finally {
      // A process that died of heap exhaustion would not exit 0 on SIGTERM.
      assert.equal(await proxy.stop("SIGTERM"), 0);
      const text = await Deno.readTextFile(`${dir}/log.jsonl`);
      assert.equal(parseLogLines(text).length, CONCURRENCY * ROUNDS, "one record per stream");
      await mock.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
