// Known secrets sent through every path never appear in responses, logs (bodies included) or metrics.
import assert from "node:assert/strict";
import { openJsonlLog } from "../../src/log/jsonl_log.ts";
import { Metrics } from "../../src/log/metrics.ts";
import { configSecrets, randomId } from "../../src/server/deps.ts";
import { serve } from "../../src/runtime.ts";
import { createApp } from "../../src/server/app.ts";
import { jsonResponse, sseResponse, startMockUpstream } from "../helpers/mock_upstream.ts";
import { testConfig } from "../helpers/proxy.ts";

const PROVIDER_KEY = "sk-proj-SECRETprovider0123456789abcdef";
const PROXY_TOKEN = "proxy-token-SECRET-5f4dcc3b5aa765d61d83";

Deno.test("secrets never reach responses, the log with bodies, or metrics", async () => {
  const mock = await startMockUpstream((req, n) => {
    if (n === 1) {
      return jsonResponse({
        choices: [{
          message: { content: "fine" },
          finish_reason: "stop",
        }],
      });
    }
    if (n === 2) {
      return sseResponse([{
        choices: [{ index: 0, delta: { content: "streamed" }, finish_reason: "stop" }],
      }], { signal: req.signal });
    }
    return jsonResponse({
      error: { message: `Incorrect API key provided: ${req.headers.authorization}` },
    }, 401);
  });
  const dir = await Deno.makeTempDir();
  const config = testConfig(mock.url, { auth_token: PROXY_TOKEN, log: { bodies: true } });
  config.providers.custom!.apiKey = PROVIDER_KEY;
  const logger = await openJsonlLog({ path: `${dir}/log.jsonl`, secrets: configSecrets(config) });
  const metrics = new Metrics();
  const app = createApp({ config, logger, metrics, now: () => Date.now(), newId: randomId });
  const server = serve(app.fetch, { hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const outputs: string[] = [];
  try {
    const headers = { "content-type": "application/json", "x-api-key": PROXY_TOKEN };
    const body = (stream: boolean) =>
      JSON.stringify({
        model: "m",
        max_tokens: 5,
        stream,
        messages: [{ role: "user", content: "hello" }],
      });
    for (const stream of [false, true, false]) {
      const response = await fetch(`${url}/v1/messages`, {
        method: "POST",
        headers,
        body: body(stream),
      });
      outputs.push(await response.text());
    }
    const denied = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { ...headers, "x-api-key": `${PROXY_TOKEN}x` },
      body: body(false),
    });
    outputs.push(await denied.text());
    outputs.push(await (await fetch(`${url}/metrics`)).text());
    await logger.flush();
    outputs.push(await Deno.readTextFile(`${dir}/log.jsonl`));
    assert.equal(mock.requests[0]?.headers.authorization, `Bearer ${PROVIDER_KEY}`, "key was sent");
    assert.match(outputs[5]!, /"bodies"/, "bodies were logged");
    for (const output of outputs) {
      assert.ok(!output.includes(PROVIDER_KEY), `provider key leaked: ${output.slice(0, 300)}`);
      assert.ok(!output.includes(PROXY_TOKEN), `proxy token leaked: ${output.slice(0, 300)}`);
    }
  } finally {
    await server.shutdown();
    await logger.close();
    await mock.close();
    await Deno.remove(dir, { recursive: true });
  }
});
