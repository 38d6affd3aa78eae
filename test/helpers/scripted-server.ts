/**
 * A tiny HTTP server on 127.0.0.1 that answers as a test scripts it, and records what it was sent:
 * for testing a client against answers the real service gives only rarely (503, 429, silence).
 *
 *   startScriptedServer(answer: (req: Recorded, n: number) => Answer | Promise<Answer>) → ScriptedServer
 *     n counts requests from 0. An Answer is {status, headers?, body?} (body: JSON value or raw
 *     string) or "hang" to never answer. ScriptedServer: {url, requests: Recorded[], close()}.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request arrived. */
  at: number;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | "hang";

export interface ScriptedServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startScriptedServer(answer: (req: Recorded, n: number) => Answer | Promise<Answer>): Promise<ScriptedServer> {
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const at = performance.now();
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => (body += d));
    req.on("end", async () => {
      const rec: Recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, at };
      requests.push(rec);
      const a = await answer(rec, requests.length - 1);
      if (a !== "hang") send(res, a);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

function send(res: ServerResponse, a: Exclude<Answer, "hang">): void {
  const raw = typeof a.body === "string";
  const payload = a.body === undefined ? "" : raw ? (a.body as string) : JSON.stringify(a.body);
  res.writeHead(a.status, { ...(a.body !== undefined && !raw ? { "content-type": "application/json" } : {}), ...a.headers });
  res.end(payload);
}
