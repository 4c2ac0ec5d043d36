// What sending an upstream body as a stream read once costs against sending its bytes, per request.
//
//   deno run -A bench/upstream_body.ts     bun bench/upstream_body.ts
//
// The proxy sends each upstream body as a one-chunk ReadableStream so that the runtime's fetch
// cannot send it a second time by itself (src/upstream/client.ts). This times 76 KB POSTs (the size
// of Claude Code's first request) to a local keep-alive server, both ways, in alternating rounds
// of the same run, and prints the p50 and p99 latency and the client CPU per request.
// deno-lint-ignore-file no-console
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";

const BODY = new TextEncoder().encode(JSON.stringify({ text: "x".repeat(76_000) }));
const ROUNDS = 6;
const PER_ROUND = 300;

const server = createServer((request, response) => {
  let size = 0;
  request.on("data", (chunk: Uint8Array) => (size += chunk.length));
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json", connection: "keep-alive" });
    response.end(JSON.stringify({ size }));
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;

type Mode = "bytes" | "stream";

function send(mode: Mode): Promise<Response> {
  const headers = { "content-type": "application/json", "content-length": String(BODY.length) };
  if (mode === "bytes") return fetch(url, { method: "POST", headers, body: BODY });
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(BODY);
      controller.close();
    },
  });
  return fetch(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

const times: Record<Mode, number[]> = { bytes: [], stream: [] };
const cpu: Record<Mode, number> = { bytes: 0, stream: 0 };
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of ["bytes", "stream"] as const) {
    const before = process.cpuUsage();
    for (let i = 0; i < PER_ROUND; i++) {
      const started = performance.now();
      const response = await send(mode);
      const { size } = await response.json();
      if (size !== BODY.length) throw new Error(`${mode}: the server read ${size} bytes`);
      if (round > 0) times[mode].push(performance.now() - started); // round 0 warms up
    }
    const used = process.cpuUsage(before);
    if (round > 0) cpu[mode] += (used.user + used.system) / 1000;
  }
}
server.close();

const runtime = "Bun" in globalThis ? "bun" : "deno";
console.log(`${runtime}: ${PER_ROUND * (ROUNDS - 1)} POSTs of ${BODY.length} bytes each way`);
for (const mode of ["bytes", "stream"] as const) {
  const sorted = times[mode].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(sorted.length * q)]!.toFixed(3);
  const perRequest = (cpu[mode] / sorted.length).toFixed(3);
  console.log(`  ${mode.padEnd(6)} p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  cpu ${perRequest} ms`);
}
