/**
 * A real MQTT broker for tests: mosquitto on a free loopback port when installed, else the embedded aedes broker.
 * `restart()` comes back on the same port with nothing retained (a broker restart without persistence).
 * Set ZIGMQTT_TEST_BROKER=aedes to force aedes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedBroker } from "../../lib/mqtt/embeddedBroker.js";
import type { Logger } from "../../lib/util/logger.js";
import { findExecutable } from "./tools.js";

export { findExecutable };

export type BrokerKind = "mosquitto" | "aedes";

export interface TestBroker {
  url: string;
  port: number;
  kind: BrokerKind;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export const silentLogger: Logger = {
  error: () => {},
  warning: () => {},
  info: () => {},
  debug: () => {},
  isEnabled: () => false,
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when mosquitto logs that it is running (after opening its listeners); rejects if it exits first. */
function waitRunning(proc: ChildProcess, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (/mosquitto version \S+ running/.test(seen)) done();
    };
    const onExit = () => done(new Error("broker process exited"));
    const timer = setTimeout(() => done(new Error(`it did not say it was running within ${timeoutMs} ms`)), timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(timer);
      proc.stderr?.off("data", onData);
      proc.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    proc.stderr?.on("data", onData);
    proc.once("exit", onExit);
  });
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface MosquittoOptions {
  port?: number;
  /** Lines after `listener <port> 127.0.0.1` (e.g. TLS or password settings); default: anonymous access. */
  listenerConfig?: string[];
  /** Scheme of the returned url; "mqtts" for a TLS listener. */
  scheme?: "mqtt" | "mqtts";
}

/** Runs mosquitto with a generated config (listener on 127.0.0.1, no persistence, TCP_NODELAY). */
export async function startMosquitto(binary: string, options: MosquittoOptions = {}): Promise<TestBroker> {
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), "zigmqtt-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  const lines = [
    `listener ${port} 127.0.0.1`,
    ...(options.listenerConfig ?? ["allow_anonymous true"]),
    "set_tcp_nodelay true",
    "persistence false",
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type information", // "mosquitto version … running": the listeners are open
    // as root, mosquitto 2 drops to user "mosquitto", which cannot read our 0700 temp dir
    ...(process.getuid?.() === 0 ? ["user root"] : []),
  ];
  await writeFile(conf, `${lines.join("\n")}\n`);
  const url = `${options.scheme ?? "mqtt"}://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stderr = "";
  const start = async (): Promise<void> => {
    stderr = "";
    const proc = spawn(binary, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    running.add(proc);
    proc.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    proc.once("exit", () => running.delete(proc));
    try {
      await waitRunning(proc);
    } catch (error) {
      proc.kill("SIGKILL");
      throw new Error(`mosquitto failed to start on port ${port}: ${(error as Error).message}\n${stderr}`);
    }
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url,
    port,
    kind: "mosquitto",
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await kill();
      await start();
    },
  };
}

async function startAedes(): Promise<TestBroker> {
  const port = await freePort();
  let broker = await startEmbeddedBroker({ host: "127.0.0.1", port, logger: silentLogger });
  return {
    url: broker.url,
    port,
    kind: "aedes",
    stop: () => broker.close(),
    restart: async () => {
      await broker.close();
      broker = await startEmbeddedBroker({ host: "127.0.0.1", port, logger: silentLogger });
    },
  };
}

let announced = false;

/** The broker for e2e tests: mosquitto if installed, else aedes (said once on the console). */
export async function startTestBroker(): Promise<TestBroker> {
  const mosquitto = process.env.ZIGMQTT_TEST_BROKER === "aedes" ? undefined : findExecutable("mosquitto");
  const broker = mosquitto ? await startMosquitto(mosquitto) : await startAedes();
  if (!announced) {
    announced = true;
    console.info(`test broker: ${broker.kind}${mosquitto ? ` (${mosquitto})` : " (no mosquitto binary found)"}`);
  }
  return broker;
}
