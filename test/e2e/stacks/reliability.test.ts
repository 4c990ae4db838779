import { describe, expect, it } from "vitest";
import { BASE, json } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";
import { STACKS, type StackWorld, useStackWorld } from "./stackWorld.js";

const REPORTS = 2000;

async function setBrightness(w: StackWorld, value: number): Promise<void> {
  const since = w.mqtt.mark();
  await w.mqtt.publish(`${BASE}/bulb/set`, JSON.stringify({ brightness: value }));
  await w.mqtt.waitForMessage((m) => m.topic === `${BASE}/bulb` && json(m.payload).brightness === value, {
    since,
    timeoutMs: 15_000,
  });
}

/** Adapter outage and the report-rate benchmark, on each coordinator stack. */
describe.each(STACKS)("on the %s virtual coordinator", (adapter) => {
  const w = useStackWorld(adapter);

  it("the coordinator connection drops and comes back: the same bridge controls the bulb again", async () => {
    const sim = w.bridge.simulator;
    const connections = sim.transport.stats.connections;
    const reads = sim.deconz?.stats.paramReads ?? 0;
    const since = w.mqtt.mark();
    sim.dropHost();
    // herdsman 11's adapters (zstack, and deconz through its shared transport) report the disconnect; the bridge
    // goes offline and reconnects (herdsman 10.9.5's deconz driver reopened the port by itself, untold)
    await w.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_reconnected",
      { since, timeoutMs: 30_000 },
    );
    expect(sim.transport.stats.connections).toBeGreaterThan(connections);
    if (adapter === "deconz") expect(sim.deconz?.stats.paramReads ?? 0).toBeGreaterThan(reads);
    await setBrightness(w, 42);
  }, 40_000);

  it(`report rate: ${REPORTS} reports from the bulb all arrive as state messages`, async () => {
    const since = w.mqtt.mark();
    const count = () => w.mqtt.messages.slice(since).filter((m) => m.topic === `${BASE}/bulb`).length;
    const t0 = performance.now();
    await w.bridge.simulator.generateReports({ count: REPORTS, devices: ["bulb"] });
    await waitFor(() => count() >= REPORTS, 60_000, `${REPORTS} state messages`);
    w.figures.reportsPerSecond = Math.round((REPORTS / (performance.now() - t0)) * 1000);
    const last = w.mqtt.messages
      .slice(since)
      .filter((m) => m.topic === `${BASE}/bulb`)
      .at(-1);
    expect(last && json(last.payload).brightness).toBe(1 + ((REPORTS - 1) % 254));
  }, 70_000);
});

/** deCONZ's own failure modes. */
describe("deCONZ faults", () => {
  const w = useStackWorld("deconz");
  const deconz = () => {
    const d = w.bridge.simulator.deconz;
    if (!d) throw new Error("not a deCONZ simulator");
    return d;
  };

  it("a busy stick (no free APS slots): the host holds its request, and sends it when slots free up", async () => {
    const d = deconz();
    d.setBusy(true);
    const requests = d.stats.apsRequests;
    const since = w.mqtt.mark();
    await w.mqtt.publish(`${BASE}/bulb/set`, JSON.stringify({ brightness: 61 }));
    const polls = d.stats.statusPolls;
    await waitFor(() => d.stats.statusPolls >= polls + 5, 5_000, "the host to poll the device state");
    expect(d.stats.apsRequests).toBe(requests);
    expect(w.bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).not.toBe(61);
    d.setBusy(false);
    await w.mqtt.waitForMessage((m) => m.topic === `${BASE}/bulb` && json(m.payload).brightness === 61, {
      since,
      timeoutMs: 10_000,
    });
  });

  it("several requests in flight: commands to three devices published at once all take effect", async () => {
    const d = deconz();
    d.queues.maxInFlight = d.queues.inFlight;
    const since = w.mqtt.mark();
    await Promise.all([
      w.mqtt.publish(`${BASE}/bulb/set`, JSON.stringify({ state: "ON", brightness: 33 })),
      w.mqtt.publish(`${BASE}/plug/set`, JSON.stringify({ state: "OFF" })),
      w.mqtt.publish(`${BASE}/bulb/set`, JSON.stringify({ color_temp: 250 })),
    ]);
    const seen = (name: string, pred: (s: Record<string, unknown>) => boolean) =>
      w.mqtt.waitForMessage((m) => m.topic === `${BASE}/${name}` && pred(json(m.payload)), {
        since,
        timeoutMs: 10_000,
      });
    await Promise.all([
      seen("bulb", (s) => s.brightness === 33),
      seen("plug", (s) => s.state === "OFF"),
      seen("bulb", (s) => s.color_temp === 250),
    ]);
    expect(d.queues.maxInFlight).toBeGreaterThan(1);
  });

  // the first command's confirm is lost: herdsman gives up on it after its timeout (10 s; the deconz driver of
  // herdsman 10.9.5 and 11.1.1 waits hours without lib/zigbee/deconzDriver.ts), so its state message does not come,
  // but the bulb has it.
  // (This test once passed only because a stopped bridge's deconz driver, still ticking in the same process,
  // emptied every queue of the process each time it tried to reconnect.)
  it("a dropped APS confirm: the command still reaches the bulb, and the next commands work", async () => {
    const d = deconz();
    const bulb = w.bridge.simulator.device("bulb");
    d.faults.dropConfirms = 1;
    await w.mqtt.publish(`${BASE}/bulb/set`, JSON.stringify({ brightness: 90 }));
    await waitFor(() => bulb.getAttribute(1, "genLevelCtrl", "currentLevel") === 90, 10_000, "the bulb at 90");
    expect(d.stats.confirmsDropped).toBe(1);
    await setBrightness(w, 91);
    await setBrightness(w, 92);
  });
});
