import { beforeAll, describe, expect, it } from "vitest";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

type Reporting = {
  cluster: string;
  attribute: string;
  minimum_report_interval: number;
  maximum_report_interval: number;
};
type DeviceEntry = { ieee_address: string; endpoints: Record<string, { configured_reportings: Reporting[] }> };

/** device/reporting/configure and device/reporting/read against the simulated climate sensor. */
describe("device/reporting/configure and device/reporting/read", () => {
  const world = useBridgeWorld();
  let sensor: string;
  const temperature = () =>
    world.bridge.simulator.device("sensor").getAttribute(1, "msTemperatureMeasurement", "measuredValue") as number;
  const configure = (extra: Record<string, unknown> = {}, name = "device/reporting/configure") =>
    request(world.mqtt, name, {
      id: sensor,
      endpoint: 1,
      cluster: "msTemperatureMeasurement",
      attribute: "measuredValue",
      minimum_report_interval: 0,
      maximum_report_interval: 300,
      reportable_change: 1,
      ...extra,
    });

  beforeAll(() => {
    sensor = world.bridge.simulator.device("sensor").description.ieee;
  });

  it("configures the sensor's temperature reporting: a 0.03 °C change is then reported at once", async () => {
    const start = world.mqtt.mark();
    const r = await configure();
    expect(r).toEqual({
      status: "ok",
      transaction: r.transaction,
      data: {
        id: sensor,
        endpoint: 1,
        cluster: "msTemperatureMeasurement",
        attribute: "measuredValue",
        minimum_report_interval: 0,
        maximum_report_interval: 300,
        reportable_change: 1,
      },
    });
    // (zhc's configure asked for 30 s / 0.2 °C: this small change would not have been reported)
    const next = temperature() + 3;
    const changed = world.mqtt.mark();
    world.bridge.simulator.device("sensor").setAttribute(1, "msTemperatureMeasurement", "measuredValue", next);
    await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${sensor}` && json(m.payload).temperature === next / 100,
      {
        since: changed,
        timeoutMs: 5000,
      },
    );
    const devices = await world.mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/devices`) return false;
        const entry = (JSON.parse(m.payload) as DeviceEntry[]).find((d) => d.ieee_address === sensor);
        return entry?.endpoints["1"]?.configured_reportings.some((c) => c.maximum_report_interval === 300) ?? false;
      },
      { since: start, timeoutMs: 5000 },
    );
    const entry = (JSON.parse(devices.payload) as DeviceEntry[]).find((d) => d.ieee_address === sensor);
    expect(entry?.endpoints["1"]?.configured_reportings).toContainEqual({
      cluster: "msTemperatureMeasurement",
      attribute: "measuredValue",
      minimum_report_interval: 0,
      maximum_report_interval: 300,
      reportable_change: 1,
    });
  });

  it("reads the configuration back from the device (and the deprecated alias configures too)", async () => {
    const alias = await configure({ maximum_report_interval: 600, reportable_change: 5 }, "device/configure_reporting");
    expect(alias).toMatchObject({ status: "ok", data: { maximum_report_interval: 600, reportable_change: 5 } });
    const r = await request(world.mqtt, "device/reporting/read", {
      id: sensor,
      endpoint: 1,
      cluster: "msTemperatureMeasurement",
      configs: [{ attribute: "measuredValue" }],
    });
    expect(r).toMatchObject({
      status: "ok",
      data: {
        id: sensor,
        endpoint: 1,
        cluster: "msTemperatureMeasurement",
        configs: [{ attrId: 0, status: 0, direction: 0, minRepIntval: 0, maxRepIntval: 600, repChange: 5 }],
      },
    });
  });

  it("refuses unknown endpoints, clusters and attributes before sending anything", async () => {
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ id: "nope" }, "Device 'nope' does not exist"],
      [{ endpoint: 9 }, /has no endpoint '9'/],
      [{ cluster: "msFoo" }, "Unknown cluster 'msFoo'"],
      [{ attribute: "warmth" }, "Cluster 'msTemperatureMeasurement' has no attribute 'warmth'"],
      [
        { cluster: "genOnOff", attribute: "onOff" },
        `Endpoint 1 of '${sensor}' has no cluster 'genOnOff' to report from`,
      ],
      [{ minimum_report_interval: "soon" }, /'minimum_report_interval' must be a whole number from 0 to 65535/],
    ];
    for (const [extra, error] of cases) {
      const r = await configure(extra);
      expect(r.status).toBe("error");
      expect(r.error).toMatch(error);
    }
    // nothing reached the device: its configuration is the one set above
    const read = await request(world.mqtt, "device/reporting/read", {
      id: sensor,
      endpoint: 1,
      cluster: "msTemperatureMeasurement",
      configs: [{ attribute: "measuredValue" }],
    });
    expect(read.data.configs).toMatchObject([{ maxRepIntval: 600 }]);
    const bad = await request(world.mqtt, "device/reporting/read", {
      id: sensor,
      endpoint: 1,
      cluster: "msTemperatureMeasurement",
      configs: [{ attribute: "warmth" }],
    });
    expect(bad).toMatchObject({
      status: "error",
      error: "Cluster 'msTemperatureMeasurement' has no attribute 'warmth'",
    });
    const empty = await request(world.mqtt, "device/reporting/read", {
      id: sensor,
      endpoint: 1,
      cluster: "msTemperatureMeasurement",
    });
    expect(empty).toMatchObject({ status: "error", error: expect.stringMatching(/'configs' must be a list/) });
  });
});
