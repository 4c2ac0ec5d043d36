// A provider on a raw socket (node:net) that resets a reused connection after reading a request whole.
import { type AddressInfo, createServer, type Socket } from "node:net";
import { Buffer } from "node:buffer";

/** A running {@linkcode startResettingUpstream}. */
export interface ResettingUpstream {
  /** The base URL, e.g. "http://127.0.0.1:41234/v1". */
  url: string;
  /** Every request body read, in order (a body sent twice is here twice). */
  bodies: string[];
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP/1.1 server on 127.0.0.1 that answers the first request on each connection with
 * `answer` (JSON) and keeps the connection open; a later request on that connection is read whole,
 * body and all, and then the connection is reset, as a provider that crashed mid-request would.
 */
export async function startResettingUpstream(answer: unknown): Promise<ResettingUpstream> {
  const json = JSON.stringify(answer);
  const bodies: string[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let served = 0;
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const request = takeHttpRequest(buffer);
        if (!request) return;
        buffer = buffer.subarray(request.size);
        bodies.push(request.body);
        if (served++ > 0) return void socket.resetAndDestroy();
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n` +
            `content-length: ${Buffer.byteLength(json)}\r\nconnection: keep-alive\r\n\r\n${json}`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    connections: () => connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One whole HTTP/1.1 request at the start of `buffer` (content-length or chunked), if there is one. */
function takeHttpRequest(buffer: Buffer): { size: number; body: string } | undefined {
  const end = buffer.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const head = buffer.subarray(0, end).toString("latin1");
  let at = end + 4;
  if (!/transfer-encoding:\s*chunked/i.test(head)) {
    const size = at + Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    return buffer.length < size ? undefined : { size, body: buffer.subarray(at, size).toString() };
  }
  const parts: Buffer[] = [];
  for (;;) {
    const line = buffer.indexOf("\r\n", at);
    if (line < 0) return undefined;
    const chunkSize = parseInt(buffer.subarray(at, line).toString(), 16);
    if (buffer.length < line + 2 + chunkSize + 2) return undefined;
    if (chunkSize === 0) return { size: line + 4, body: Buffer.concat(parts).toString() };
    parts.push(buffer.subarray(line + 2, line + 2 + chunkSize));
    at = line + 2 + chunkSize + 2;
  }
}
