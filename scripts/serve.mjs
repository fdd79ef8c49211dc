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

const server = http.createServer((req, res) => {
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
