/**
 * How the bridge treats the broker's session after an absence (`mqtt.queued_command_max_age`, see sessionClock.ts):
 * the CONNECT's clean flag, ending a too-old MQTT 3.1.1 session, and the gate in front of the message handlers that
 * holds what a resumed session delivers until the bridge has subscribed, or drops it when the session is too old.
 */
import { type IClientOptions, type IPublishPacket, connect as mqttConnect } from "mqtt";
import type { Logger } from "../util/logger.js";

const NS = "z2m:mqtt";
/** messages kept from a resumed session until the bridge has subscribed (the first `announceOnline`) */
const EARLY_MESSAGES_MAX = 1000;

/**
 * The CONNECT's clean flag. Bound 0: always clean. MQTT 5: a clean start when not resuming (the new session still
 * outlives a disconnect by the bound). MQTT 3.1.1: never (a clean session would not outlive the connection); a
 * session older than the bound is ended before the first connect (`endOldSession`), or what it delivers after a
 * reconnect is dropped (`InboundGate.stale`).
 */
export function cleanStart(maxAgeSec: number, version: 3 | 4 | 5, resume: boolean): boolean {
  if (maxAgeSec === 0) return true;
  return version === 5 ? !resume : false;
}

/** A short clean-session connection with our client id: the broker drops the old session and what it queued. */
export async function endOldSession(server: string, options: IClientOptions, timeoutMs: number): Promise<void> {
  const { will: _will, ...rest } = options;
  const wipe = mqttConnect(server, {
    ...rest,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    manualConnect: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      wipe.once("connect", () => resolve());
      wipe.once("error", reject);
      wipe.once("close", () => reject(new Error("closed")));
    });
    await wipe.endAsync();
  } catch {
    wipe.end(true); // the real connect says what is wrong
  }
}

type Deliver = (topic: string, payload: Buffer, packet: IPublishPacket) => void;

/** In front of the message handlers: what arrives before the bridge subscribed is held, or dropped when stale. */
export class InboundGate {
  private early: [string, Buffer, IPublishPacket][] | undefined = [];
  private staleAfter: { awaySec: number; maxAgeSec: number } | undefined;

  constructor(
    private readonly deliver: Deliver,
    private readonly logger: Logger,
  ) {}

  /** The broker kept a session although we were away longer than the bound: drop what it delivers until `open()`. */
  stale(awaySec: number, maxAgeSec: number): void {
    this.staleAfter = { awaySec, maxAgeSec };
  }

  receive(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.staleAfter && !packet.retain) {
      const { awaySec, maxAgeSec } = this.staleAfter;
      this.logger.warning(
        `Dropped ${topic}: queued at the MQTT server while the bridge was away for ${awaySec} s, longer than ` +
          `mqtt.queued_command_max_age (${maxAgeSec} s)`,
        NS,
      );
      return;
    }
    if (!this.early) {
      this.deliver(topic, payload, packet);
      return;
    }
    if (this.early.length < EARLY_MESSAGES_MAX) this.early.push([topic, payload, packet]);
    else this.logger.warning(`Dropped ${topic}: too many messages before the bridge was ready`, NS);
  }

  /** Subscribed: from now on messages arrive on this connection's subscriptions, to handlers that are in place. */
  open(): void {
    this.staleAfter = undefined;
    const early = this.early ?? [];
    this.early = undefined;
    for (const [topic, payload, packet] of early) this.deliver(topic, payload, packet);
  }
}
