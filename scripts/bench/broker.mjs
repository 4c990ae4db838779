// A private MQTT broker for benchmarks: mosquitto when installed (with or without TCP_NODELAY), else aedes.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function mosquittoBinary() {
  for (const p of ["mosquitto", "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]) {
    if (spawnSync(p, ["-h"], { stdio: "ignore" }).error === undefined) return p;
  }
  return undefined;
}

async function waitPort(port, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((r) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        r(true);
      });
      s.on("error", () => r(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`broker did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** {url, kind, nodelay, stop()} */
export async function startBroker({ nodelay = true } = {}) {
  const port = await freePort();
  const bin = mosquittoBinary();
  if (bin) {
    const dir = mkdtempSync(join(tmpdir(), "zigmqtt-bench-mosq-"));
    const conf = join(dir, "mosquitto.conf");
    const lines = [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      `set_tcp_nodelay ${nodelay}`,
      "persistence false",
      "max_queued_messages 1000000",
      "log_dest none",
    ];
    if (process.getuid?.() === 0) lines.push("user root");
    writeFileSync(conf, `${lines.join("\n")}\n`);
    const child = spawn(bin, ["-c", conf], { stdio: "ignore" });
    await waitPort(port);
    return {
      url: `mqtt://127.0.0.1:${port}`,
      kind: "mosquitto",
      nodelay,
      pid: child.pid,
      stop: async () => {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const { startEmbeddedBroker } = await import("../../dist/mqtt/embeddedBroker.js");
  const quiet = { error() {}, warning() {}, info() {}, debug() {}, isEnabled: () => false };
  const b = await startEmbeddedBroker({ host: "127.0.0.1", port, logger: quiet });
  return { url: b.url, kind: "aedes (no mosquitto binary found)", nodelay: true, stop: () => b.close() };
}
