/**
 * A WebSocket API client for tests (Node's own WebSocket): collects every `{topic, payload}` frame and waits for one
 * that arrives after a mark, like the MQTT test client.
 */
export interface WsFrame {
  topic: string;
  payload: unknown;
  seq: number;
}

export interface WsTestClient {
  readonly frames: WsFrame[];
  /** the close event, once the server (or we) closed the socket */
  readonly closed: Promise<{ code: number; reason: string }>;
  mark(): number;
  waitFor(match: (f: WsFrame) => boolean, options?: { since?: number; timeoutMs?: number }): Promise<WsFrame>;
  send(frame: unknown): void;
  sendRaw(data: string | Uint8Array): void;
  /** sends `bridge/request/<name>` with a transaction and resolves with its response's payload */
  request(name: string, payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

let counter = 0;

/** Opens `url`; resolves once open (or once closed, for a refused token: check `closed`). */
export async function connectWs(url: string): Promise<WsTestClient> {
  const ws = new WebSocket(url);
  const frames: WsFrame[] = [];
  const waiters = new Set<(f: WsFrame) => void>();
  let seq = 0;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  ws.addEventListener("message", (e) => {
    const parsed = JSON.parse(String(e.data)) as { topic: string; payload: unknown };
    const frame = { topic: parsed.topic, payload: parsed.payload, seq: seq++ };
    frames.push(frame);
    for (const w of [...waiters]) w(frame);
  });
  await Promise.race([
    new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve());
      ws.addEventListener("error", () => reject(new Error(`WebSocket ${url} failed`)));
    }),
    closed,
  ]);
  const client: WsTestClient = {
    frames,
    closed,
    mark: () => seq,
    waitFor: (match, { since = 0, timeoutMs = 10_000 } = {}) => {
      const old = frames.find((f) => f.seq >= since && match(f));
      if (old) return Promise.resolve(old);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching WebSocket frame within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (f: WsFrame) => {
          if (f.seq < since || !match(f)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(f);
        };
        waiters.add(check);
      });
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendRaw: (data) => ws.send(data),
    request: async (name, payload) => {
      const transaction = `ws-${++counter}`;
      const since = seq;
      ws.send(JSON.stringify({ topic: `bridge/request/${name}`, payload: { ...payload, transaction } }));
      const rsp = await client.waitFor(
        (f) =>
          f.topic === `bridge/response/${name}` && (f.payload as { transaction?: string }).transaction === transaction,
        { since },
      );
      return rsp.payload as Record<string, unknown>;
    },
    close: async () => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
      await closed;
    },
  };
  return client;
}
