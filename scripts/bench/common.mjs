// Shared helpers for the benchmark sections.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { stringify } from "yaml";

export const NETWORK = {
  panID: 0x1a62,
  extendedPanID: [0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd],
  channelList: [11],
  networkKey: [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13],
};

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeBridgeConfig(dir, brokerUrl, port) {
  writeFileSync(
    join(dir, "configuration.yaml"),
    stringify({
      version: 5,
      mqtt: { base_topic: "zigbee2mqtt", server: brokerUrl },
      serial: { port, adapter: "zstack" },
      advanced: {
        network_key: NETWORK.networkKey,
        pan_id: NETWORK.panID,
        ext_pan_id: NETWORK.extendedPanID,
        channel: 11,
        log_level: "warning",
        log_output: [],
      },
      device_options: { retain: true },
    }),
  );
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const r = (x) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    max: r(s.at(-1)),
  };
}

export async function waitFor(pred, ms, what) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const rssMb = () => Math.round((process.memoryUsage().rss / 1048576) * 10) / 10;

export function gc() {
  if (globalThis.gc) globalThis.gc();
}

/** A subscriber in its own process; `report()` → {count, first, last}. */
export async function startSubscriber(url, topic) {
  const child = spawn(process.execPath, [new URL("./subscriber.mjs", import.meta.url).pathname, url, topic], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  let waiter;
  lines.on("line", (l) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(l);
    } else queue.push(l);
  });
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => (waiter = r)));
  await next(); // ready
  return {
    async reset() {
      child.stdin.write("reset\n");
      await next();
    },
    async report() {
      child.stdin.write("report\n");
      return JSON.parse(await next());
    },
    async stop() {
      child.stdin.write("quit\n");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** Resolves with performance.now() when `client` receives a state message with this brightness. */
export function brightnessSeen(client, level) {
  return new Promise((resolve) => {
    const onMsg = (_topic, payload) => {
      if (JSON.parse(payload.toString()).brightness === level) {
        client.off("message", onMsg);
        resolve(performance.now());
      }
    };
    client.on("message", onMsg);
  });
}
