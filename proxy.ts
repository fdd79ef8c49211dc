// Pages (API routes do this in defineRoute): refuse an unknown Host (DNS rebinding), and send a
// browser without a session cookie to sign in. The cookie's presence is only a shortcut: each page
// validates the session itself (server/auth/page-session.ts) and the API decides on every call.
import { NextResponse, type NextRequest } from "next/server";
import { isAllowedHost } from "@/server/http/hosts";

const OPEN_PAGES = new Set(["/sign-in", "/setup"]);

export function proxy(request: NextRequest) {
  const host = request.headers.get("host");
  if (!isAllowedHost(host)) {
    return new NextResponse(`This server is not known as "${host ?? ""}". Set RULEBOX_ALLOWED_HOSTS to serve other host names.\n`, {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  if (!OPEN_PAGES.has(request.nextUrl.pathname) && !request.cookies.has("rulebox_session")) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = request.nextUrl.pathname === "/" ? "" : `?next=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
    return NextResponse.redirect(url);
  }
  // The page's own address, so a page whose session turns out to have ended can send the browser
  // to sign in and back here (server/auth/page-session.ts). Set here, never taken from the client.
  const headers = new Headers(request.headers);
  headers.set("x-rulebox-page-path", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Everything but the API (its routes check for themselves) and static assets.
  matcher: ["/((?!api/|_next/static|_next/image|monaco/|swagger-ui/|icon.svg|favicon.ico).*)"],
};
