import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { errorMessage } from "../../util/errors.js";
import { stableStringify } from "../../util/stableJson.js";
import type { BridgeContext } from "../context.js";
import type { PublishTap } from "../deps.js";
import { localIso } from "../entityPublisher.js";
import type { HealthReport } from "../health.js";
import { frameText, PublishMirror, valueFrameText } from "./mirror.js";

const NS = "z2m:frontend";
const HEALTH_TOPIC = "bridge/health";
/** Close code both zigbee2mqtt UIs take as "ask for the token". */
export const UNAUTHORIZED = 4401;
/** A request (an OTA image as hex, an icon, an external converter) fits; anything larger is refused by ws (1009). */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** A client this far behind (not reading) is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * zigbee2mqtt's WebSocket API at `<base_url>/api`: `{"topic","payload"}` frames both ways. On connect a client gets
 * the retained bridge topics and availability (before the first bridge/health, which comes one health.interval after
 * the start, a current report on that topic), then every device's cached state; afterwards every publish under the
 * base topic (entity states as JSON). What a client sends goes to the topic router as if it came from the
 * broker, so the UI works while the broker is down.
 */
export class WebSocketApi {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly clients = new Set<WebSocket>();
  private readonly mirror: PublishMirror;
  private readonly tokenHash: Buffer | undefined;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly route: ((topic: string, payload: Buffer) => boolean) | undefined,
    readonly path: string,
    token: string | undefined,
    /** a current bridge/health report, sent to a client that connects before the first one was published */
    private readonly healthReport?: () => HealthReport,
  ) {
    this.mirror = new PublishMirror(ctx);
    this.tokenHash = token ? sha256(token) : undefined;
    ctx.bus.on("statePublished", this, (e) => this.broadcast(valueFrameText(e.name, e.state)));
  }

  /** The publish tap: remembers retained messages, mirrors everything to the open clients. */
  readonly tap: PublishTap = (topic, payload, retain) => {
    const frame = this.mirror.take(topic, payload, retain);
    if (frame && this.clients.size > 0) this.broadcast(frameText(frame.topic, frame.payload));
  };

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes an HTTP upgrade; returns false when its path is not the API's (the caller answers 404). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== this.path) return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req, url.searchParams.get("token")));
    return true;
  }

  private onConnection(ws: WebSocket, req: IncomingMessage, token: string | null): void {
    ws.on("error", (e) => this.ctx.logger.debug(() => `WebSocket client error: ${errorMessage(e)}`, NS));
    if (this.tokenHash && (token === null || !timingSafeEqual(sha256(token), this.tokenHash))) {
      this.ctx.logger.warning(`WebSocket client ${peer(req)} sent ${token ? "a wrong" : "no"} auth token`, NS);
      ws.close(UNAUTHORIZED, "Unauthorized");
      return;
    }
    this.clients.add(ws);
    ws.on("close", () => this.clients.delete(ws));
    ws.on("message", (data, isBinary) => this.onFrame(data, isBinary, req));
    this.ctx.logger.debug(() => `WebSocket client ${peer(req)} connected`, NS);
    try {
      for (const f of this.mirror.retainedFrames()) ws.send(frameText(f.topic, f.payload));
      // to this client only, not published: the UI shows the bridge's health from its connection on
      if (this.healthReport && !this.mirror.hasRetained(HEALTH_TOPIC)) {
        ws.send(frameText(HEALTH_TOPIC, stableStringify(this.healthReport())));
      }
      for (const [topic, state] of this.states()) ws.send(valueFrameText(topic, state));
    } catch (e) {
      this.ctx.logger.error(`Sending the current state to a WebSocket client failed: ${errorMessage(e)}`, NS);
    }
  }

  /** Every device's cached state with its link quality and last seen; groups' cached states. */
  private states(): Array<[string, Record<string, unknown>]> {
    const out: Array<[string, Record<string, unknown>]> = [];
    const lastSeen = this.ctx.settings.get().advanced.last_seen;
    for (const d of this.ctx.zigbee.devices()) {
      if (d.isCoordinator) continue;
      const state: Record<string, unknown> = { ...this.ctx.state.get(d.ieee) };
      if (d.zh.linkquality !== undefined) state.linkquality = d.zh.linkquality;
      const seen = d.zh.lastSeen;
      if (lastSeen && lastSeen !== "disable" && seen) {
        state.last_seen =
          lastSeen === "epoch"
            ? seen
            : lastSeen === "ISO_8601_local"
              ? localIso(new Date(seen))
              : new Date(seen).toISOString();
      }
      out.push([d.name, state]);
    }
    for (const g of this.ctx.zigbee.groups()) {
      if (this.ctx.state.has(String(g.id))) out.push([g.name, this.ctx.state.get(String(g.id))]);
    }
    return out;
  }

  private onFrame(data: RawData, isBinary: boolean, req: IncomingMessage): void {
    const parsed = isBinary
      ? 'binary frames are not accepted; send JSON text {"topic": …, "payload": …}'
      : parseFrame(rawText(data));
    if (typeof parsed === "string") {
      this.ctx.logger.error(`WebSocket message from ${peer(req)} refused: ${parsed}`, NS);
      return;
    }
    try {
      const handled = this.route?.(`${this.ctx.mqtt.baseTopic}/${parsed.topic}`, parsed.payload) ?? false;
      if (!handled) this.ctx.logger.error(`WebSocket message refused: nothing handles topic '${parsed.topic}'`, NS);
    } catch (e) {
      this.ctx.logger.error(`Handling WebSocket message to '${parsed.topic}' failed: ${errorMessage(e)}`, NS);
    }
  }

  private broadcast(text: string): void {
    for (const ws of this.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.ctx.logger.warning("Dropping a WebSocket client that does not read its messages", NS);
        ws.terminate();
        this.clients.delete(ws);
        continue;
      }
      ws.send(text);
    }
  }

  /** Tells every client the bridge goes offline, then closes them. */
  close(): void {
    this.ctx.bus.off(this);
    this.mirror.stop();
    const offline = valueFrameText("bridge/state", { state: "offline" });
    for (const ws of this.clients) {
      try {
        if (ws.readyState === WebSocket.OPEN) ws.send(offline, () => ws.terminate());
        else ws.terminate();
      } catch {
        ws.terminate();
      }
    }
    this.clients.clear();
    this.wss.close();
  }
}

/** Validates one text frame: `{"topic": "<topic under the base>", "payload": <JSON value or string>}`. */
export function parseFrame(text: string): { topic: string; payload: Buffer } | string {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (e) {
    return `not JSON (${errorMessage(e)}); expected {"topic": "demo_lamp/set", "payload": {"state": "ON"}}`;
  }
  if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
    return 'expected a JSON object like {"topic": "demo_lamp/set", "payload": {"state": "ON"}}';
  }
  const { topic, payload } = frame as { topic?: unknown; payload?: unknown };
  if (typeof topic !== "string" || topic.length === 0) return "'topic' must be a non-empty string";
  if (/[+#]/.test(topic) || topic.includes("\0") || topic.startsWith("/")) {
    return `'topic' must be a topic under the base topic without wildcards, not '${topic.slice(0, 100)}'`;
  }
  const body = payload === undefined ? "" : typeof payload === "string" ? payload : JSON.stringify(payload);
  return { topic, payload: Buffer.from(body, "utf8") };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

function peer(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unix socket";
}
