// Tests for sendUpstream: retries before the first byte, timeouts, client abort, error bodies.
import assert from "node:assert/strict";
import { UpstreamError } from "../../src/errors.ts";
import {
  readErrorBody,
  type RetryInfo,
  sendUpstream,
  type UpstreamResult,
} from "../../src/upstream/client.ts";
import {
  jsonResponse,
  type RecordedRequest,
  sseResponse,
  startMockUpstream,
  streamResponse,
} from "../helpers/mock_upstream.ts";
import { FakeTimers } from "../helpers/fake_timers.ts";
import { startResettingUpstream } from "../helpers/resetting_upstream.ts";
import { readSourceText } from "../helpers/streams.ts";

const SANITIZE = { sanitizeOps: true, sanitizeResources: true };
const HEADERS = { authorization: "Bearer sk-secret", "content-type": "application/json" };
const BODY = JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });

/** Options that retry without waiting and record what happened. */
function recorder() {
  const retries: RetryInfo[] = [];
  const sleeps: number[] = [];
  return {
    retries,
    sleeps,
    options: {
      onRetry: (info: RetryInfo) => retries.push(info),
      sleep: (ms: number) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  };
}

/** `promise`, and whether it has settled yet. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  return {
    promise,
    get settled() {
      return settled;
    },
  };
}

/** A mock step that never answers and resolves `arrival` when its request comes in. */
function arrivingNeverAnswered() {
  let arrived!: (request: RecordedRequest) => void;
  const arrival = new Promise<RecordedRequest>((resolve) => (arrived = resolve));
  return {
    arrival,
    step: (request: RecordedRequest) => {
      arrived(request);
      return neverAnswer();
    },
  };
}

/** A handler that never answers (the mock answers 503 once the client leaves). */
function neverAnswer(): Promise<Response> {
  return new Promise<Response>(() => {});
}

function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

async function text(body: ReadableStream<Uint8Array> | null): Promise<string> {
  return body ? await new Response(body).text() : "";
}

Deno.test({
  name: "sendUpstream sends method, headers and body and resolves with the streamed body",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream((req) =>
      sseResponse([{ choices: [{ delta: { content: "Hi" } }] }], { signal: req.signal })
    );
    try {
      const result = await sendUpstream({
        url: `${mock.url}/v1/chat/completions`,
        headers: HEADERS,
        body: BODY,
      });
      assert.equal(result.attempts, 1);
      assert.equal(result.response.status, 200);
      assert.equal(result.response.headers.get("content-type"), "text/event-stream");
      assert.equal(
        await text(result.body),
        'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n',
      );
      const [sent] = mock.requests;
      assert.equal(sent?.method, "POST");
      assert.equal(sent?.path, "/v1/chat/completions");
      assert.equal(sent?.headers.authorization, "Bearer sk-secret");
      assert.equal(sent?.body, BODY);
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream retries a 503, sends the same request again and reports the retry",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream([
      () => jsonResponse({ error: { message: "Busy" } }, 503),
      () => jsonResponse({ ok: true }),
    ]);
    const { retries, sleeps, options } = recorder();
    try {
      const result = await sendUpstream(
        { url: mock.url, headers: HEADERS, body: BODY },
        { ...options, retry: { baseDelayMs: 100 }, timeouts: { firstByteMs: 5000 } },
      );
      assert.equal(result.attempts, 2);
      assert.deepEqual(await result.response.json(), { ok: true });
      assert.deepEqual(mock.requests.map((r) => r.body), [BODY, BODY]);
      assert.equal(retries.length, 1);
      assert.equal(retries[0]?.attempt, 1);
      assert.equal(retries[0]?.status, 503);
      assert.ok(retries[0]!.delayMs >= 50 && retries[0]!.delayMs <= 100);
      assert.deepEqual(sleeps, [retries[0]?.delayMs]);
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream retries 408, 409, 429, 500, 502, 503, 504 and 529",
  ...SANITIZE,
  async fn() {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) {
      const statuses = [status, 200];
      const fakeFetch = () =>
        Promise.resolve(new Response("x", { status: statuses.shift() ?? 200 }));
      const result = await sendUpstream({
        url: "https://api.example.com/v1",
        headers: {},
        body: "",
      }, {
        ...recorder().options,
        fetch: fakeFetch,
      });
      assert.equal(result.attempts, 2, `status ${status}`);
      assert.equal(result.response.status, 200);
      await result.body?.cancel();
    }
  },
});

Deno.test({
  name: "sendUpstream resolves at once with a non-retryable status for the caller to map",
  ...SANITIZE,
  async fn() {
    for (const status of [400, 401, 404, 422]) {
      const mock = await startMockUpstream(() =>
        jsonResponse({ error: { message: `Nope ${status}` } }, status)
      );
      const { retries, options } = recorder();
      try {
        const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, options);
        assert.equal(result.attempts, 1);
        assert.equal(result.response.status, status);
        assert.equal(
          await readErrorBody(result.response),
          `{"error":{"message":"Nope ${status}"}}`,
        );
        assert.equal(mock.requests.length, 1);
        assert.equal(retries.length, 0);
      } finally {
        await mock.close();
      }
    }
  },
});

Deno.test({
  name: "sendUpstream resolves with the upstream's own answer after the last try of a 429",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream(() =>
      jsonResponse({ error: { message: "Rate limit reached" } }, 429, { "retry-after": "2" })
    );
    const { retries, sleeps, options } = recorder();
    try {
      const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, options);
      assert.equal(result.attempts, 3);
      assert.equal(result.response.status, 429);
      assert.match(await readErrorBody(result.response), /Rate limit reached/);
      assert.equal(mock.requests.length, 3);
      assert.deepEqual(retries.map((r) => r.attempt), [1, 2]);
      assert.deepEqual(sleeps, [2000, 2000], "Retry-After is honoured");
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream follows x-should-retry over the status",
  ...SANITIZE,
  async fn() {
    const answer = (status: number, hint: string) => () =>
      Promise.resolve(new Response("x", { status, headers: { "x-should-retry": hint } }));
    const noRetry = await sendUpstream({ url: "https://h.example/", headers: {}, body: "" }, {
      ...recorder().options,
      fetch: answer(503, "false"),
    });
    assert.equal(noRetry.attempts, 1);
    await noRetry.body?.cancel();
    const retried = await sendUpstream({ url: "https://h.example/", headers: {}, body: "" }, {
      ...recorder().options,
      fetch: answer(400, "true"),
    });
    assert.equal(retried.attempts, 3);
    await retried.body?.cancel();
  },
});

Deno.test({
  name: "sendUpstream cancels the body of every retried response",
  ...SANITIZE,
  async fn() {
    const cancelled: number[] = [];
    let n = 0;
    const fakeFetch = () => {
      const id = ++n;
      const body = new ReadableStream<Uint8Array>({ cancel: () => void cancelled.push(id) });
      return Promise.resolve(new Response(body, { status: id < 3 ? 502 : 200 }));
    };
    const result = await sendUpstream({ url: "https://h.example/", headers: {}, body: "" }, {
      ...recorder().options,
      fetch: fakeFetch,
    });
    assert.equal(result.attempts, 3);
    assert.deepEqual(cancelled, [1, 2]);
    await result.body?.cancel();
    assert.deepEqual(cancelled, [1, 2, 3]);
  },
});

Deno.test({
  name: "sendUpstream retries a refused connection, then throws a 502 naming only the host",
  ...SANITIZE,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr;
    listener.close();
    const { retries, options } = recorder();
    const error = await sendUpstream({
      url: `http://127.0.0.1:${port}/v1/chat/completions?key=SECRET-KEY`,
      headers: HEADERS,
      body: BODY,
    }, { ...options, retry: { attempts: 2 } }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof UpstreamError);
    assert.equal(error.status, 502);
    assert.equal(error.type, "api_error");
    assert.ok(
      error.message.startsWith(`Cannot reach upstream 127.0.0.1:${port}: `),
      error.message,
    );
    assert.match(error.message, /refused/i);
    assert.equal(retries.length, 1);
    assert.equal(retries[0]?.error, error.message);
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      assert.doesNotMatch(e.message, /SECRET-KEY|chat\/completions/, "no path or query leaks");
    }
  },
});

/** A raw TCP server that drops the first `drops` connections, then answers 200 "ok". */
function startFlakyServer(drops: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let seen = 0;
  const done = (async () => {
    for await (const conn of listener) {
      seen++;
      if (seen > drops) {
        await readHttpRequest(conn);
        const reply = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
        await conn.write(new TextEncoder().encode(reply));
      }
      conn.close();
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}/v1`,
    connections: () => seen,
    async close() {
      listener.close();
      await done.catch(() => {});
    },
  };
}

async function readHttpRequest(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  let received = "";
  while (true) {
    const n = await conn.read(buffer);
    if (n === null) return;
    received += new TextDecoder().decode(buffer.subarray(0, n));
    const end = received.indexOf("\r\n\r\n");
    if (end < 0) continue;
    const length = Number(/content-length:\s*(\d+)/i.exec(received)?.[1] ?? 0);
    if (new TextEncoder().encode(received.slice(end + 4)).byteLength >= length) return;
  }
}

Deno.test({
  name: "sendUpstream retries when the connection is closed before the response headers",
  ...SANITIZE,
  async fn() {
    const server = startFlakyServer(1);
    const { retries, options } = recorder();
    try {
      const result = await sendUpstream({ url: server.url, headers: HEADERS, body: BODY }, options);
      assert.equal(result.attempts, 2);
      assert.equal(await text(result.body), "ok");
      assert.equal(server.connections(), 2);
      assert.match(retries[0]?.error ?? "", /^Cannot reach upstream 127\.0\.0\.1:\d+: /);
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "sendUpstream keeps the URL out of DNS failure messages",
  ...SANITIZE,
  async fn() {
    const url = "https://api.example.com/v1/chat/completions?key=SECRET-KEY";
    const fakeFetch = () =>
      Promise.reject(
        new TypeError("fetch failed", {
          cause: new Error(
            `error sending request for url (${url}): client error (Connect): dns error: ` +
              "failed to lookup address information: Name or service not known",
          ),
        }),
      );
    await assert.rejects(
      sendUpstream({ url, headers: HEADERS, body: BODY }, {
        ...recorder().options,
        fetch: fakeFetch,
      }),
      (error) => {
        assert.ok(error instanceof UpstreamError);
        assert.equal(
          error.message,
          "Cannot reach upstream api.example.com: client error (Connect): dns error: " +
            "failed to lookup address information: Name or service not known",
        );
        assert.ok(error.cause instanceof Error);
        assert.doesNotMatch(String((error.cause as Error).cause), /SECRET-KEY/);
        return true;
      },
    );
  },
});

Deno.test({
  name: "sendUpstream replaces any URL in a network error message with its host",
  ...SANITIZE,
  async fn() {
    const url = "https://api.example.com/v1/chat/completions?key=SECRET-KEY";
    const fakeFetch = () =>
      Promise.reject(new TypeError(`request to ${url} failed, reason: connect ECONNREFUSED`));
    await assert.rejects(
      sendUpstream({ url, headers: HEADERS, body: BODY }, {
        ...recorder().options,
        fetch: fakeFetch,
      }),
      (error) =>
        error instanceof UpstreamError &&
        error.message === "Cannot reach upstream api.example.com: request to api.example.com " +
            "failed, reason: connect ECONNREFUSED",
    );
  },
});

Deno.test({
  name: "sendUpstream rejects an invalid URL without echoing it",
  ...SANITIZE,
  async fn() {
    await assert.rejects(
      sendUpstream({ url: "not a url?key=SECRET", headers: {}, body: "" }),
      (error) =>
        error instanceof UpstreamError && error.status === 502 &&
        !error.message.includes("SECRET"),
    );
  },
});

/** The 504 of a first-byte timeout of 0.1 s, naming the settings to raise. */
const FIRST_BYTE_TIMEOUT =
  "Upstream did not answer within 0.1 s (first-byte timeout: raise [upstream] first_byte_timeout_ms, or the provider's timeout_ms, to wait longer)";

Deno.test({
  name: "sendUpstream retries after a first-byte timeout and aborts the slow request",
  ...SANITIZE,
  async fn() {
    const slow = arrivingNeverAnswered();
    const mock = await startMockUpstream([slow.step, () => jsonResponse({ ok: true })]);
    const { retries, options } = recorder();
    const timers = new FakeTimers();
    try {
      const sending = sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        ...options,
        timers,
        timeouts: { firstByteMs: 100 },
      });
      await slow.arrival;
      await timers.advance(100);
      const result = await sending;
      assert.equal(result.attempts, 2);
      assert.deepEqual(await result.response.json(), { ok: true });
      assert.equal(retries[0]?.error, FIRST_BYTE_TIMEOUT);
      await mock.requests[0]!.disconnected;
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream throws a 504 timeout_error when the last try gets no headers in time",
  ...SANITIZE,
  async fn() {
    const slow = arrivingNeverAnswered();
    const mock = await startMockUpstream(slow.step);
    const timers = new FakeTimers();
    try {
      const sending = tracked(sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        retry: { attempts: 1 },
        timers,
        timeouts: { firstByteMs: 100 },
      }));
      await slow.arrival;
      await timers.advance(99);
      assert.equal(sending.settled, false, "the try waits the whole first-byte timeout");
      await timers.advance(1);
      await assert.rejects(
        sending.promise,
        (error) => {
          assert.ok(error instanceof UpstreamError);
          assert.equal(error.status, 504);
          assert.equal(error.type, "timeout_error");
          assert.equal(error.message, FIRST_BYTE_TIMEOUT);
          return true;
        },
      );
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream does not apply the first-byte timeout to a slow first body chunk",
  ...SANITIZE,
  async fn() {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const mock = await startMockUpstream(() =>
      new Response(
        new ReadableStream({
          async pull(controller) {
            await released;
            controller.enqueue(new TextEncoder().encode("late"));
            controller.close();
          },
        }),
      )
    );
    const timers = new FakeTimers();
    try {
      const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        timers,
        timeouts: { firstByteMs: 100, idleMs: 5000 },
      });
      const reading = text(result.body);
      await timers.advance(200);
      release();
      assert.equal(await reading, "late");
    } finally {
      await mock.close();
    }
  },
});

/** The three ways a route reads an answer: the body stream, the chunk source, or all at once. */
const READS: { name: string; read: (result: UpstreamResult) => Promise<string> }[] = [
  { name: "the returned body", read: (result) => text(result.body) },
  { name: "chunks()", read: (result) => readSourceText(result.chunks()) },
  { name: "text()", read: (result) => result.text() },
];

for (const { name, read } of READS) {
  Deno.test({
    name: `sendUpstream applies the idle timeout to ${name} and closes the upstream`,
    ...SANITIZE,
    async fn() {
      const mock = await startMockUpstream((req) =>
        sseResponse([{ n: 1 }], { done: false, end: "hang", signal: req.signal })
      );
      try {
        const timers = new FakeTimers();
        const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
          timers,
          timeouts: { idleMs: 100 },
        });
        const reading = assert.rejects(
          read(result),
          (error) =>
            error instanceof UpstreamError && error.status === 504 &&
            error.type === "timeout_error" &&
            error.message === "Upstream stream was idle for 0.1 s (idle timeout)",
        );
        // The first chunk arrives; the stream then stays silent for the whole idle timeout.
        await timers.timerSet();
        await timers.advance(100);
        await reading;
        await mock.requests[0]!.disconnected;
      } finally {
        await mock.close();
      }
    },
  });

  Deno.test({
    name: `sendUpstream reports a stream broken mid-way in ${name} as a 502 api_error`,
    ...SANITIZE,
    async fn() {
      const mock = await startMockUpstream((req) =>
        streamResponse(["data: 1\n\n"], { end: "reset", signal: req.signal })
      );
      try {
        const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY });
        await assert.rejects(read(result), (error) => {
          assert.ok(error instanceof UpstreamError);
          assert.equal(error.status, 502);
          assert.equal(error.type, "api_error");
          assert.match(error.message, /^Upstream stream failed: /);
          return true;
        });
      } finally {
        await mock.close();
      }
    },
  });
}

Deno.test({
  name: "sendUpstream aborts the in-flight upstream request as soon as the client aborts",
  ...SANITIZE,
  async fn() {
    const slow = arrivingNeverAnswered();
    const mock = await startMockUpstream(slow.step);
    const client = new AbortController();
    // The clock never moves: no timeout can be what ends the request.
    const timers = new FakeTimers();
    try {
      const sending = sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        signal: client.signal,
        timers,
      });
      const request = await slow.arrival;
      client.abort();
      await assert.rejects(sending, isAbortError);
      await request.disconnected;
      assert.equal(timers.now(), 0);
      assert.equal(timers.pending, 0, "the first-byte timer is stopped");
      assert.equal(mock.requests.length, 1, "no retry after an abort");
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream interrupts the wait between tries when the client aborts",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream(() => jsonResponse({ error: "Busy" }, 503));
    const client = new AbortController();
    const timers = new FakeTimers();
    try {
      const sending = sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        signal: client.signal,
        timers,
        retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
        onRetry: () => client.abort(),
      });
      await assert.rejects(sending, isAbortError);
      assert.equal(timers.now(), 0, "the 60 s wait was cut short: the clock never moved");
      assert.equal(timers.pending, 0, "and its timer is stopped");
      assert.equal(mock.requests.length, 1);
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream aborts the response body when the client aborts mid-stream",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream((req) =>
      sseResponse([{ n: 1 }], { done: false, end: "hang", signal: req.signal })
    );
    const client = new AbortController();
    try {
      const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        signal: client.signal,
      });
      const reader = result.body!.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: {"n":1}\n\n');
      client.abort();
      await assert.rejects(reader.read(), isAbortError);
      await mock.requests[0]!.disconnected;
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream rejects with the signal's reason and sends nothing when already aborted",
  ...SANITIZE,
  async fn() {
    let calls = 0;
    const reason = new Error("client closed the connection");
    await assert.rejects(
      sendUpstream({ url: "https://h.example/", headers: {}, body: "" }, {
        signal: AbortSignal.abort(reason),
        fetch: () => {
          calls++;
          return Promise.resolve(new Response("x"));
        },
      }),
      (error) => error === reason,
    );
    assert.equal(calls, 0);
  },
});

Deno.test({
  name: "readErrorBody reads a whole small body as text",
  ...SANITIZE,
  async fn() {
    assert.equal(await readErrorBody(new Response("Bad request: ünïcödé")), "Bad request: ünïcödé");
    assert.equal(await readErrorBody(new Response(null, { status: 500 })), "");
  },
});

Deno.test({
  name: "readErrorBody stops at the byte limit without splitting a character and cancels the rest",
  ...SANITIZE,
  async fn() {
    let cancelled = false;
    const bytes = new TextEncoder().encode("aé");
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(bytes),
      cancel: () => void (cancelled = true),
    });
    const result = await readErrorBody(new Response(endless), 5);
    assert.equal(result, "aéa", "the half of the second é is dropped, not mangled");
    assert.equal(cancelled, true);
  },
});

Deno.test({
  name: "readErrorBody returns what it read when the body fails mid-way",
  ...SANITIZE,
  async fn() {
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new TypeError("error reading a body from connection"));
        sent = true;
        controller.enqueue(new TextEncoder().encode('{"error":'));
      },
    });
    assert.equal(await readErrorBody(new Response(failing)), '{"error":');
  },
});

Deno.test({
  name: "sendUpstream's chunks() reads the body without its stream and locks the stream",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream((req) =>
      sseResponse([{ n: 1 }, { n: 2 }], { signal: req.signal })
    );
    try {
      const { response, body, chunks } = await sendUpstream({
        url: mock.url,
        headers: HEADERS,
        body: BODY,
      });
      const source = chunks();
      assert.equal(body?.locked, true);
      assert.throws(() => chunks(), TypeError);
      await assert.rejects(response.text(), TypeError);
      assert.equal(
        await readSourceText(source),
        'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n',
      );
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream's chunks() refuses a body that is already being read",
  ...SANITIZE,
  async fn() {
    const fakeFetch = () => Promise.resolve(new Response("ok"));
    const result = await sendUpstream({ url: "https://h.example/", headers: {}, body: "" }, {
      fetch: fakeFetch,
    });
    const reader = result.body!.getReader();
    assert.throws(() => result.chunks(), TypeError);
    assert.equal(new TextDecoder().decode((await reader.read()).value), "ok");
    await reader.cancel();
  },
});

Deno.test({
  name:
    "sendUpstream's chunks() ends at once when there is no body, and cancel reaches the upstream",
  ...SANITIZE,
  async fn() {
    const empty = await sendUpstream({ url: "https://h.example/", headers: {}, body: "" }, {
      fetch: () => Promise.resolve(new Response(null, { status: 204 })),
    });
    assert.equal(empty.body, null);
    assert.deepEqual(await empty.chunks().read(), { done: true });
    const mock = await startMockUpstream((req) =>
      sseResponse([{ n: 1 }], { done: false, end: "hang", signal: req.signal })
    );
    try {
      const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY });
      const source = result.chunks();
      assert.equal((await source.read()).done, false);
      await source.cancel();
      await mock.requests[0]!.disconnected;
    } finally {
      await mock.close();
    }
  },
});

for (const { name, read } of READS) {
  Deno.test({
    name: `sendUpstream reads a whole answer through ${name}`,
    ...SANITIZE,
    async fn() {
      const answer = JSON.stringify({ id: "chatcmpl-1", note: "é ✓ 😀".repeat(3000) });
      // Split inside a multi-byte character: the decoder must join the halves.
      const bytes = new TextEncoder().encode(answer);
      const mock = await startMockUpstream((req) =>
        streamResponse([bytes.subarray(0, 5003), bytes.subarray(5003)], { signal: req.signal })
      );
      try {
        const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY });
        assert.ok((await read(result)) === answer, "the answer arrives whole and unchanged");
      } finally {
        await mock.close();
      }
    },
  });
}

Deno.test({
  name: "sendUpstream's text() rejects with the client's abort and closes the upstream",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream((req) =>
      streamResponse(['{"id":'], { end: "hang", signal: req.signal })
    );
    try {
      const client = new AbortController();
      const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        signal: client.signal,
        timeouts: { idleMs: 60_000 },
      });
      const reading = result.text();
      client.abort(new Error("client went away"));
      await assert.rejects(reading, /client went away/);
      await mock.requests[0]!.disconnected;
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream bounds the whole wait for an answer by deadlineMs, tries and waits included",
  ...SANITIZE,
  async fn() {
    // A quick 503 asking for an immediate retry, then an upstream that never answers.
    const slow = arrivingNeverAnswered();
    const mock = await startMockUpstream([
      () => jsonResponse({ error: { message: "busy" } }, 503, { "retry-after-ms": "0" }),
      slow.step,
    ]);
    const timers = new FakeTimers();
    try {
      const sending = tracked(sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        timers,
        retry: { attempts: 10 },
        timeouts: { firstByteMs: 200, deadlineMs: 200 },
      }));
      // The wait of 0 ms before the second try passes; then the second try hangs.
      await timers.runUntil(slow.arrival);
      await timers.advance(199);
      assert.equal(sending.settled, false, "the wait lasts until the deadline");
      await timers.advance(1);
      await assert.rejects(
        sending.promise,
        (error) => {
          assert.ok(error instanceof UpstreamError);
          assert.equal(error.status, 504);
          assert.equal(error.type, "timeout_error");
          assert.equal(
            error.message,
            "Upstream did not start answering within 0.2 s (2 tries, deadline): raise " +
              "[upstream] deadline_ms (the whole wait) or first_byte_timeout_ms (each try) to " +
              "wait longer",
          );
          return true;
        },
      );
      assert.equal(mock.requests.length, 2, "no try after the deadline");
      await mock.requests[1]!.disconnected;
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name: "sendUpstream ends the wait at a deadline shorter than one first-byte timeout",
  ...SANITIZE,
  async fn() {
    const slow = arrivingNeverAnswered();
    const mock = await startMockUpstream([slow.step]);
    const timers = new FakeTimers();
    try {
      const sending = tracked(sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        timers,
        retry: { attempts: 1 },
        timeouts: { firstByteMs: 300_000, deadlineMs: 1500 },
      }));
      await timers.runUntil(slow.arrival);
      await timers.advance(1499);
      assert.equal(sending.settled, false, "the wait lasts until the deadline");
      await timers.advance(1);
      await assert.rejects(sending.promise, (error) => {
        assert.ok(error instanceof UpstreamError);
        assert.equal(error.status, 504);
        assert.match(error.message, /^Upstream did not start answering within 1\.5 s \(1 try/);
        return true;
      });
      await mock.requests[0]!.disconnected;
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name:
    "sendUpstream makes no retry that could not start before the deadline, and keeps the answer",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream(() =>
      jsonResponse({ error: { message: "busy" } }, 503, { "retry-after": "30" })
    );
    try {
      const result = await sendUpstream({ url: mock.url, headers: HEADERS, body: BODY }, {
        retry: { attempts: 3 },
        timeouts: { firstByteMs: 100, deadlineMs: 1000 },
      });
      assert.equal(result.response.status, 503);
      assert.equal(result.attempts, 1);
      await result.response.body?.cancel();
    } finally {
      await mock.close();
    }
  },
});

Deno.test({
  name:
    "sendUpstream with no retries sends a request once when its reused connection is reset after the body was read",
  ...SANITIZE,
  async fn() {
    const server = await startResettingUpstream({ ok: true });
    try {
      const first = await sendUpstream(
        { url: `${server.url}/chat/completions`, headers: HEADERS, body: '{"n":1}' },
        { retry: { attempts: 1 } },
      );
      assert.equal(await first.text(), '{"ok":true}');
      const error = await sendUpstream(
        { url: `${server.url}/chat/completions`, headers: HEADERS, body: '{"n":2}' },
        { retry: { attempts: 1 } },
      ).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof UpstreamError, String(error));
      assert.equal(error.status, 502);
      assert.deepEqual(server.bodies, ['{"n":1}', '{"n":2}'], "the second body was sent once");
      assert.equal(server.connections(), 1, "the second request went on the reused connection");
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "sendUpstream with one retry sends it again, at once, on a new connection",
  ...SANITIZE,
  async fn() {
    const server = await startResettingUpstream({ ok: true });
    const { retries, sleeps, options } = recorder();
    try {
      const first = await sendUpstream({
        url: `${server.url}/chat/completions`,
        headers: HEADERS,
        body: '{"n":1}',
      });
      await first.text();
      const second = await sendUpstream(
        { url: `${server.url}/chat/completions`, headers: HEADERS, body: '{"n":2}' },
        { ...options, retry: { attempts: 2 } },
      );
      assert.equal(await second.text(), '{"ok":true}');
      assert.equal(second.attempts, 2);
      assert.deepEqual(server.bodies, ['{"n":1}', '{"n":2}', '{"n":2}'], "sent twice: one retry");
      assert.equal(server.connections(), 2);
      assert.equal(retries.length, 1);
      assert.deepEqual(sleeps, [0], "a connection that broke is retried without a backoff");
    } finally {
      await server.close();
    }
  },
});

Deno.test({
  name: "sendUpstream sends a body plainly to a server that refuses a streamed one with 411",
  ...SANITIZE,
  async fn() {
    const mock = await startMockUpstream((req) =>
      req.headers["content-length"] === undefined
        ? new Response("Length Required", { status: 411 })
        : jsonResponse({ got: req.json() })
    );
    try {
      for (let i = 0; i < 2; i++) {
        const result = await sendUpstream({ url: `${mock.url}/v1`, headers: HEADERS, body: BODY });
        assert.deepEqual(JSON.parse(await result.text()), { got: JSON.parse(BODY) });
        assert.equal(result.attempts, 1);
      }
      // Under Deno the first body goes chunked and is refused; the next goes plainly at once.
      const statuses = mock.requests.map((r) => r.headers["content-length"] ?? "chunked");
      assert.ok(statuses.at(-1) === String(BODY.length), statuses.join(" "));
    } finally {
      await mock.close();
    }
  },
});
