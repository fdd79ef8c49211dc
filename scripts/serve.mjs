// The production HTTP server, run by `npm start` (scripts/start.mjs) once the build and migrations
// are in place: one node:http listener. The execute endpoints, which other systems call per
// decision, are answered by the lean listener the app installs at start
// (server/http/execute-listener.ts); every other request goes to Next.js's own handler.
// HOSTNAME and PORT say where to listen. SIGTERM/SIGINT stop accepting connections; the app's
// shutdown (server/startup.ts) drains requests, the executor and run records before the exit.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const hostname = process.env.HOSTNAME || "127.0.0.1";
const port = Number(process.env.PORT || 3000);

const app = next({ dev: false, dir: root, hostname, port });
await app.prepare();
const nextHandler = app.getRequestHandler();
// The app installs the listener when Next.js runs instrumentation.ts (server/startup.ts), which can
// come after prepare(); until then (and with RULEBOX_EXECUTE_LISTENER=0, for comparison) /execute
// goes through Next.js's route handlers, which answer it the same way.
const LISTENER = Symbol.for("rulebox.executeListener");
const useListener = process.env.RULEBOX_EXECUTE_LISTENER !== "0";

// Who the client is (the sign-in throttle and the audit trail read X-Forwarded-For). Without a
// trusted proxy (RULEBOX_TRUSTED_PROXIES=0, the default) the header is the socket's address and
// whatever the client sent is dropped; with N trusted proxies in front, it is the address the
// nearest of them saw (the N-th entry from the right of the chain the proxies append to), and
// X-Forwarded-Proto from them is believed.
const trustedProxies = Number(process.env.RULEBOX_TRUSTED_PROXIES ?? "0");
if (!Number.isInteger(trustedProxies) || trustedProxies < 0 || trustedProxies > 10) {
  console.error(`rulebox: RULEBOX_TRUSTED_PROXIES must be a whole number from 0 to 10, got "${process.env.RULEBOX_TRUSTED_PROXIES}"`);
  process.exit(1);
}
function settleClientAddress(req) {
  const socketAddress = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  if (trustedProxies === 0) {
    req.headers["x-forwarded-for"] = socketAddress;
    delete req.headers["x-forwarded-proto"];
    return;
  }
  const sent = req.headers["x-forwarded-for"];
  const chain = [...(Array.isArray(sent) ? sent.join(",") : (sent ?? "")).split(","), socketAddress].map((a) => a.trim()).filter(Boolean);
  const client = chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? socketAddress;
  req.headers["x-forwarded-for"] = /^[0-9A-Fa-f:.]{2,45}$/.test(client) ? client : socketAddress;
}

const server = http.createServer((req, res) => {
  settleClientAddress(req);
  const executeListener = useListener ? globalThis[LISTENER] : undefined;
  if (executeListener?.claims(req)) {
    executeListener.handle(req, res);
    return;
  }
  void nextHandler(req, res);
});
// Callers keep connections open between decisions; outlive a typical client's idle pool.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// A body trickled byte by byte must not hold a connection for Node's default 5 minutes.
server.requestTimeout = 60_000;
server.listen(port, hostname);

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    // Refuse new connections; idle keep-alive ones close now, busy ones after their answer.
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
  });
}
