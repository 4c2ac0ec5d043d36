// The runtime adapter under Deno and Bun: the last-resort handler, header and keep-alive timeouts.
import assert from "node:assert/strict";
import { fromFileUrl } from "./helpers/paths.ts";
import { decodeOutput } from "./helpers/process.ts";
import { scriptRuntimes } from "./helpers/runtimes.ts";

const RUNTIME = new URL("../src/runtime.ts", import.meta.url).href;

/** Runs `source` (a module that may import the runtime adapter as RUNTIME) under `runtime`. */
async function runScript(runtime: { program: string; args: string[] }, source: string) {
  const dir = await Deno.makeTempDir({ prefix: "claude-proxy-runtime-" });
  try {
    const file = `${dir}/script.ts`;
    await Deno.writeTextFile(file, source.replaceAll("RUNTIME", JSON.stringify(RUNTIME)));
    const output = await new Deno.Command(runtime.program, {
      args: [...runtime.args, file],
      cwd: fromFileUrl(new URL("..", import.meta.url)),
      stdout: "piped",
      stderr: "piped",
      // A guard against a script that never ends (a timeout not enforced), not a measure.
      signal: AbortSignal.timeout(60_000),
    }).output();
    return decodeOutput(output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const runtime of scriptRuntimes()) {
  Deno.test(`installLastResort under ${runtime.name} keeps the process alive and reports each error once`, async () => {
    const result = await runScript(
      runtime,
      `import { installLastResort } from RUNTIME;
      installLastResort((line) => console.log(line));
      Promise.reject(new Error("lost promise"));
      Promise.reject(new Error("lost promise"));
      setTimeout(() => { throw new TypeError("thrown in a timer"); }, 1);
      setTimeout(() => console.log("still serving"), 50);
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines.length, 3, result.stdout);
    // Deno reports a rejection after pending timers may have run: the order of the two may vary.
    const reports = lines.slice(0, 2).sort();
    assert.match(
      reports[1]!,
      /^claude-proxy: unhandled promise rejection \(a bug; the proxy keeps running, please report it\): Error: lost promise \(at .*script\.ts:\d+:\d+\)$/,
    );
    assert.match(
      reports[0]!,
      /^claude-proxy: uncaught error .*: TypeError: thrown in a timer \(at /,
    );
    assert.equal(lines[2], "still serving");
  });
}

/**
 * A server with short timeouts and three clients: one sends its headers a byte at a time and never
 * ends them, one goes idle after a request, one waits on a silent answer until both were closed.
 */
const TIMEOUTS_SCRIPT = `
import net from "node:net";
import { serve } from RUNTIME;
let release;
const released = new Promise((resolve) => (release = resolve));
const server = serve((request) => {
  if (new URL(request.url).pathname !== "/silent") return new Response("ok");
  const body = new ReadableStream({
    async start(controller) {
      await released;
      controller.enqueue(new TextEncoder().encode("late answer"));
      controller.close();
    },
  });
  return new Response(body);
}, { hostname: "127.0.0.1", port: 0, headerTimeoutMs: 200, keepAliveTimeoutMs: 1000 });
function open(request) {
  const socket = net.connect(server.port, "127.0.0.1");
  let text = "";
  socket.on("data", (data) => (text += data));
  const closed = new Promise((resolve) => socket.on("close", () => resolve(text)));
  socket.on("error", () => {});
  socket.write(request);
  return { socket, closed, text: () => text };
}
const slowloris = open("GET / HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\nx-slow: ");
const drip = setInterval(() => slowloris.socket.write("a"), 50);
const idle = open("GET / HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\n\\r\\n");
const silent = open("GET /silent HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\n\\r\\n");
let silentClosedEarly = false;
silent.closed.then(() => (silentClosedEarly = true));
await slowloris.closed;
clearInterval(drip);
const idleText = await idle.closed;
const early = silentClosedEarly;
release();
while (!silent.text().includes("late answer") && !silentClosedEarly) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
console.log(JSON.stringify({ idleAnswered: idleText.startsWith("HTTP/1.1 200"), early, silent: silent.text().includes("late answer") }));
silent.socket.destroy();
await server.close();
`;

for (const runtime of scriptRuntimes()) {
  Deno.test(`serve under ${runtime.name} closes slow-header and idle keep-alive connections, not a silent answer`, async () => {
    const result = await runScript(runtime, TIMEOUTS_SCRIPT);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { idleAnswered: true, early: false, silent: true });
  });
}
