// /ui: the page and its files from inside the app, and a data API only the dashboard's page (and the
// token's holder, when one is set) can read; the cookie opens the dashboard and nothing else.
import assert from "node:assert/strict";
import type { Config } from "../../../src/config/schema.ts";
import { createApp } from "../../../src/server/app.ts";
import { Dashboard } from "../../../src/server/ui/dashboard.ts";
import { UI_ASSETS } from "../../../src/server/ui/ui_assets.ts";
import { sessionCookieName, sessionCookieValue } from "../../../src/server/ui/ui_auth.ts";
import { testConfig } from "../../helpers/proxy.ts";

const TOKEN = "proxy-token-0123456789";

function completion() {
  return {
    id: "c1",
    choices: [{ index: 0, message: { role: "assistant", content: "pong" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 12, completion_tokens: 3 },
  };
}

function dashboardApp(config: Config) {
  const dashboard = new Dashboard({ config });
  let ids = 0;
  const app = createApp({
    config,
    logger: { write() {}, close: () => Promise.resolve() },
    observers: [dashboard.observer],
    fetch: () => Promise.resolve(Response.json(completion())),
    now: () => Date.now(),
    newId: (prefix) => `${prefix}${++ids}`,
  }, { dashboard });
  return { app, dashboard };
}

function ask(init: { headers?: Record<string, string> } = {}) {
  return new Request("http://127.0.0.1:4222/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify({
      model: "claude-test",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
}

Deno.test("/ui serves the page with a policy that lets it load only its own files", async () => {
  const { app, dashboard } = dashboardApp(testConfig("http://upstream.test"));
  try {
    const page = await app.request("http://127.0.0.1:4222/ui");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    const policy = page.headers.get("content-security-policy")!;
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /script-src 'self'(;|$)/, "no inline or foreign scripts");
    assert.match(policy, /frame-ancestors 'none'/);
    assert.equal(page.headers.get("x-frame-options"), "DENY");
    const html = await page.text();
    assert.doesNotMatch(html, /https?:\/\//, "no CDN: the page names no other site");
    const slash = await app.request("http://127.0.0.1:4222/ui/");
    assert.equal(slash.status, 302);
    assert.equal(slash.headers.get("location"), "/ui");
  } finally {
    dashboard.close();
  }
});

Deno.test("/ui serves every file the page and its scripts load, from inside the app", async () => {
  const { app, dashboard } = dashboardApp(testConfig("http://upstream.test"));
  try {
    const html = UI_ASSETS["index.html"]!.body;
    const named = [...html.matchAll(/(?:src|href)="\/ui\/([^"]+)"/g)].map((m) => m[1]!);
    for (const asset of Object.values(UI_ASSETS)) {
      for (const m of asset.body.matchAll(/from "\.\/([\w.]+)"/g)) named.push(m[1]!);
    }
    assert.ok(named.includes("app.js") && named.includes("charts.js"));
    for (const name of new Set(named)) {
      const response = await app.request(`http://127.0.0.1:4222/ui/${name}`);
      assert.equal(response.status, 200, name);
      assert.equal(response.headers.get("content-type"), UI_ASSETS[name]!.type);
      assert.equal(await response.text(), UI_ASSETS[name]!.body);
    }
    for (const asset of Object.values(UI_ASSETS)) {
      assert.doesNotMatch(asset.body, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "no other site");
    }
    const missing = await app.request("http://127.0.0.1:4222/ui/nope.js");
    assert.equal(missing.status, 404);
  } finally {
    dashboard.close();
  }
});

Deno.test("the dashboard's data is refused to pages of other sites, localhost's other ports included", async () => {
  const { app, dashboard } = dashboardApp(testConfig("http://upstream.test"));
  try {
    for (const site of ["cross-site", "same-site"]) {
      const response = await app.request("http://127.0.0.1:4222/ui/api/snapshot", {
        headers: { "sec-fetch-site": site },
      });
      assert.equal(response.status, 403, site);
      assert.equal((await response.json()).error.type, "permission_error");
    }
    for (const site of ["same-origin", "none"]) {
      const response = await app.request("http://127.0.0.1:4222/ui/api/snapshot", {
        headers: { "sec-fetch-site": site },
      });
      assert.equal(response.status, 200, site);
      await response.body?.cancel();
    }
  } finally {
    dashboard.close();
  }
});

Deno.test("with auth_token the dashboard's data needs the token, or the cookie the token is traded for", async () => {
  const { app, dashboard } = dashboardApp(
    testConfig("http://upstream.test", { auth_token: TOKEN }),
  );
  try {
    const url = "http://127.0.0.1:4222/ui/api/snapshot";
    assert.equal((await app.request(url)).status, 401);
    const wrong = await app.request("http://127.0.0.1:4222/ui/api/session", {
      headers: { "x-api-key": "not-the-token-at-all" },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get("set-cookie"), null);

    const session = await app.request("http://127.0.0.1:4222/ui/api/session", {
      headers: { "x-api-key": TOKEN },
    });
    assert.equal(session.status, 204);
    const cookie = session.headers.get("set-cookie")!;
    assert.match(cookie, /^claude_proxy_ui_4222=[0-9a-f]{64}; /);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/ui;/);
    assert.doesNotMatch(cookie, new RegExp(TOKEN), "the cookie is not the token");
    const pair = cookie.split(";")[0]!;

    const withCookie = await app.request(url, { headers: { cookie: `other=1; ${pair}` } });
    assert.equal(withCookie.status, 200);
    await withCookie.body?.cancel();
    const withToken = await app.request(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(withToken.status, 200);
    await withToken.body?.cancel();
    const forged = await app.request(url, {
      headers: { cookie: `${sessionCookieName("127.0.0.1:4222")}=${"0".repeat(64)}` },
    });
    assert.equal(forged.status, 401);

    // The cookie reads the dashboard and nothing else: it never spends the provider's keys.
    const spend = await app.request(ask({ headers: { cookie: pair } }));
    assert.equal(spend.status, 401);
  } finally {
    dashboard.close();
  }
});

Deno.test("the dashboard's cookie is an HMAC of the token, named after the port", async () => {
  assert.equal(sessionCookieName("localhost:8080"), "claude_proxy_ui_8080");
  assert.equal(sessionCookieName("[::1]:4222"), "claude_proxy_ui_4222");
  const a = await sessionCookieValue("token-a-0123456789");
  assert.equal(a, await sessionCookieValue("token-a-0123456789"), "the same across restarts");
  assert.notEqual(a, await sessionCookieValue("token-b-0123456789"), "a new token, a new cookie");
});

Deno.test("a request sent through the proxy shows in the dashboard's API with its session", async () => {
  const { app, dashboard } = dashboardApp(testConfig("http://upstream.test"));
  try {
    const answer = await app.request(ask({
      headers: { "x-claude-code-session-id": "session-1", "x-claude-code-agent-id": "agent-7" },
    }));
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
    const page = await (await app.request("http://127.0.0.1:4222/ui/api/requests?limit=5")).json();
    assert.equal(page.entries.length, 1);
    const [entry] = page.entries;
    assert.equal(entry.session_id, "session-1");
    assert.equal(entry.agent_id, "agent-7");
    assert.equal(entry.input_tokens, 12);

    const one = await (await app.request(`http://127.0.0.1:4222/ui/api/requests/${entry.id}`))
      .json();
    assert.equal(one.record.id, entry.id);
    assert.equal(one.bodies, undefined, "no bodies without [log] bodies");
    const session = await (await app.request("http://127.0.0.1:4222/ui/api/sessions/session-1"))
      .json();
    assert.equal(session.requests, 1);
    assert.equal(session.input_tokens, 12);
    assert.equal(session.upstream_model, "claude-test");

    const unknown = await app.request("http://127.0.0.1:4222/ui/api/requests/req_nope");
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).error.type, "not_found_error");
    const noSession = await app.request("http://127.0.0.1:4222/ui/api/sessions/nope");
    assert.equal(noSession.status, 404);
    await noSession.body?.cancel();
  } finally {
    dashboard.close();
  }
});

Deno.test("a request's bodies show redacted when [log] bodies is on", async () => {
  const { app, dashboard } = dashboardApp(
    testConfig("http://upstream.test", { log: { bodies: true } }),
  );
  try {
    const answer = await app.request(ask({ headers: { "x-api-key": "sk-client-key-abcdefgh" } }));
    await answer.body?.cancel();
    const [entry] = dashboard.recent.entries({ limit: 1 });
    const one = await (await app.request(`http://127.0.0.1:4222/ui/api/requests/${entry!.id}`))
      .json();
    assert.equal(one.record.has_bodies, true);
    assert.match(one.bodies.client, /"content":"hi"/);
    assert.match(one.bodies.response, /pong/);
    assert.doesNotMatch(JSON.stringify(one), /sk-test-secret-key-123456|sk-client-key-abcdefgh/);
  } finally {
    dashboard.close();
  }
});

Deno.test("/ui/api/events streams the snapshot, then a request sent meanwhile", async () => {
  const { app, dashboard } = dashboardApp(testConfig("http://upstream.test"));
  const abort = new AbortController();
  try {
    const events = await app.request("http://127.0.0.1:4222/ui/api/events", {
      signal: abort.signal,
    });
    assert.match(events.headers.get("content-type")!, /^text\/event-stream/);
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("event: snapshot")) text += (await reader.read()).value;
    const answer = await app.request(ask());
    await answer.body?.cancel();
    while (!/event: finished\ndata: .*"claude-test"/.test(text)) {
      text += (await reader.read()).value;
    }
    dashboard.close();
    while (!(await reader.read()).done) { /* the stream ends when the dashboard closes */ }
  } finally {
    abort.abort();
    dashboard.close();
  }
});

Deno.test("the request guard lets the dashboard's own page load /ui, and nothing else from it", async () => {
  const { app, dashboard } = dashboardApp(testConfig("http://upstream.test"));
  try {
    const own = { origin: "http://127.0.0.1:4222" };
    const script = await app.request("http://127.0.0.1:4222/ui/app.js", { headers: own });
    assert.equal(script.status, 200, "a module script is fetched with its page's Origin");
    assert.equal(script.headers.get("access-control-allow-origin"), null);
    await script.body?.cancel();
    const foreign = await app.request("http://127.0.0.1:4222/ui/api/snapshot", {
      headers: { origin: "http://127.0.0.1:3000" },
    });
    assert.equal(foreign.status, 403, "another port's page is another origin");
    await foreign.body?.cancel();
    const spend = await app.request(ask({ headers: own }));
    assert.equal(spend.status, 403, "the dashboard's origin may not use the API");
    await spend.body?.cancel();
  } finally {
    dashboard.close();
  }
});
