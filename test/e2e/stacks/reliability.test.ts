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

  // deCONZ is left out: herdsman's deconz driver did not come back within 30 s after the pty closed, and over TCP it
  // throws from an unbound close handler (see the README's field notes); to be modelled and tested separately
  if (adapter === "zstack")
    it("the coordinator connection drops and comes back: the same bridge controls the bulb again", async () => {
      const sim = w.bridge.simulator;
      const since = w.mqtt.mark();
      sim.dropHost();
      // herdsman reports the disconnect; the bridge goes offline and reconnects
      await w.mqtt.waitForMessage(
        (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_reconnected",
        { since, timeoutMs: 30_000 },
      );
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

  it("a dropped APS confirm: the command still reaches the bulb, and the next commands work", async () => {
    const d = deconz();
    d.faults.dropConfirms = 1;
    await setBrightness(w, 90);
    expect(d.stats.confirmsDropped).toBe(1);
    await setBrightness(w, 91);
    await setBrightness(w, 92);
  });
});
