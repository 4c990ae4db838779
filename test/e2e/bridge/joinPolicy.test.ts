import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BASE, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { tempDir, waitFor } from "../support/herdsmanWorld.js";

const scenarioDir = tempDir("zigmqtt-scenario-");
const scenario = join(scenarioDir, "join-policy.yaml");
const BLOCKED = "0x00124b00000bad01";
writeFileSync(
  scenario,
  `seed: join-policy
devices:
  - { kind: colorBulb, name: bulb, paired: true }
  - { kind: colorBulb, name: intruder, ieee: "${BLOCKED}" }
  - { kind: meteringPlug, name: newcomer }
`,
);

/** Joining is always time-limited, and the blocklist is enforced at join. */
describe("join policy", () => {
  const world = useBridgeWorld({
    devices: 1,
    config: { serial: { port: `virtual://${scenario}`, adapter: "zstack" }, blocklist: [BLOCKED] },
  });

  it("a blocklisted device is refused and removed; another device joins; joining closes by itself", async () => {
    const { bridge, mqtt } = world;
    const rsp = await request(mqtt, "permit_join", { time: 2 });
    expect(rsp).toMatchObject({ status: "ok", data: { time: 2 } });
    const newcomer = bridge.simulator.device("newcomer").description.ieee;
    await waitFor(() => bridge.controller.zigbee.device(newcomer)?.interviewed, 10_000, "the newcomer joined");
    // the blocked device tried too: herdsman asked it to leave, and the bridge never interviewed it
    await waitFor(() => bridge.simulator.member("intruder")?.joined === false, 5000, "intruder sent away");
    expect(bridge.controller.zigbee.device(BLOCKED)?.interviewed ?? false).toBe(false);
    expect(
      mqtt.received(`${BASE}/bridge/event`).some((m) => m.payload.includes(BLOCKED) && m.payload.includes("interview")),
    ).toBe(false);
    // never unlimited: the coordinator's permit closes after the requested time
    await waitFor(() => bridge.simulator.coordinator.net.permitJoinOpen === false, 5000, "permit join closed");
    const over = await request(mqtt, "permit_join", { time: 255 });
    expect(over.status).toBe("error");
  });
});
