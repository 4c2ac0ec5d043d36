import assert from "node:assert/strict";
import { listenError } from "../../src/commands/listen_error.ts";
import { configFingerprint } from "../../src/config/fingerprint.ts";
import { resolveConfig } from "../../src/config/resolve.ts";

function config(env: Record<string, string> = {}) {
  return resolveConfig({
    cli: {},
    env: { DEEPSEEK_API_KEY: "sk-test", ...env },
    file: {},
    source: "defaults",
  });
}

function inUse(): Error {
  return Object.assign(new Error("Address already in use (os error 98)"), { code: "EADDRINUSE" });
}

/** A fetch that answers /health as `body`, or fails like a port no HTTP server holds. */
function health(body: unknown): typeof fetch {
  return (() =>
    body === undefined
      ? Promise.reject(new TypeError("connection reset"))
      : Promise.resolve(Response.json(body))) as typeof fetch;
}

Deno.test("listenError names the port in use and suggests -p, PORT or another claude-proxy", async () => {
  const err = await listenError(inUse(), config({ PORT: "4333" }), { fetch: health(undefined) });
  assert.equal(
    err?.message,
    "Cannot listen on 127.0.0.1:4333 (the port comes from env PORT): the port is in use " +
      "(another claude-proxy may already run there, or another program): stop it, or choose " +
      "another port with -p PORT, or set PORT",
  );
});

Deno.test("listenError says when claude-proxy with this config already runs on the port", async () => {
  const cfg = config();
  const same = health({ status: "ok", version: "0.1.0", config: configFingerprint(cfg) });
  const err = await listenError(inUse(), cfg, { fetch: same });
  assert.match(
    err!.message,
    /^Cannot listen on 127\.0\.0\.1:4222: claude-proxy is already running/,
  );
  assert.match(err!.message, /ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:4222/);
  const other = health({ status: "ok", version: "0.1.0", config: "something-else" });
  assert.match(
    (await listenError(inUse(), cfg, { fetch: other }))!.message,
    /another claude-proxy is already running there \(with another config\)/,
  );
});

Deno.test("listenError explains a privileged port and an address this machine lacks", async () => {
  const denied = Object.assign(new Error("Permission denied"), { code: "EACCES" });
  assert.match(
    (await listenError(denied, config({ PORT: "80" })))!.message,
    /^Cannot listen on 127\.0\.0\.1:80 .*: permission denied \(ports below 1024 need privileges\)/,
  );
  const missing = Object.assign(new Error("Cannot assign"), { code: "EADDRNOTAVAIL" });
  assert.match(
    (await listenError(missing, config({ HOST: "10.9.9.9" })))!.message,
    /this machine has no address 10\.9\.9\.9: use --host 127\.0\.0\.1/,
  );
});

Deno.test("listenError leaves other errors alone", async () => {
  assert.equal(await listenError(new Error("boom"), config()), undefined);
  assert.equal(await listenError("not an error", config()), undefined);
});
