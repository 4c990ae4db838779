import { describe, expect, it } from "vitest";
import { describePorts, discoverAdapter, type PortInfo } from "../../../lib/zigbee/adapterDiscovery.js";

/** Port lists as serialport reports them on Linux (pnpId = the /dev/serial/by-id name). */
const ttyS0: PortInfo = { path: "/dev/ttyS0" };
const sonoffP: PortInfo = {
  path: "/dev/ttyUSB0",
  manufacturer: "ITead",
  vendorId: "10c4",
  productId: "ea60",
  pnpId: "usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_b8b49abd27a6ed11a280eba32981d111-if00-port0",
};
const sonoffE: PortInfo = {
  path: "/dev/ttyUSB1",
  manufacturer: "ITEAD",
  vendorId: "1a86",
  productId: "55d4",
  pnpId: "usb-ITEAD_SONOFF_Zigbee_3.0_USB_Dongle_Plus_V2_20240122184111-if00",
};
const sonoffECp: PortInfo = {
  ...sonoffP,
  pnpId: "usb-Itead_Sonoff_Zigbee_3.0_USB_Dongle_Plus_V2_a6ee897e4d1fef11aa004ad0639e525b-if00-port0",
};
const conbee2: PortInfo = {
  path: "/dev/ttyACM0",
  manufacturer: "dresden elektronik ingenieurtechnik GmbH",
  vendorId: "1cf1",
  productId: "0030",
  pnpId: "usb-dresden_elektronik_ingenieurtechnik_GmbH_ConBee_II_DE2132111-if00",
};
const skyConnect: PortInfo = {
  path: "/dev/ttyUSB2",
  manufacturer: "Nabu Casa",
  vendorId: "10c4",
  productId: "ea60",
  pnpId: "usb-Nabu_Casa_SkyConnect_v1.0_3abe54797c91ed118fc3cad13b20a111-if00-port0",
};
const plainCp2102: PortInfo = {
  path: "/dev/ttyUSB3",
  manufacturer: "Silicon Labs",
  vendorId: "10c4",
  productId: "ea60",
};

const listOf =
  (...ports: PortInfo[]) =>
  async () =>
    ports;
const noLinks = async (p: string) => {
  if (p.startsWith("/dev/serial/by-id/")) throw new Error("ENOENT");
  return p;
};

describe("discoverAdapter", () => {
  it("finds a Sonoff ZBDongle-P as zstack", async () => {
    const { chosen, candidates } = await discoverAdapter({ list: listOf(ttyS0, sonoffP), realpath: noLinks });
    expect(chosen).toEqual({
      path: "/dev/ttyUSB0",
      adapter: "zstack",
      description: "Sonoff ZBDongle-P (CC2652P)",
      vendorId: "10c4",
      productId: "ea60",
      manufacturer: "ITead",
    });
    expect(candidates).toHaveLength(1);
  });

  it("tells the ZBDongle-E (same USB bridge chips) apart as ember", async () => {
    for (const port of [sonoffE, sonoffECp]) {
      const { chosen } = await discoverAdapter({ list: listOf(port), realpath: noLinks });
      expect(chosen?.adapter).toBe("ember");
      expect(chosen?.description).toBe("Sonoff ZBDongle-E (EFR32MG21)");
    }
  });

  it("finds a ConBee II as deconz and a SkyConnect as ember with hardware flow control", async () => {
    const { candidates } = await discoverAdapter({ list: listOf(skyConnect, conbee2), realpath: noLinks });
    expect(candidates.map((c) => [c.path, c.adapter, c.description, c.rtscts])).toEqual([
      ["/dev/ttyACM0", "deconz", "ConBee II", undefined],
      ["/dev/ttyUSB2", "ember", "Home Assistant SkyConnect", true],
    ]);
  });

  it("does not guess from a bare CP210x without a known name", async () => {
    const { chosen, ports } = await discoverAdapter({ list: listOf(plainCp2102), realpath: noLinks });
    expect(chosen).toBeUndefined();
    expect(ports).toEqual([plainCp2102]);
  });

  it("finds nothing on a machine without a stick and describes what is there", async () => {
    const { chosen, candidates, ports } = await discoverAdapter({ list: listOf(plainCp2102, ttyS0) });
    expect(chosen).toBeUndefined();
    expect(candidates).toEqual([]);
    expect(describePorts(ports)).toBe("/dev/ttyS0 (no USB ids); /dev/ttyUSB3 (10c4:ea60 Silicon Labs)");
    expect(describePorts([])).toBe("none");
  });

  it("with two sticks chooses the first by port path and reports both", async () => {
    const { chosen, candidates } = await discoverAdapter({ list: listOf(sonoffP, conbee2), realpath: noLinks });
    expect(chosen?.path).toBe("/dev/ttyACM0");
    expect(candidates.map((c) => c.adapter)).toEqual(["deconz", "zstack"]);
  });

  it("with serial.adapter set considers only that adapter (ezsp counts as ember)", async () => {
    const list = listOf(sonoffP, conbee2, sonoffE);
    expect((await discoverAdapter({ list, adapter: "zstack", realpath: noLinks })).chosen?.path).toBe("/dev/ttyUSB0");
    expect((await discoverAdapter({ list, adapter: "ezsp", realpath: noLinks })).chosen?.path).toBe("/dev/ttyUSB1");
    expect((await discoverAdapter({ list, adapter: "zigate", realpath: noLinks })).candidates).toEqual([]);
  });

  it("prefers the /dev/serial/by-id link when it points at the same device", async () => {
    const byId = `/dev/serial/by-id/${sonoffP.pnpId}`;
    const links: Record<string, string> = { [byId]: "/dev/ttyUSB0" };
    const realpath = async (p: string) => links[p] ?? p;
    expect((await discoverAdapter({ list: listOf(sonoffP), realpath })).chosen?.path).toBe(byId);
    links[byId] = "/dev/ttyUSB7"; // stale link to another device: keep the port's own path
    expect((await discoverAdapter({ list: listOf(sonoffP), realpath })).chosen?.path).toBe("/dev/ttyUSB0");
  });

  it("reports a failing port listing instead of throwing", async () => {
    const list = async (): Promise<PortInfo[]> => {
      throw new Error("spawn udevadm ENOENT");
    };
    expect(await discoverAdapter({ list })).toEqual({
      candidates: [],
      ports: [],
      error: "listing serial ports failed: spawn udevadm ENOENT",
    });
  });
});
