// What the dashboard costs a request: the same requests through the app without an observer (the
// baseline), with the dashboard's observer, and with it while a page follows the live events.
//
//   deno run --allow-read bench/observer_bench.ts [ROUNDS]
//
// In process, without sockets (app.request) and with the mock upstream as `fetch`, so that the
// figures hold the proxy's own work only: a streamed answer of 50 chunks and a whole JSON answer.
// The variants alternate round by round (500 requests each, after a warm-up), so that a busy
// machine slows them alike; each figure is the median of the rounds' means, with its ratio to the
// baseline.
// deno-lint-ignore-file no-console
import { resolveConfig } from "../src/config/resolve.ts";
import { NULL_LOGGER } from "../src/log/record.ts";
import { createApp } from "../src/server/app.ts";
import type { AppDeps } from "../src/server/deps.ts";
import { Dashboard } from "../src/server/ui/dashboard.ts";
import { handle } from "./mock_openai.ts";

const config = resolveConfig({
  cli: {},
  env: {},
  file: {
    provider: { name: "custom", base_url: "http://mock.test/v1", api_key: "sk-bench-0123456789" },
    upstream: { retries: 0 },
  },
  source: "bench",
});

let ids = 0;
const base: AppDeps = {
  config,
  logger: NULL_LOGGER,
  fetch: (input, init) => handle(new Request(input, init)),
  now: () => performance.now(),
  newId: (prefix) => `${prefix}${++ids}`,
};

function withDashboard() {
  const dashboard = new Dashboard({ config });
  return { dashboard, app: createApp({ ...base, observers: [dashboard.observer] }, { dashboard }) };
}

const plain = createApp(base);
const observed = withDashboard();
const watched = withDashboard();

// A page that follows the events and reads everything, as an open dashboard does.
const page = await watched.app.request("http://127.0.0.1:4222/ui/api/events", {
  headers: { host: "127.0.0.1:4222" },
});
const reader = page.body!.getReader();
(async () => {
  while (!(await reader.read()).done) { /* read and drop */ }
})();

function ask(model: string, stream: boolean): Request {
  return new Request("http://127.0.0.1:4222/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", "x-claude-code-session-id": "bench-session" },
    body: JSON.stringify({
      model,
      max_tokens: 1024,
      stream,
      messages: [{ role: "user", content: "Say pong" }],
    }),
  });
}

async function run(app: { request(r: Request): Response | Promise<Response> }, stream: boolean) {
  const response = await app.request(ask(stream ? "bench-text-50" : "bench-json", stream));
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  await response.arrayBuffer();
}

const VARIANTS = [
  { name: "no observer (baseline)", app: plain },
  { name: "dashboard observer", app: observed.app },
  { name: "dashboard observer, a page following", app: watched.app },
];
const ROUNDS = Number(Deno.args[0] ?? 15);
const PER_ROUND = 500;

console.log("| answer | variant | µs per request (median of rounds) | vs baseline |");
console.log("| --- | --- | ---: | ---: |");
for (const stream of [true, false]) {
  for (const variant of VARIANTS) {
    for (let i = 0; i < 1000; i++) await run(variant.app, stream); // Warm-up.
  }
  const means = VARIANTS.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [v, variant] of VARIANTS.entries()) {
      const start = performance.now();
      for (let i = 0; i < PER_ROUND; i++) await run(variant.app, stream);
      means[v]!.push(((performance.now() - start) * 1000) / PER_ROUND);
    }
  }
  const medians = means.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
  for (const [v, variant] of VARIANTS.entries()) {
    const answer = stream ? "streamed, 50 chunks" : "whole JSON";
    const ratio = (medians[v]! / medians[0]!).toFixed(2);
    console.log(`| ${answer} | ${variant.name} | ${medians[v]!.toFixed(1)} | ${ratio}× |`);
  }
}

observed.dashboard.close();
watched.dashboard.close();
await reader.cancel().catch(() => {});
