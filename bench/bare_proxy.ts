// A bare proxy: what a plain forwarder written the obvious way costs in a runtime, for reference.
//
//   deno run --allow-net bench/bare_proxy.ts UPSTREAM_URL     (or: bun bench/bare_proxy.ts ...)
//
// It translates nothing, checks nothing and logs nothing. A request for a `claude-bench-*` model (a passthrough
// case) goes to UPSTREAM/v1/messages as the client's bytes with `claude-` cut from the leading
// model; any other request is parsed, re-serialised with the same model and sent to
// UPSTREAM/v1/chat/completions, as a translating proxy must at least do. A streamed answer comes
// back through one JavaScript stage (a default reader and a pull source, where a proxy reads its
// events);
// a JSON answer from the OpenAI side is parsed and re-serialised, the Anthropic one passed as read.
// The answers stay in the upstream's format, so the driver reads them as it reads direct's.
// It prints `listening on URL` and stops on SIGTERM. Deno and Bun run it as it is.
// deno-lint-ignore-file no-console

const PASSTHROUGH_PREFIX = '{"model":"claude-';
const JSON_HEADERS = { "content-type": "application/json" };

/** One pull stage between the upstream body and the response. */
function pipe(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Whether `bytes` begins with `prefix` (ASCII). */
function startsWith(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** Forwards one request to `upstream`. */
export async function forward(request: Request, upstream: string): Promise<Response> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const passthrough = startsWith(bytes, PASSTHROUGH_PREFIX);
  let url: string;
  let body: BodyInit;
  if (passthrough) {
    const cut = "claude-".length;
    const at = '{"model":"'.length;
    const out = new Uint8Array(bytes.length - cut);
    out.set(bytes.subarray(0, at));
    out.set(bytes.subarray(at + cut), at);
    url = `${upstream}/v1/messages`;
    body = out;
  } else {
    url = `${upstream}/v1/chat/completions`;
    body = JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)));
  }
  const answer = await fetch(url, { method: "POST", headers: JSON_HEADERS, body });
  const headers = { "content-type": answer.headers.get("content-type") ?? "application/json" };
  if (headers["content-type"].includes("text/event-stream") && answer.body) {
    return new Response(pipe(answer.body), { status: answer.status, headers });
  }
  const text = await answer.text();
  const out = passthrough ? text : JSON.stringify(JSON.parse(text));
  return new Response(out, { status: answer.status, headers });
}

interface BunServer {
  port: number;
  stop(): void;
}
interface BunGlobal {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Promise<Response>;
  }): BunServer;
}

if (import.meta.main) {
  const runtime = globalThis as { Bun?: BunGlobal; process?: { argv: string[] } };
  const upstream = runtime.Bun ? runtime.process!.argv[2] : Deno.args[0];
  if (!upstream) throw new Error("usage: bare_proxy.ts UPSTREAM_URL");
  const handler = (request: Request) => forward(request, upstream);
  if (runtime.Bun) {
    const server = runtime.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
    console.log(`listening on http://127.0.0.1:${server.port}`);
  } else {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
    }, handler);
    Deno.addSignalListener("SIGTERM", () => server.shutdown());
    await server.finished;
  }
}
