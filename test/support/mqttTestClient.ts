/**
 * A plain mqtt.js client for tests: collects every message (with its retain flag) and waits for one.
 */
import { connectAsync, type IClientOptions, type IClientPublishOptions, type MqttClient } from "mqtt";

export interface ReceivedMessage {
  topic: string;
  payload: string;
  raw: Buffer;
  retain: boolean;
  qos: number;
  /** performance.now() at arrival */
  at: number;
  /** arrival index since connect (not reset by clear()); compare with mark() */
  seq: number;
}

export type MessageMatch = string | ((message: ReceivedMessage) => boolean);

export interface WaitOptions {
  timeoutMs?: number;
  /** match only messages that arrived at or after this mark (from mark(), taken before the action) */
  since?: number;
}

export interface TestClient {
  readonly client: MqttClient;
  readonly messages: ReceivedMessage[];
  subscribe(topics: string | string[], qos?: 0 | 1 | 2): Promise<void>;
  publish(topic: string, payload: string | Buffer, options?: IClientPublishOptions): Promise<void>;
  /**
   * The first message that matches and arrived at or after `since` (a mark taken before the action), or arrives
   * within the timeout. Without `since`, messages already received count too (look-back: avoid in new tests).
   */
  waitForMessage(match: MessageMatch, options?: number | WaitOptions): Promise<ReceivedMessage>;
  /** The position of the next message to arrive: take it before acting, pass it as `since`. */
  mark(): number;
  /** Messages so far on a topic (or matching a predicate). */
  received(match: MessageMatch): ReceivedMessage[];
  clear(): void;
  end(): Promise<void>;
}

const matcher = (match: MessageMatch) =>
  typeof match === "string" ? (m: ReceivedMessage) => m.topic === match : match;

export async function connectTestClient(url: string, options: IClientOptions = {}): Promise<TestClient> {
  const client = await connectAsync(url, { reconnectPeriod: 100, connectTimeout: 5000, ...options });
  const messages: ReceivedMessage[] = [];
  let seq = 0;
  const waiters = new Set<(m: ReceivedMessage) => void>();
  client.on("message", (topic, raw, packet) => {
    const message = {
      topic,
      raw,
      payload: raw.toString(),
      retain: packet.retain,
      qos: packet.qos,
      at: performance.now(),
      seq: seq++,
    };
    messages.push(message);
    for (const waiter of waiters) waiter(message);
  });
  return {
    client,
    messages,
    subscribe: async (topics, qos = 1) => {
      await client.subscribeAsync(topics, { qos });
    },
    publish: async (topic, payload, opts = {}) => {
      await client.publishAsync(topic, payload, opts);
    },
    received: (match) => messages.filter(matcher(match)),
    mark: () => seq,
    waitForMessage: (match, options = {}) => {
      const { timeoutMs = 3000, since } = typeof options === "number" ? { timeoutMs: options } : options;
      const test = since === undefined ? matcher(match) : (m: ReceivedMessage) => m.seq >= since && matcher(match)(m);
      const found = messages.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (m: ReceivedMessage): void => {
          if (!test(m)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const what = typeof match === "string" ? match : "a matching message";
          reject(
            new Error(`no message on ${what} within ${timeoutMs} ms (got: ${messages.map((m) => m.topic).join(", ")})`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    clear: () => {
      messages.length = 0;
    },
    end: () => client.endAsync(true),
  };
}
