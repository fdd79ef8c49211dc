import "server-only";
// The lean execution path (issue 11). `POST /api/rules/:id/execute` and `/execute/batch` are what
// other systems call per decision; through Next's router each request cost ~1.7 ms of CPU before a
// rule ran (routing, Request/Response conversion), capping the API near 550 req/s on 2 cores while
// the executor itself does several thousand runs/s. Under `npm start` (scripts/serve.mjs, a plain
// node:http server in front of Next's handler) these two paths are answered here instead, straight
// from node:http, with the very same spec and checks as the route handlers (acceptCall(): Host
// allowlist, API key before the body, key scope, byte limits, zod), the same envelope and statuses,
// the same drain on SIGTERM, the same recording and metrics. Everything else goes to Next.
import type { IncomingMessage, ServerResponse } from "node:http";
import { badJson, busy, toErrorResponse } from "./errors";
import { executeBatchSpec, executeSpec, runExecute, runExecuteBatch } from "./execute-endpoints";
import { acceptCall, bodyLimits, checkDeclaredSize, decodeBody, tooLarge, type HeaderReader } from "./handler";
import { isDraining, trackRequest } from "./lifecycle";
import { setProcessGlobal } from "@/server/process-global";

const EXECUTE_PATH = /^\/api\/rules\/([^/?#]+)\/execute(\/batch)?(?:\?.*)?$/;
const EXECUTE_LIMITS = bodyLimits(executeSpec);
const BATCH_LIMITS = bodyLimits(executeBatchSpec);

/** What scripts/serve.mjs finds on globalThis once the app has started. */
export interface ExecuteListener {
  /** Whether this request is one of the execute endpoints (only those are answered here). */
  claims(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** Stored as process global "executeListener" (Symbol.for("rulebox.executeListener")), where scripts/serve.mjs finds it. */

function nodeHeaders(req: IncomingMessage): HeaderReader {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    has(name) {
      return req.headers[name.toLowerCase()] !== undefined;
    },
  };
}

/** The body as UTF-8, refused (413) past `limit` bytes while it arrives. */
function readNodeBody(req: IncomingMessage, limit: number): Promise<string> {
  try {
    checkDeclaredSize(req.headers["content-length"], limit);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      try {
        resolve(decodeBody(chunks));
      } catch (err) {
        reject(err);
      }
    });
    req.once("error", reject);
    // A client that goes away mid-body: settle, so the request stops counting as in flight.
    req.once("close", () => {
      if (!req.complete) reject(badJson("the request body ended early (the client closed the connection)"));
    });
  });
}

function send(req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const headers: Record<string, string | number> = { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text), ...extra };
  // A refused request whose body was not read: do not keep a connection with unread bytes on it.
  if (!req.complete) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(text);
}

async function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): Promise<void> {
  const response = toErrorResponse(err);
  send(req, res, response.status, await response.text(), Object.fromEntries([...response.headers].filter(([name]) => name !== "content-type" && name !== "content-length")));
}

async function serve(req: IncomingMessage, res: ServerResponse, rawId: string, batch: boolean): Promise<void> {
  if (isDraining()) return sendError(req, res, busy("the server is shutting down; retry on another instance"));
  const finished = trackRequest();
  try {
    let id = rawId;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      // left as sent: the params schema refuses it
    }
    const call = {
      method: "POST",
      headers: nodeHeaders(req),
      params: () => ({ id }),
      query: () => new URLSearchParams(),
      readBody: (limit: number) => readNodeBody(req, limit),
    };
    const answer = batch
      ? await runExecuteBatch(await acceptCall(executeBatchSpec, BATCH_LIMITS, call))
      : await runExecute(await acceptCall(executeSpec, EXECUTE_LIMITS, call));
    send(req, res, 200, JSON.stringify(answer));
  } catch (err) {
    await sendError(req, res, err);
  } finally {
    finished();
  }
}


export const executeListener: ExecuteListener = {
  claims(req) {
    return req.method === "POST" && req.url !== undefined && EXECUTE_PATH.test(req.url);
  },
  handle(req, res) {
    const match = EXECUTE_PATH.exec(req.url ?? "")!;
    serve(req, res, match[1]!, match[2] !== undefined).catch((err: unknown) => {
      console.error("[rulebox] execute listener failed", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  },
};

/** Makes the listener available to scripts/serve.mjs (called at server start). */
export function installExecuteListener(): void {
  setProcessGlobal("executeListener", executeListener);
}
