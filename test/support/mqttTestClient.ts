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
  /**
   * Required: match only messages that arrived at or after this mark (from mark(), taken BEFORE the action that
   * causes the awaited message). There is no look-back default: a message received before the mark never matches.
   * To look at messages already received, use received() explicitly.
   */
  since: number;
  timeoutMs?: number;
}

export interface TestClient {
  readonly client: MqttClient;
  readonly messages: ReceivedMessage[];
  subscribe(topics: string | string[], qos?: 0 | 1 | 2): Promise<void>;
  publish(topic: string, payload: string | Buffer, options?: IClientPublishOptions): Promise<void>;
  /**
   * The first message that matches and arrived at or after `since` (a mark taken before the action), or arrives
   * within the timeout (default 3 s). Usage: `const since = c.mark(); await act(); await c.waitForMessage(m, { since })`.
   * Retained messages delivered at subscribe: take the mark before subscribe().
   */
  waitForMessage(match: MessageMatch, options: WaitOptions): Promise<ReceivedMessage>;
  /** The position of the next message to arrive: take it before acting, pass it as `since`. */
  mark(): number;
  /**
   * Messages already received on a topic (or matching a predicate), from `since` on when given (the explicit
   * look-back: use it only for messages that must be there already, e.g. after a later marker arrived).
   */
  received(match: MessageMatch, since?: number): ReceivedMessage[];
  /** Forgets the messages received so far (to save memory; marks stay valid, forgotten messages never match). */
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
    received: (match, since = 0) => messages.filter((m) => m.seq >= since && matcher(match)(m)),
    mark: () => seq,
    waitForMessage: (match, { since, timeoutMs = 3000 }) => {
      if (!Number.isInteger(since)) throw new Error("waitForMessage needs `since` (a mark() taken before the action)");
      const test = (m: ReceivedMessage) => m.seq >= since && matcher(match)(m);
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
            new Error(
              `no message on ${what} within ${timeoutMs} ms after mark ${since} (got: ${messages
                .filter((m) => m.seq >= since)
                .map((m) => m.topic)
                .join(", ")})`,
            ),
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

let markerCount = 0;

/**
 * The retained message(s) a new subscriber to `topic` (no wildcards) gets — an empty list proves there is none.
 * A fresh client subscribes, then publishes a non-retained marker on the same topic and collects what came before
 * the marker: a broker sends a subscription's retained messages before anything published after its SUBACK
 * (mosquitto queues them while it handles the SUBSCRIBE), so nothing retained can arrive after the marker.
 */
export async function retainedOn(url: string, topic: string, timeoutMs = 3000): Promise<ReceivedMessage[]> {
  if (/[+#]/.test(topic)) throw new Error(`retainedOn needs a topic without wildcards, not ${topic}`);
  const client = await connectTestClient(url);
  try {
    const since = client.mark();
    await client.subscribe(topic);
    const marker = `zigmqtt-test-marker-${process.pid}-${++markerCount}`;
    await client.publish(topic, marker, { qos: 1 });
    const got = await client.waitForMessage((m) => m.topic === topic && m.payload === marker, { since, timeoutMs });
    return client.messages.filter((m) => m.seq >= since && m.seq < got.seq && m.retain);
  } finally {
    await client.end();
  }
}
