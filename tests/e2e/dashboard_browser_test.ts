// The dashboard in a real headless Chromium: it signs in with the token from the link, loads the log,
// shows requests sent during the test live (in flight, then finished), opens one, and keeps screenshots.
// deno-lint-ignore-file no-console
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openJsonlLog } from "../../src/log/jsonl_log.ts";
import { serve } from "../../src/runtime.ts";
import { createApp } from "../../src/server/app.ts";
import { configSecrets, randomId } from "../../src/server/deps.ts";
import { Dashboard } from "../../src/server/ui/dashboard.ts";
import { type Browser, findChromium, launchChromium } from "../helpers/chromium.ts";
import { fakeModel } from "../helpers/fake_model.ts";
import { historyRecords } from "../helpers/log_history.ts";
import { type MockUpstream, startMockUpstream } from "../helpers/mock_upstream.ts";
import { fromFileUrl } from "../helpers/paths.ts";
import { testConfig } from "../helpers/proxy.ts";

const CHROMIUM = findChromium();
const TOKEN = "dashboard-test-token-0123456789";
const SESSION = "5e551011-aaaa-4bbb-8ccc-000000000001";
/** Screenshots stay here after the test (the folder is in .gitignore). */
const ARTIFACTS = fromFileUrl(new URL("../.artifacts/", import.meta.url));

if (!CHROMIUM) {
  console.warn(
    "tests/e2e/dashboard_browser_test.ts: ignored: no Chromium (apt-get install chromium)",
  );
}

/** A mock provider: answers at once, except a request whose last message says "hold". */
function upstreamHandler(held: Promise<void>) {
  const answer = fakeModel(() => ({ text: "pong" }));
  return async (request: Parameters<ReturnType<typeof fakeModel>>[0]) => {
    const body = request.json<{ messages: Array<{ content: unknown }> }>();
    if (JSON.stringify(body.messages.at(-1)).includes("hold")) {
      await Promise.race([
        held,
        new Promise((resolve) => request.signal.addEventListener("abort", resolve)),
      ]);
    }
    return answer(request);
  };
}

function ask(url: string, text: string, stream = false): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": TOKEN,
      "x-claude-code-session-id": SESSION,
      "user-agent": "claude-cli/2.1.337 (external, cli)",
    },
    body: JSON.stringify({
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 256,
      stream,
      messages: [{ role: "user", content: text }],
    }),
  });
}

Deno.test({
  name: "the dashboard shows the log and a request sent during the test, live, and opens it",
  ignore: CHROMIUM === undefined,
  sanitizeResources: false, // Chromium's pipes close with the process, after the test's own checks.
  async fn() {
    const dir = await mkdtemp(join(tmpdir(), "claude-proxy-ui-"));
    const logPath = join(dir, "requests.jsonl");
    const history = historyRecords({ count: 400, now: Date.now() - 60_000 });
    await writeFile(logPath, history.map((r) => JSON.stringify(r)).join("\n") + "\n");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let mock: MockUpstream | undefined;
    let browser: Browser | undefined;
    let server: ReturnType<typeof serve> | undefined;
    const dashboardRef: { current?: Dashboard } = {};
    try {
      mock = await startMockUpstream(upstreamHandler(held));
      const config = testConfig(mock.url, {
        auth_token: TOKEN,
        log: { file: logPath, bodies: true },
        models: { "*sonnet*": "deepseek-v4-pro" },
      });
      const logger = await openJsonlLog({ path: logPath, secrets: configSecrets(config) });
      const dashboard = new Dashboard({ config, logPath });
      dashboardRef.current = dashboard;
      await dashboard.load();
      const app = createApp({
        config,
        logger,
        observers: [dashboard.observer],
        now: () => Date.now(),
        newId: randomId,
      }, { dashboard });
      const running = serve(app.fetch, { hostname: "127.0.0.1", port: 0 });
      server = running;
      const url = `http://127.0.0.1:${running.port}`;

      browser = await launchChromium(CHROMIUM!);
      const page = await browser.newPage({ width: 1440, height: 1100 });
      await page.goto(`${url}/ui#token=${TOKEN}`);
      // The log's requests are listed, and the page is live.
      await page.waitFor("#rows tr[data-id^='req_history']");
      await page.waitFor("#conn[data-state='live']");
      assert.equal(await page.evaluate("location.hash"), "", "the token left the address bar");

      // A request sent now appears once it is answered.
      const answered = await ask(url, "ping");
      assert.equal(answered.status, 200);
      await answered.body?.cancel();
      const [first] = dashboard.recent.entries({ limit: 1 });
      assert.equal(first?.session_id, SESSION);
      await page.waitFor(`#rows tr[data-id='${first!.id}']`, { text: "deepseek-v4-pro" });

      // A streamed request shows while it runs, then moves to the finished ones.
      const streaming = ask(url, "hold the answer", true);
      await page.waitFor("#inflight-rows tr", { text: "claude-sonnet-4-5-20250929" });
      await mkdir(ARTIFACTS, { recursive: true });
      const overview = join(ARTIFACTS, "dashboard.png");
      await writeFile(overview, await page.screenshot());
      const dark = join(ARTIFACTS, "dashboard-dark.png");
      await page.send("Emulation.setEmulatedMedia", {
        features: [{ name: "prefers-color-scheme", value: "dark" }],
      });
      await writeFile(dark, await page.screenshot());
      await page.send("Emulation.setEmulatedMedia", { features: [] });
      release();
      const streamed = await streaming;
      await streamed.text();
      const [second] = dashboard.recent.entries({ limit: 1 });
      assert.equal(second?.stream, true);
      await page.waitFor(`#rows tr[data-id='${second!.id}']`);
      assert.equal(await page.evaluate("document.querySelectorAll('#inflight-rows tr').length"), 0);

      // The request opens to its route, timing and redacted bodies.
      await page.evaluate(`document.querySelector("#rows tr[data-id='${first!.id}']").click()`);
      await page.waitFor("#detail-body details.body", { text: "Request sent upstream" });
      const drawer = await page.evaluate<string>("document.getElementById('detail').innerText");
      assert.match(drawer, /deepseek-v4-pro/);
      assert.match(drawer, /5e551011-aaaa-4bbb-8ccc-000000000001/);
      assert.doesNotMatch(drawer, /sk-test-secret-key-123456/, "the provider key never shows");
      const detail = join(ARTIFACTS, "dashboard-detail.png");
      await writeFile(detail, await page.screenshot());

      assert.deepEqual(page.problems, [], "the page printed or threw nothing (no CSP refusal)");
      console.log(`dashboard screenshots: ${overview}, ${dark}, ${detail}`);
      await logger.close();
    } finally {
      release();
      dashboardRef.current?.close();
      await browser?.close();
      await server?.shutdown();
      await mock?.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  name: "the dashboard asks for the token when the link has none, and refuses a wrong one",
  ignore: CHROMIUM === undefined,
  sanitizeResources: false,
  async fn() {
    const config = testConfig("http://127.0.0.1:9", { auth_token: TOKEN });
    const dashboard = new Dashboard({ config });
    await dashboard.load();
    const app = createApp({
      config,
      logger: { write() {}, close: () => Promise.resolve() },
      observers: [dashboard.observer],
      now: () => Date.now(),
      newId: randomId,
    }, { dashboard });
    const server = serve(app.fetch, { hostname: "127.0.0.1", port: 0 });
    const browser = await launchChromium(CHROMIUM!);
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.port}/ui`);
      await page.waitFor("#login:not([hidden])");
      await page.evaluate(`document.getElementById("login-token").value = "wrong-token-123456";
        document.getElementById("login-form").requestSubmit();`);
      await page.waitFor("#login-error", { text: "not the proxy's token" });
      await page.evaluate(`document.getElementById("login-token").value = ${JSON.stringify(TOKEN)};
        document.getElementById("login-form").requestSubmit();`);
      await page.waitFor("#conn[data-state='live']");
      await page.waitFor("#empty", { text: "No requests yet" });
      const cookie = await page.evaluate<string>("document.cookie");
      assert.equal(cookie, "", "the dashboard's cookie is HttpOnly: scripts cannot read it");
    } finally {
      dashboard.close();
      await browser.close();
      await server.shutdown();
    }
  },
});
