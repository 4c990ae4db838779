import type { BridgeContext } from "../context.js";

/** One WebSocket frame's content: a topic without the base topic, and the payload (JSON, or a raw string). */
export interface Frame {
  topic: string;
  /** the payload as the bridge published it */
  payload: string;
}

/** `{"payload":…,"topic":…}` (keys sorted, as zigbee2mqtt writes them): JSON payloads embedded, others as strings. */
export function frameText(topic: string, payload: string): string {
  return `{"payload":${isJson(payload) ? payload : JSON.stringify(payload)},"topic":${JSON.stringify(topic)}}`;
}

/** The same for a payload that is already a value. */
export function valueFrameText(topic: string, payload: unknown): string {
  return frameText(topic, JSON.stringify(payload));
}

/** zigbee2mqtt hands the UI every payload that parses as JSON as that value, anything else as a string. */
function isJson(payload: string): boolean {
  if (payload.length === 0) return false;
  try {
    JSON.parse(payload);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the bridge publishes, seen through the MQTT publish tap: the latest retained message per topic under the
 * base topic (kept even while the broker is away, or with `force_disable_retain`), and which topics are entity
 * states (those reach the UI as JSON through `statePublished`, whatever `advanced.output` is).
 */
export class PublishMirror {
  private readonly prefix: string;
  private readonly retained = new Map<string, string>();
  private names: Set<string> | undefined;

  constructor(private readonly ctx: BridgeContext) {
    this.prefix = `${ctx.mqtt.baseTopic}/`;
    for (const e of ["devicesChanged", "groupsChanged", "entityRenamed", "entityRemoved", "deviceJoined"] as const) {
      ctx.bus.on(e, this, () => {
        this.names = undefined;
      });
    }
  }

  stop(): void {
    this.ctx.bus.off(this);
  }

  /** Takes one publish; returns the frame to broadcast, or undefined (outside the base topic, or an entity state). */
  take(topic: string, payload: string | Buffer, retain: boolean): Frame | undefined {
    if (!topic.startsWith(this.prefix)) return undefined;
    const rest = topic.slice(this.prefix.length);
    const text = typeof payload === "string" ? payload : payload.toString("utf8");
    if (this.isEntityState(rest)) return undefined;
    if (retain) {
      // an empty retained payload clears the topic, as on a broker
      if (text.length === 0) this.retained.delete(rest);
      else this.retained.set(rest, text);
    }
    return { topic: rest, payload: text };
  }

  /** Whether a retained message on this topic (under the base topic) was published and not cleared. */
  hasRetained(topic: string): boolean {
    return this.retained.has(topic);
  }

  /** The retained messages under the base topic, oldest topic first. */
  retainedFrames(): Frame[] {
    return [...this.retained].map(([topic, payload]) => ({ topic, payload }));
  }

  /** `<name>`, or `<name>/<attribute>` with attribute output: the state of a device or group. */
  private isEntityState(rest: string): boolean {
    if (rest.startsWith("bridge/")) return false;
    const names = this.entityNames();
    if (names.has(rest)) return true;
    const output = this.ctx.settings.get().advanced.output ?? "json";
    if (output === "json") return false;
    for (let i = rest.indexOf("/"); i > 0; i = rest.indexOf("/", i + 1)) {
      if (names.has(rest.slice(0, i))) return rest.slice(i + 1) !== "availability";
    }
    return false;
  }

  private entityNames(): Set<string> {
    if (!this.names) {
      this.names = new Set<string>();
      for (const d of this.ctx.zigbee.devices()) this.names.add(d.name);
      for (const g of this.ctx.zigbee.groups()) this.names.add(g.name);
    }
    return this.names;
  }
}
