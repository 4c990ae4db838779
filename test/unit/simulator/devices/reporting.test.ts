import { describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import { createDevice } from "../../../../lib/simulator/devices/catalog.js";
import { command, FakeLink, globalRequest, parse, values } from "./support/fakeLink.js";

const reports = (link: FakeLink) => link.take().filter((f) => parse(f).command.name === "report");

function sensor(options: { reportIntervalS?: number; sampleIntervalS?: number } = {}) {
  const device = createDevice("climateSensor", { ieee: "0x00124b0000000b01", reporting: [], ...options });
  const link = new FakeLink();
  device.attach(link);
  return { device, link };
}

describe("attribute reporting", () => {
  it("reports a colour change once, with the values that changed together, to the bindings", () => {
    const bulb = createDevice("colorBulb", { ieee: "0x00124b0000000b00" });
    const link = new FakeLink();
    bulb.attach(link);
    bulb.receive(
      command("lightingColorCtrl", "moveToColor", { colorx: 30000, colory: 20000, transtime: 0 }, { tsn: 3 }),
    );
    const sent = link.take();
    const answer = sent.find((f) => f.destination.kind === "coordinator");
    expect(parse(answer!).payload).toEqual({ cmdId: 7, statusCode: 0 });
    const report = sent.filter((f) => f.destination.kind === "bindings");
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ srcEndpoint: 1, clusterId: 0x0300 });
    const frame = parse(report[0]!);
    expect(frame.header.frameControl.disableDefaultResponse).toBe(true);
    expect(frame.header.frameControl.direction).toBe(Zcl.Direction.SERVER_TO_CLIENT);
    expect(values(report[0]!)).toEqual({ currentX: 30000, currentY: 20000, colorMode: 1 });
    expect(bulb.getAttribute(1, "lightingColorCtrl", "currentX")).toBe(30000);
  });

  it("reports only changes ≥ reportableChange, at most every min s, and every max s regardless", () => {
    const { device, link } = sensor({ sampleIntervalS: 10_000 });
    const config = {
      direction: 0,
      attrId: 0,
      dataType: Zcl.DataType.INT16,
      minRepIntval: 10,
      maxRepIntval: 60,
      repChange: 50,
    };
    device.receive(globalRequest("msTemperatureMeasurement", "configReport", [config]));
    expect(parse(link.take()[0]!).payload).toEqual([{ status: 0 }]);

    device.setAttribute(1, "msTemperatureMeasurement", "measuredValue", 2180); // +30 < 50: no report
    expect(reports(link)).toEqual([]);
    device.setAttribute(1, "msTemperatureMeasurement", "measuredValue", 2200); // +50: at once (never reported)
    expect(reports(link).map(values)).toEqual([{ measuredValue: 2200 }]);

    link.advance(3_000);
    device.setAttribute(1, "msTemperatureMeasurement", "measuredValue", 2300); // within min: waits until t+10 s
    expect(reports(link)).toEqual([]);
    link.advance(6_999);
    expect(reports(link)).toEqual([]);
    link.advance(1);
    expect(reports(link).map(values)).toEqual([{ measuredValue: 2300 }]);

    link.advance(59_999); // no change: the periodic report comes 60 s after the last one
    expect(reports(link)).toEqual([]);
    link.advance(1);
    expect(reports(link).map(values)).toEqual([{ measuredValue: 2300 }]);
    link.advance(60_000);
    expect(reports(link)).toHaveLength(1);
  });

  it("drops a pending change that went back below the threshold", () => {
    const { device, link } = sensor({ sampleIntervalS: 10_000 });
    const config = {
      direction: 0,
      attrId: 0,
      dataType: Zcl.DataType.INT16,
      minRepIntval: 10,
      maxRepIntval: 0,
      repChange: 50,
    };
    device.receive(globalRequest("msTemperatureMeasurement", "configReport", [config]));
    device.setAttribute(1, "msTemperatureMeasurement", "measuredValue", 2300);
    link.take();
    device.setAttribute(1, "msTemperatureMeasurement", "measuredValue", 2400);
    device.setAttribute(1, "msTemperatureMeasurement", "measuredValue", 2310);
    link.advance(3_600_000);
    expect(reports(link)).toEqual([]);
  });

  it("echoes the configuration in readReportConfig, and NOT_FOUND for an unconfigured attribute", () => {
    const { device, link } = sensor();
    const config = {
      direction: 0,
      attrId: 0,
      dataType: Zcl.DataType.INT16,
      minRepIntval: 30,
      maxRepIntval: 3600,
      repChange: 20,
    };
    device.receive(globalRequest("msTemperatureMeasurement", "configReport", [config]));
    link.take();
    device.receive(
      globalRequest("msTemperatureMeasurement", "readReportConfig", [
        { direction: 0, attrId: 0 },
        { direction: 0, attrId: 1 },
      ]),
    );
    expect(parse(link.take()[0]!).payload).toEqual([
      { status: 0, ...config },
      { status: Zcl.Status.NOT_FOUND, direction: 0, attrId: 1 },
    ]);
  });

  it("refuses to configure unknown, unreportable and mistyped attributes", () => {
    const { device, link } = sensor();
    const record = (attrId: number, dataType: number) => ({
      direction: 0,
      attrId,
      dataType,
      minRepIntval: 1,
      maxRepIntval: 60,
      repChange: 1,
    });
    device.receive(
      globalRequest("genBasic", "configReport", [
        record(0x0005, Zcl.DataType.CHAR_STR),
        record(0x0099, Zcl.DataType.UINT8),
      ]),
    );
    expect(parse(link.take()[0]!).payload).toEqual([
      { status: Zcl.Status.UNREPORTABLE_ATTRIBUTE, direction: 0, attrId: 5 },
      { status: Zcl.Status.UNSUPPORTED_ATTRIBUTE, direction: 0, attrId: 0x99 },
    ]);
    device.receive(globalRequest("msTemperatureMeasurement", "configReport", [record(0, Zcl.DataType.UINT16)]));
    expect(parse(link.take()[0]!).payload).toEqual([{ status: Zcl.Status.INVALID_DATA_TYPE, direction: 0, attrId: 0 }]);
  });

  it("reports periodically by factory default, with deterministic drifting values", () => {
    const run = () => {
      const device = createDevice("climateSensor", { ieee: "0x00124b0000000b02" });
      const link = new FakeLink();
      device.attach(link);
      link.advance(10 * 60_000);
      return link
        .take()
        .map((f) => ({ cluster: f.clusterId, measuredValue: values(f).measuredValue, to: f.destination.kind }));
    };
    const first = run();
    expect(first).toEqual(run());
    const temperatures = first.filter((r) => r.cluster === 0x0402);
    const humidities = first.filter((r) => r.cluster === 0x0405);
    expect(first.every((r) => r.cluster === 0x0402 || r.cluster === 0x0405)).toBe(true);
    expect(temperatures.length).toBeGreaterThanOrEqual(10);
    expect(humidities.length).toBeGreaterThanOrEqual(10);
    expect(first.every((r) => r.to === "bindings")).toBe(true);
    for (const r of temperatures) expect(Math.abs((r.measuredValue as number) - 2150)).toBeLessThanOrEqual(400);
    expect(new Set(temperatures.map((r) => r.measuredValue)).size).toBeGreaterThan(1);
  });

  it("emitReport sends one report right now, whatever the configuration, and stores the values", () => {
    const plug = createDevice("meteringPlug", { ieee: "0x00124b0000000b03", reporting: [] });
    const link = new FakeLink();
    plug.attach(link);
    plug.emitReport(1, "haElectricalMeasurement", { activePower: -12, rmsVoltage: 231 });
    plug.emitReport(1, "seMetering", { currentSummDelivered: 2 ** 40 + 5 });
    const [power, energy] = link.take();
    expect(power).toMatchObject({ srcEndpoint: 1, clusterId: 0x0b04, destination: { kind: "bindings" } });
    expect(values(power!)).toEqual({ activePower: -12, rmsVoltage: 231 });
    expect(values(energy!)).toEqual({ currentSummDelivered: 2 ** 40 + 5 });
    expect(parse(energy!).header.transactionSequenceNumber).toBe(
      (parse(power!).header.transactionSequenceNumber + 1) & 0xff,
    );
    expect(plug.getAttribute(1, "haElectricalMeasurement", "rmsVoltage")).toBe(231);
    plug.emitReport(1, "genBasic", { modelId: "SP 120" }); // a string goes through herdsman's encoder
    expect(values(link.take()[0]!)).toEqual({ modelId: "SP 120" });
  });
});
