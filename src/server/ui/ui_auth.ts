// Who may read the dashboard's data: its own page only, and, with auth_token, a holder of the token.
//
// A browser cannot put the token in a header on an EventSource, so the page trades it once for a
// cookie. The user opens `/ui#token=…` (or pastes the token into the page): a fragment never leaves
// the browser (no request line, no server or proxy log, no Referer), and the page removes it from
// the address bar at once. The page sends it as `x-api-key` on one same-origin GET to
// /ui/api/session, which answers with a cookie that is:
// - not the token: an HMAC of it, good for reading the dashboard and nothing else (never /v1);
// - HttpOnly: no script, not even the page's own, can read it;
// - SameSite=Strict and Path=/ui: other sites' pages never make the browser send it;
// - named after the port: cookies ignore ports, so two proxies on one host keep theirs apart.
// Every data request must also come from the dashboard's own page: a browser says where a
// request comes from in Sec-Fetch-Site, and anything but `same-origin` (or `none`, typed into the
// address bar) is refused, including other ports of localhost, which count as the same site. The
// request guard refuses foreign Host names (DNS rebinding) and Origins before any of this.
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../../config/schema.ts";
import { AuthenticationError, ProxyError } from "../../errors.ts";
import { clientKey } from "../../upstream/target.ts";
import { constantTimeEqual } from "../auth.ts";

/** How long the dashboard's cookie lasts: 30 days (it changes when the token does). */
const COOKIE_MAX_AGE_S = 30 * 24 * 3600;
const encoder = new TextEncoder();

/** The dashboard's cookie name for the proxy at `host` (`name:port`). */
export function sessionCookieName(host: string): string {
  const port = /:(\d{1,5})$/.exec(host)?.[1] ?? "80";
  return `claude_proxy_ui_${port}`;
}

/** The cookie value for `token`: HMAC-SHA256 of a fixed label, keyed with the token, in hex. */
export async function sessionCookieValue(token: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(token),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode("claude-proxy dashboard v1"));
  return [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Guards `/ui/api/*`: the request must come from the dashboard's page (Sec-Fetch-Site), and with
 * `auth_token` set it must carry the token (x-api-key or Bearer, for scripts) or the cookie.
 */
export function dashboardAuth(config: Config): MiddlewareHandler {
  const expected = config.authToken ? sessionCookieValue(config.authToken) : undefined;
  return async (c, next) => {
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      return new ProxyError(
        403,
        "permission_error",
        `The dashboard's data is for its own page only (this request came from a ${site} page)`,
      ).getResponse();
    }
    if (config.authToken && expected) {
      const sent = clientKey(c.req.raw.headers);
      const cookie = cookieValue(c.req.header("cookie"), sessionCookieName(hostOf(c)));
      const ok = sent !== undefined
        ? constantTimeEqual(sent, config.authToken)
        : cookie !== undefined && constantTimeEqual(cookie, await expected);
      if (!ok) {
        return new AuthenticationError(
          sent === undefined
            ? "The dashboard needs the proxy token: open /ui#token=YOUR_TOKEN or enter it on the page"
            : "Invalid proxy token",
        ).getResponse();
      }
    }
    return await next();
  };
}

/**
 * The answer to `GET /ui/api/session` (the token already checked by {@linkcode dashboardAuth}):
 * 204 with the dashboard's cookie when `auth_token` is set.
 */
export async function sessionResponse(c: Context, config: Config): Promise<Response> {
  const headers = new Headers({ "cache-control": "no-store" });
  if (config.authToken) {
    const value = await sessionCookieValue(config.authToken);
    headers.set(
      "set-cookie",
      `${sessionCookieName(hostOf(c))}=${value}; Path=/ui; Max-Age=${COOKIE_MAX_AGE_S}; ` +
        "HttpOnly; SameSite=Strict",
    );
  }
  return new Response(null, { status: 204, headers });
}

function hostOf(c: Context): string {
  return c.req.header("host") ?? new URL(c.req.url).host;
}

/** The value of cookie `name` in a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
