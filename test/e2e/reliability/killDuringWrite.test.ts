import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deterministicIeee, Prng } from "../../../lib/simulator/util/prng.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const ENTRY = join(import.meta.dirname, "../../../dist/index.js");
const SEED = process.env.ZIGMQTT_KILL_SEED ?? "kill-9";
/** Two bridges killed in parallel (a restart is mostly waiting for the stick), 25 kills each. */
const LANES = 2;
const KILLS_PER_LANE = 25;
/** Every 10th restart also finds state.json truncated (as a power cut can leave it on a filesystem without ordering). */
const CORRUPT_EVERY = 10;
const LAMP = deterministicIeee("kill", "colorBulb/0", "a4c138");
const children = new Set<ChildProcess>();
const json = (text: string) => JSON.parse(text) as Record<string, Record<string, unknown>>;

class Lane {
  readonly dir = tempDir("zigmqtt-kill-");
  readonly base: string;
  child: ChildProcess | undefined;
  stdout = "";
  interruptedWrites = 0;
  constructor(
    readonly index: number,
    readonly mqtt: TestClient,
  ) {
    this.base = `kill${index}`;
  }
  file(name: string): string {
    return join(this.dir, "virtual", name);
  }
  /** Starts the bridge; resolves once it is online with the lamp state it republished from its cache. */
  async start(cached = true): Promise<Record<string, unknown> | undefined> {
    const since = this.mqtt.mark();
    this.stdout = "";
    const child = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, ZIGMQTT_DATA: this.dir, ZIGMQTT_STATE_SAVE_MS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    this.child = child;
    child.stdout.on("data", (d: Buffer) => (this.stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (this.stdout += d.toString()));
    const topic = (t: string) => `${this.base}/${t}`;
    await this.mqtt.waitForMessage((m) => m.topic === topic("bridge/state") && m.payload.includes("online"), {
      since,
      timeoutMs: 20_000,
    });
    // the cached states are republished right after online: the first lamp message is what was loaded
    const loaded = cached
      ? json((await this.mqtt.waitForMessage(topic("lamp"), { since, timeoutMs: 5000 })).payload)
      : undefined;
    await waitFor(() => /zigmqtt started in \d+ ms/.test(this.stdout) || undefined, 5000, "the start line");
    return loaded;
  }
  /** /set commands every 2 ms until killed: state.json is being rewritten all the time. */
  async killWhileWriting(rnd: Prng): Promise<number | undefined> {
    const set = () => this.mqtt.publish(`${this.base}/lamp/set`, `{"state":"ON","brightness":${rnd.int(1, 254)}}`);
    const since = this.mqtt.mark();
    const stream = setInterval(() => void set().catch(() => {}), 2);
    await this.mqtt.waitForMessage(`${this.base}/lamp`, { since, timeoutMs: 15_000 }); // the bridge is in control
    await waitFor(() => existsSync(this.file("state.json.bak")) || undefined, 5000, "two state.json writes");
    await new Promise((r) => setTimeout(r, rnd.int(0, 150)));
    const child = this.child as ChildProcess;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    children.delete(child);
    clearInterval(stream);
    this.interruptedWrites += this.temporaries(child.pid).length;
    return child.pid;
  }
  /** Temporary files of a writer (see writeFileAtomic) */
  temporaries(pid: number | undefined): string[] {
    return readdirSync(join(this.dir, "virtual")).filter((n) => n.endsWith(`.${pid}.tmp`));
  }
}

if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run "npm run build" first (npm ci does it)`);
describe("kill -9 while writing state", () => {
  let broker: TestBroker;
  const lanes: Lane[] = [];
  beforeAll(async () => {
    broker = await startTestBroker();
    for (let i = 0; i < LANES; i++) {
      const mqtt = await connectTestClient(broker.url);
      await mqtt.subscribe([`kill${i}/bridge/state`, `kill${i}/lamp`]);
      const lane = new Lane(i, mqtt);
      writeFileSync(
        join(lane.dir, "bulb.yaml"),
        "name: one-bulb\nseed: kill\ndevices:\n  - { kind: colorBulb, name: lamp, paired: true }\n",
      );
      writeConfig(lane.dir, broker.url, {
        mqtt: { base_topic: lane.base, server: broker.url },
        serial: { port: `virtual://${join(lane.dir, "bulb.yaml")}`, adapter: "zstack" },
        advanced: { log_level: "info", log_output: ["console"] },
        device_options: { retain: false },
        devices: { [LAMP]: { friendly_name: "lamp" } },
      });
      lanes.push(lane);
    }
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    for (const lane of lanes) {
      await lane.mqtt.end();
      removeDir(lane.dir);
    }
    await broker?.stop();
  });

  it(`${LANES * KILLS_PER_LANE} kills: every restart loads a valid state (or reports a corrupt one and uses the last good copy)`, async () => {
    const run = async (lane: Lane) => {
      const rnd = new Prng(`${SEED}/${lane.index}`);
      await lane.start(false);
      // the lamp joins and is interviewed on the first start; kills start once herdsman has saved the interview
      const interviewed = new RegExp(`"ieeeAddr":"${LAMP}".*"interviewCompleted":true`);
      const db = lane.file("database.db");
      await waitFor(
        () => (existsSync(db) && interviewed.test(readFileSync(db, "utf8"))) || undefined,
        20_000,
        "interview",
      );
      for (let kill = 1; kill <= KILLS_PER_LANE; kill++) {
        const where = `seed ${SEED}, lane ${lane.index}, kill ${kill}`;
        const killed = await lane.killWhileWriting(rnd);
        const stateFile = lane.file("state.json");
        const states = json(readFileSync(stateFile, "utf8")); // parses after every kill: the writes are atomic
        let expected = states[LAMP];
        const corrupt = kill % CORRUPT_EVERY === 0;
        if (corrupt) {
          expected = json(readFileSync(`${stateFile}.bak`, "utf8"))[LAMP];
          writeFileSync(stateFile, readFileSync(stateFile, "utf8").slice(0, 40));
        }
        expect(expected, `${where}: the lamp has a saved state to load`).toBeDefined();
        const loaded = await lane.start();
        expect(lane.stdout, where).toMatch(/Zigbee network resumed/);
        expect(loaded, where).toMatchObject(expected as Record<string, unknown>);
        if (corrupt) {
          expect(lane.stdout, where).toMatch(/State cache .*state\.json is unreadable .*using the last good copy/);
        } else expect(lane.stdout, where).not.toMatch(/unreadable/);
        expect(lane.temporaries(killed), `${where}: the killed writer's temporary files are removed`).toEqual([]);
      }
      await lane.killWhileWriting(rnd); // still in control after the last restart
    };
    await Promise.all(
      lanes.map((lane) =>
        run(lane).catch((e: Error) => {
          throw new Error(`${e.message}\nbridge output:\n${lane.stdout.slice(-3000)}`);
        }),
      ),
    );
    const interrupted = lanes.reduce((n, l) => n + l.interruptedWrites, 0);
    console.info(`kill -9: ${LANES * KILLS_PER_LANE} kills, ${interrupted} left a half-written temporary file`);
  }, 150_000);
});
