import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { connectAsync, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prng } from "../../../lib/simulator/util/prng.js";
import { startMosquitto, startTestBroker, type TestBroker } from "../../support/broker.js";
import { hasTools, tools } from "../../support/tools.js";
import { BASE, json, type RunningBridge, startBridge, waitForInterviews, writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";
import { type Entry, type MqttCase, mqttCase } from "./fuzzCases.js";
import { adapterFrame, zclFrame } from "./fuzzFrames.js";

const SEED = process.env.ZIGMQTT_FUZZ_SEED ?? "zigmqtt-fuzz-1";
const MQTT_CASES = 10_000;
const WARM_UP = 1_000;
const ADAPTER_FRAMES = 1_000;
const BATCH = 250;
/**
 * Requests that talk to the radio for seconds (a touchlink scan sweeps every channel) get a few cases in a batch of
 * their own; the rest of the budget goes to the others.
 */
const SLOW = /^(touchlink\/|networkmap|backup|coordinator_check|device\/(interview|configure$|ota_update))/;
const SLOW_CASES_EACH = 4;
/** Heap growth allowed from after the warm-up to the end (forced GC both times): see the report in the test. */
const HEAP_BOUND_MB = 16;

/**
 * Where a hostile key ("__proto__", "constructor") got into the bridge's data: objects that see a `polluted`
 * property (own or inherited) or whose prototype is not a plain object's, an array's or null.
 */
function pollution(root: unknown, path = "$", seen = new Set<object>()): string[] {
  if (typeof root !== "object" || root === null || seen.has(root)) return [];
  seen.add(root);
  const proto = Object.getPrototypeOf(root);
  const found = [Object.prototype, Array.prototype, null].includes(proto) ? [] : [`${path}: prototype replaced`];
  if ("polluted" in root) found.push(`${path}: has 'polluted'`);
  for (const [key, value] of Object.entries(root)) found.push(...pollution(value, `${path}.${key}`, seen));
  return found;
}

setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;
const heapMb = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/** Hostile input on every MQTT entry point and from the adapter: every request answered, no crash, no leak. */
describe(`fuzz (seed ${SEED})`, () => {
  const dir = tempDir("zigmqtt-fuzz-");
  const brokerLog = join(dir, "mosquitto.log");
  let broker: TestBroker;
  let bridge: RunningBridge;
  let client: MqttClient;
  const responses = new Map<string, number>();
  const expected = new Map<string, number>();
  /** responses per transaction id (`f<case>`) */
  const answered = new Map<string, number>();

  beforeAll(async () => {
    const mosquitto = tools.mosquitto.path;
    broker = mosquitto
      ? await startMosquitto(mosquitto, {
          listenerConfig: ["allow_anonymous true", "log_type notice", `log_dest file ${brokerLog}`],
        })
      : await startTestBroker();
    writeConfig(dir, broker.url);
    bridge = await startBridge(dir);
    await waitForInterviews(bridge, 4);
    client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    client.on("message", (topic, payload) => {
      responses.set(topic, (responses.get(topic) ?? 0) + 1);
      const transaction = /"transaction":"(f-?\d+)"/.exec(payload.toString("latin1"))?.[1];
      if (transaction) answered.set(transaction, (answered.get(transaction) ?? 0) + 1);
    });
    await client.subscribeAsync(`${BASE}/bridge/response/#`, { qos: 1 });
  });
  afterAll(async () => {
    await client?.endAsync(true);
    await bridge?.stop();
    await broker?.stop();
    removeDir(dir);
  });

  const send = async (cases: MqttCase[], where: string) => {
    for (const c of cases) {
      if (c.response) expected.set(c.response, (expected.get(c.response) ?? 0) + 1);
      await client.publishAsync(c.topic, c.payload, { qos: 0 });
    }
    const missing = () => [...expected].filter(([topic, n]) => (responses.get(topic) ?? 0) < n).map(([t]) => t);
    await waitFor(() => missing().length === 0 || undefined, 30_000, where).catch(() => {
      const unanswered = cases.filter((c) => c.response && missing().includes(c.response));
      const show = (c: MqttCase) =>
        `${c.topic} ${JSON.stringify(String(c.payload).slice(0, 120))} (${c.payload.length} bytes)`;
      throw new Error(`seed ${SEED}, ${where}: no response to\n${unanswered.slice(0, 5).map(show).join("\n")}`);
    });
  };

  it(`${MQTT_CASES} MQTT cases and ${ADAPTER_FRAMES} malformed adapter frames: all answered, no crash, no leak`, async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const rnd = new Prng(SEED);
    const lamp = bridge.simulator.device("bulb").description.ieee;
    const others = ["plug", "sensor", "remote"].map((n) => bridge.simulator.device(n).description.ieee);
    const names = bridge.controller.requests?.names ?? [];
    expect(names.length).toBeGreaterThan(0);
    const slow = names.filter((n) => SLOW.test(n));
    const entry: Entry = {
      base: BASE,
      requests: names.filter((n) => !SLOW.test(n)),
      entities: [lamp, ...others],
      ids: [...others, "1", "2", "901"],
    };
    const clientId = bridge.controller.mqtt.clientId;
    const t0 = performance.now();
    const slowCases = slow.flatMap((name, k) =>
      Array.from({ length: SLOW_CASES_EACH }, (_, j) => ({
        ...mqttCase(rnd, { ...entry, requests: [name] }, -1 - k * 10 - j),
        topic: `${BASE}/bridge/request/${name}`,
        response: `${BASE}/bridge/response/${name}`,
      })),
    );
    await send(slowCases, "slow requests");
    let heapBefore = 0;
    for (let i = 0; i < MQTT_CASES; i += BATCH) {
      const cases = Array.from({ length: BATCH }, (_, k) => mqttCase(rnd, entry, i + k));
      await send(cases, `MQTT cases ${i}–${i + BATCH - 1}`);
      if (i + BATCH === WARM_UP) heapBefore = await heapMb();
    }
    const mqttSeconds = (performance.now() - t0) / 1000;

    // the adapter side: garbage, truncated frames, wrong FCS, unknown commands, bad AREQs, ZCL with wrong types
    const sim = bridge.simulator;
    const nwks = [sim.member("bulb")?.nwk ?? 0, sim.member("sensor")?.nwk ?? 0, 0x4242];
    for (let i = 0; i < ADAPTER_FRAMES; i++) {
      if (i % 2 === 0) sim.injectToHost(adapterFrame(rnd, i / 2));
      else {
        const { clusterId, data } = zclFrame(rnd);
        const srcAddr = nwks[i % 3] as number;
        sim.coordinator.deliverToHost(
          { profileId: 0x0104, clusterId, srcAddr, srcEndpoint: 1, dstEndpoint: 1, data },
          99,
        );
      }
      if (i % 50 === 49) await new Promise((r) => setImmediate(r)); // let the host read what was sent so far
    }
    sim.injectToHost(Buffer.alloc(260)); // completes any truncated frame, so that the line is clean again

    // still the same bridge, in control, and the request path still answers. The command goes out at once, behind
    // whatever of the injected traffic the bridge is still working through (about 10 s of it on a loaded 2-core
    // machine): the answer may take that long, hence the generous bound instead of a sleep before the command
    const { mqtt: bridgeMqtt } = bridge.controller;
    const states: string[] = [];
    client.on("message", (topic, payload) => topic === `${BASE}/${lamp}` && states.push(payload.toString()));
    await client.subscribeAsync(`${BASE}/${lamp}`);
    const t1 = performance.now();
    await client.publishAsync(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON", brightness: 77 }));
    await waitFor(() => states.some((s) => json(s).brightness === 77) || undefined, 30_000, "the lamp answers");
    const lampMs = Math.round(performance.now() - t1);
    expect(sim.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(77);
    expect(sim.device("bulb").getAttribute(1, "genOnOff", "onOff")).toBe(1);
    expect(bridge.controller.zigbee.available).toBe(true);
    await send(
      [
        {
          topic: `${BASE}/bridge/request/permit_join`,
          payload: '{"time":0}',
          response: `${BASE}/bridge/response/permit_join`,
        },
      ],
      "final",
    );
    // among the payloads were {"__proto__": {"polluted": 1}} and {"constructor": {"prototype": {"polluted": 1}}}:
    // no prototype gained a property, and neither the settings nor any state object was re-parented
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    const cached = Object.fromEntries(
      bridge.controller.state.keys().map((id) => [id, bridge.controller.state.get(id)]),
    );
    expect(pollution({ settings: bridge.settings.get(), cached }), `seed ${SEED}`).toEqual([]);

    // every request got exactly one response
    for (const [topic, n] of expected) expect(responses.get(topic), `seed ${SEED}: ${topic}`).toBe(n);
    expect(
      [...answered].filter(([, n]) => n !== 1),
      `seed ${SEED}: transactions answered twice`,
    ).toEqual([]);
    // the broker never dropped the bridge: no malformed packet was ever sent
    expect(bridgeMqtt.stats.reconnects).toBe(0);
    expect(bridgeMqtt.connected).toBe(true);
    if (hasTools([tools.mosquitto], "fuzz: the broker-log checks (no disconnect, no malformed packet)")) {
      const log = readFileSync(brokerLog, "utf8").split("\n");
      // the bridge's session connection (c0); a first start ends any older session with a short clean one (c1) first
      const session = new RegExp(`as ${clientId} \\(p\\d, c0`);
      expect(log.filter((l) => session.test(l))).toHaveLength(1);
      const since = log.findIndex((l) => session.test(l));
      expect(
        log.slice(since).filter((l) => l.includes(`Client ${clientId} `) && /disconnect|error|malformed/i.test(l)),
      ).toEqual([]);
    }
    const heapAfter = await heapMb();
    const cases = MQTT_CASES + ADAPTER_FRAMES;
    console.info(
      `fuzz seed ${SEED}: ${cases} cases (${MQTT_CASES} MQTT at ${Math.round(MQTT_CASES / mqttSeconds)}/s), ` +
        `${[...expected.values()].reduce((a, b) => a + b, 0)} requests answered; ` +
        `the lamp answered ${lampMs} ms after the adapter frames; ` +
        `heap ${heapBefore.toFixed(1)} MB after warm-up, ${heapAfter.toFixed(1)} MB at the end`,
    );
    expect(heapAfter - heapBefore, `seed ${SEED}: heap growth in MB`).toBeLessThan(HEAP_BOUND_MB);
  }, 120_000);
});
