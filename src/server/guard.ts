// Refuses what a web page can send: foreign origins, foreign Host names (DNS rebinding), non-JSON POSTs.
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config/schema.ts";
import { ProxyError, toProxyError } from "../errors.ts";
import { checkAuthToken } from "./auth.ts";
import type { AppDeps } from "./deps.ts";
import { RequestLog } from "./request_log.ts";

/** Host names every proxy answers to: the loopback addresses it can be reached on. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** How long a browser may cache an allowed origin's preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = "600";

/**
 * The first middleware: refuses a request whose `Host` is not an address of the proxy (403), whose
 * `Origin` is not on `allowed_origins` (403), or a POST whose body is not declared JSON (415); asks
 * for the token on `/metrics` when `auth_token` is set. Each refusal is logged. An allowed origin
 * gets its CORS answers; nothing else gets any `Access-Control-Allow-*` header.
 *
 * @example
 * app.use(requestGuard(deps));
 */
export function requestGuard(deps: AppDeps): MiddlewareHandler {
  const { config } = deps;
  const origins = new Set(config.allowedOrigins);
  const hosts = hostCheck(config);
  return async (c, next) => {
    const origin = c.req.header("origin");
    try {
      hosts(c.req.header("host") ?? new URL(c.req.url).host);
      if (origin !== undefined && !origins.has(origin)) throw foreignOrigin(origin);
      if (c.req.method === "POST") checkJson(c.req.header("content-type"));
      if (c.req.path === "/metrics" && config.authToken) {
        checkAuthToken(c.req.raw.headers, config.authToken);
      }
    } catch (error) {
      return refuse(c, deps, error);
    }
    if (origin === undefined) return await next();
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      return preflight(c, origin);
    }
    await next();
    // A handler's own Response may have immutable headers (an upstream's): answer with a copy.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.append("vary", "Origin");
  };
}

/** The check of a request's `Host` (`name[:port]`) for `config`; throws a 403 when it fails. */
function hostCheck(config: Config): (host: string) => void {
  const bound = hostnameOf(config.host);
  const wildcard = bound === "0.0.0.0" || bound === "[::]";
  const names = new Set([...LOOPBACK_NAMES, ...config.allowedHosts]);
  if (bound !== undefined) names.add(bound);
  return (host) => {
    // Bound to every interface with a token: the token is the defence, and the names are the LAN's.
    if (wildcard && config.authToken) return;
    const name = hostnameOf(host);
    if (name !== undefined && names.has(name)) return;
    // A page that rebinds a DNS name sends that name; an address can only be the proxy's own.
    if (wildcard && name !== undefined && isAddress(name)) return;
    throw foreignHost(host, name, names);
  };
}

/** The lower-case host name of `host` (`name[:port]`, IPv6 in brackets), or undefined if malformed. */
function hostnameOf(host: string): string | undefined {
  const bracketed = host.includes(":") && !host.startsWith("[") && host.split(":").length > 2
    ? `[${host}]`
    : host;
  try {
    const url = new URL(`http://${bracketed}`);
    return url.pathname === "/" && !url.search && !url.username ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

function isAddress(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}

function foreignHost(host: string, name: string | undefined, names: Set<string>): ProxyError {
  const fix = name === undefined
    ? ""
    : `; to use this name, add "${name}" to allowed_hosts in the config file`;
  return new ProxyError(
    403,
    "permission_error",
    `Host "${clip(host)}" is not an address of this proxy (it answers to ${
      [...names].join(", ")
    }): a web page reaching it under another name (DNS rebinding) is refused${fix}`,
  );
}

function foreignOrigin(origin: string): ProxyError {
  return new ProxyError(
    403,
    "permission_error",
    `Requests from web pages are refused: origin "${clip(origin)}" is not in allowed_origins ` +
      "(add it there to let that page use the proxy, and your provider keys)",
  );
}

/** Throws a 415 unless `contentType` is `application/json` (parameters allowed). */
function checkJson(contentType: string | undefined): void {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") return;
  const got = contentType === undefined ? "none" : `"${clip(contentType)}"`;
  throw new ProxyError(
    415,
    "invalid_request_error",
    `The request body must be JSON: send Content-Type: application/json (got ${got}); other ` +
      "types are refused because a web page can send them without asking",
  );
}

/** The answer to an allowed origin's CORS preflight. */
function preflight(c: Context, origin: string): Response {
  const headers = new Headers({
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, HEAD, POST",
    "access-control-max-age": PREFLIGHT_MAX_AGE,
    "vary": "Origin, Access-Control-Request-Headers",
  });
  const asked = c.req.header("access-control-request-headers");
  if (asked) headers.set("access-control-allow-headers", asked);
  return new Response(null, { status: 204, headers });
}

/** Renders a refusal in the Anthropic error shape and logs it as any request is (never a body). */
function refuse(c: Context, deps: AppDeps, error: unknown): Response {
  const refusal = toProxyError(error);
  const log = new RequestLog(deps, c.req.raw);
  deps.logger.started?.(log.record);
  for (const observer of deps.observers ?? []) observer.started?.(log.record);
  log.responded(refusal.status, refusal);
  return refusal.getResponse();
}

/** `text` cut to 200 characters: header values in messages and logs stay short. */
function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
