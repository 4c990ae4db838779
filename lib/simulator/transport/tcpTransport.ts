import { createServer, type Server, type Socket } from "node:net";
import type { HostEndpoint } from "../frontEnd.js";

/** A partial frame older than this is discarded (a truncated frame must not block the link forever). */
const STALE_PARTIAL_MS = 500;

export interface TcpTransportOptions {
  host?: string;
  port?: number;
  log?: (level: "debug" | "info" | "warn", message: string) => void;
}

/**
 * Serves the coordinator on a TCP port, as a network-attached coordinator (or ser2net) does. One host at a time, as
 * a serial port: while a host is connected, another local client is refused (closed, with a log line), so it cannot
 * knock the bridge off its adapter. Once the host has closed its side, the next connection is the host again.
 */
export class TcpTransport {
  private server: Server | undefined;
  private socket: Socket | undefined;
  readonly stats = { connections: 0, refused: 0, discardedBytes: 0, badFrames: 0 };

  constructor(
    private readonly endpoint: HostEndpoint,
    private readonly options: TcpTransportOptions = {},
  ) {}

  async listen(): Promise<number> {
    const server = createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const addr = server.address();
    if (addr === null || typeof addr === "string") throw new Error("TCP server has no port");
    return addr.port;
  }

  private accept(socket: Socket): void {
    const current = this.socket;
    // a host that closed its side (a restart, a reconnect) is gone even if its 'close' has not been seen yet
    if (current && !current.destroyed && !current.readableEnded) {
      this.stats.refused++;
      this.options.log?.(
        "warn",
        `refused a second host connection from ${socket.remoteAddress}:${socket.remotePort}: ` +
          "a host is already connected (one at a time, as a serial port)",
      );
      socket.destroy();
      return;
    }
    current?.destroy();
    this.stats.connections++;
    this.socket = socket;
    socket.setNoDelay(true);
    let staleTimer: ReturnType<typeof setTimeout> | undefined;
    const parser = this.endpoint.openSession(
      (data) => {
        if (!socket.destroyed) socket.write(data);
      },
      (reason, bytes) => {
        if (reason === "fcs" || reason === "crc") this.stats.badFrames++;
        else this.stats.discardedBytes += bytes;
      },
    );
    // a partial frame that does not complete in time is skipped; what follows it may hold another one, so re-arm
    const armStale = () => {
      if (staleTimer) clearTimeout(staleTimer);
      staleTimer = undefined;
      if (parser.pending === 0) return;
      staleTimer = setTimeout(() => {
        parser.skipStale();
        armStale();
      }, STALE_PARTIAL_MS);
      staleTimer.unref();
    };
    socket.on("data", (chunk) => {
      parser.push(chunk);
      armStale();
    });
    socket.on("error", (e) => this.options.log?.("debug", `host socket error: ${e.message}`));
    socket.on("close", () => {
      if (staleTimer) clearTimeout(staleTimer);
      if (this.socket === socket) {
        this.socket = undefined;
        this.endpoint.closeSession();
      }
    });
  }

  /** Fault injection: the host connection drops (the USB stick is pulled, or the network adapter reboots). */
  dropHost(): void {
    this.socket?.destroy();
  }

  /** Bytes written to the host and not yet sent (TCP backpressure). */
  backlog(): number {
    return this.socket?.writableLength ?? 0;
  }

  /** Resolves when the host connection drained its write buffer (or is gone). */
  drained(): Promise<void> {
    const s = this.socket;
    if (!s || s.destroyed || s.writableLength === 0) return new Promise((r) => setImmediate(r));
    return new Promise((resolve) => {
      const done = () => {
        s.off("drain", done);
        s.off("close", done);
        resolve();
      };
      s.once("drain", done);
      s.once("close", done);
    });
  }

  /** The port it listens on (undefined before `listen()` and after `close()`). */
  get port(): number | undefined {
    const addr = this.server?.address();
    return addr && typeof addr === "object" ? addr.port : undefined;
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.socket = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
