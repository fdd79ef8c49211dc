import "server-only";
// Browser defences (issue 9), applied to every API route by defineRoute before anything else:
//
// - DNS rebinding: a page on evil.example whose name is made to resolve to 127.0.0.1 reaches this
//   server with `Host: evil.example:3000` and can read the answers. The Host must be one this
//   server is known by: RULEBOX_ALLOWED_HOSTS (comma-separated `name` or `name:port`; a bare name
//   matches any port), by default the bound host name (HOSTNAME), localhost, 127.0.0.1 and [::1]
//   with the served port (PORT). Pages get the same check in proxy.ts.
// - CSRF: a state-changing request (anything but GET/HEAD/OPTIONS) must be `application/json`
//   (a cross-site form or `text/plain` fetch cannot send that without a CORS preflight, which this
//   server never grants; a bodiless DELETE needs a preflight anyway) and same-origin: its Origin, when present, must name the host it was sent
//   to; without Origin, Sec-Fetch-Site must be same-origin or none. Requests with neither header do
//   not come from a browser (curl, scripts) and carry no ambient cookie risk.
// The execute routes are exempt from the CSRF check only: they authenticate by API key header,
// never by cookie, so a cross-site page gains nothing by sending them.
import { forbidden } from "./errors";
import type { HeaderReader } from "./handler";
import { isAllowedHost } from "./hosts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Refuses (403) a request whose Host this server is not known by: DNS rebinding. */
export function checkHost(headers: HeaderReader): void {
  const host = headers.get("host");
  if (!isAllowedHost(host)) {
    throw forbidden(`this server is not known as "${host ?? ""}": set RULEBOX_ALLOWED_HOSTS to serve other host names`, { reason: "host_not_allowed" });
  }
}

/** Refuses (403) a state-changing request that is not same-origin JSON: cross-site request forgery. */
export function checkSameOriginJson(request: { method: string; headers: HeaderReader }): void {
  if (SAFE_METHODS.has(request.method)) return;
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  // POST is the one state-changing method a cross-site page can send without a CORS preflight, so
  // it must always be JSON; PUT/PATCH/DELETE must be JSON when they carry a body.
  const hasBody = Number(request.headers.get("content-length") ?? "0") > 0 || request.headers.has("transfer-encoding");
  if ((request.method === "POST" || hasBody) && contentType !== "application/json") {
    throw forbidden(`a ${request.method} request must have Content-Type: application/json (got ${contentType ? `"${contentType}"` : "none"})`, { reason: "not_json" });
  }
  const origin = request.headers.get("origin");
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost === null || originHost.toLowerCase() !== (request.headers.get("host") ?? "").toLowerCase()) {
      throw forbidden(`cross-site request refused: Origin ${origin} is not this server`, { reason: "cross_site" });
    }
    return;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw forbidden(`cross-site request refused (Sec-Fetch-Site: ${site})`, { reason: "cross_site" });
  }
}
