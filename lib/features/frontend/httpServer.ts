import { existsSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect } from "node:net";
import type { FrontendSettings } from "../../settings/types.js";
import { errorMessage } from "../../util/errors.js";
import type { RequestHandler } from "./staticFiles.js";

export interface Listening {
  server: Server;
  /** where it listens, for the log: `http://0.0.0.0:8080/`, `https://127.0.0.1:8443/z2m/`, `unix:/run/z.sock` */
  address: string;
  /** the TCP port (useful with port 0), undefined on a unix socket */
  port: number | undefined;
}

/**
 * HTTP, or HTTPS when `ssl_cert` and `ssl_key` are both set. A TLS file that is missing or unreadable is an error
 * (the UI is not served over plain HTTP instead: a token sent in the clear is worse than no UI).
 */
export function createFrontendServer(s: FrontendSettings, handler: RequestHandler): { server: Server; tls: boolean } {
  if (!s.ssl_cert !== !s.ssl_key) {
    throw new Error("frontend.ssl_cert and frontend.ssl_key must be set together (or neither, for plain HTTP)");
  }
  if (s.ssl_cert && s.ssl_key) {
    const read = (what: string, file: string) => {
      try {
        return readFileSync(file);
      } catch (e) {
        throw new Error(`cannot read frontend.${what} '${file}': ${errorMessage(e)}`);
      }
    };
    const cert = read("ssl_cert", s.ssl_cert);
    const key = read("ssl_key", s.ssl_key);
    try {
      return { server: createHttpsServer({ cert, key }, handler) as unknown as Server, tls: true };
    } catch (e) {
      throw new Error(`frontend.ssl_cert/ssl_key cannot be used: ${errorMessage(e)}`);
    }
  }
  return { server: createHttpServer(handler), tls: false };
}

/** Listens on `host` as a unix socket path (starting with `/`), on `host:port`, or on every interface. */
export async function listen(server: Server, s: FrontendSettings, tls: boolean, base: string): Promise<Listening> {
  const host = s.host ?? undefined;
  if (host?.startsWith("/")) {
    await removeStaleSocket(host);
    await listenOnce(server, () => server.listen(host));
    return { server, address: `unix:${host}`, port: undefined };
  }
  await listenOnce(server, () => (host ? server.listen(s.port, host) : server.listen(s.port)));
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : s.port;
  const shown = host ? (host.includes(":") ? `[${host}]` : host) : "0.0.0.0";
  return { server, address: `${tls ? "https" : "http"}://${shown}:${port}${base}/`, port };
}

function listenOnce(server: Server, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.removeListener("listening", onListening);
      reject(e);
    };
    const onListening = () => {
      server.removeListener("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    start();
  });
}

/** A socket file left by a process that died is removed; one that something still answers on is left alone. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path) || !statSync(path).isSocket()) return;
  const alive = await new Promise<boolean>((resolve) => {
    const c = connect(path);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
  if (!alive) unlinkSync(path);
}

/** Closes the server and every connection still open (keep-alive ones included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
