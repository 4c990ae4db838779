import { beforeAll, describe, expect, it } from "vitest";
import { BASE, json, request, useBridgeWorld, withConfigureRuns } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

type DeviceEntry = {
  ieee_address: string;
  endpoints: Record<string, { bindings: Array<{ cluster: string; target: Record<string, unknown> }> }>;
};

/** device/bind, device/unbind and device/binds/clear between the demo devices, checked on the simulated devices. */
describe("device/bind, device/unbind, device/binds/clear", () => {
  const world = useBridgeWorld();
  let remote: string;
  let lamp: string;
  let coordinator: string;
  const sim = (name: string) => world.bridge.simulator.device(name);
  const remoteBindings = () => sim("remote").bindings.map((b) => [b.clusterId, b.destination]);
  const bindingsIn = (payload: string) =>
    (JSON.parse(payload) as DeviceEntry[]).find((d) => d.ieee_address === remote)?.endpoints["1"]?.bindings;
  /** the remote's bindings in the first bridge/devices published since the mark `from` that satisfies `pred` */
  const publishedBindings = async (
    from: number,
    pred: (b: DeviceEntry["endpoints"][string]["bindings"]) => boolean,
  ) => {
    const msg = await world.mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/devices`) return false;
        const list = bindingsIn(m.payload);
        return list !== undefined && pred(list);
      },
      { since: from, timeoutMs: 5000 },
    );
    return bindingsIn(msg.payload);
  };

  beforeAll(() => {
    remote = sim("remote").description.ieee;
    lamp = sim("bulb").description.ieee;
    coordinator = world.bridge.controller.zigbee.coordinator()?.ieee ?? "";
  });

  it("binds a remote to a bulb (the clusters both have) so its toggle switches the bulb by itself", async () => {
    const start = world.mqtt.mark();
    const r = await request(world.mqtt, "device/bind", { from: remote, to: lamp });
    expect(r).toMatchObject({
      status: "ok",
      data: {
        from: remote,
        from_endpoint: "default",
        to: lamp,
        clusters: ["genOnOff", "genLevelCtrl"],
        failed: [],
      },
    });
    expect(r).not.toHaveProperty("data.to_endpoint"); // zigbee2mqtt answers it only when the request gave it
    expect(remoteBindings()).toEqual(
      expect.arrayContaining([
        [0x0006, { kind: "endpoint", ieee: lamp, endpoint: 1 }],
        [0x0008, { kind: "endpoint", ieee: lamp, endpoint: 1 }],
      ]),
    );
    await publishedBindings(start, (list) =>
      list.some((b) => b.cluster === "genOnOff" && b.target.ieee_address === lamp),
    );
    const before = sim("bulb").getAttribute(1, "genOnOff", "onOff");
    const from = world.mqtt.mark();
    sim("remote").press("toggle");
    const want = before === 1 ? "OFF" : "ON";
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}` && json(m.payload).state === want, {
      since: from,
      timeoutMs: 5000,
    });
    expect(sim("bulb").getAttribute(1, "genOnOff", "onOff")).toBe(before === 1 ? 0 : 1);

    const u = await request(world.mqtt, "device/unbind", { from: remote, to: lamp, skip_disable_reporting: true });
    expect(u).toMatchObject({ status: "ok", data: { clusters: ["genOnOff", "genLevelCtrl"], failed: [] } });
    expect(remoteBindings().filter(([, d]) => (d as { ieee?: string }).ieee === lamp)).toEqual([]);
    // skip_disable_reporting: the bulb keeps reporting its state
    const bulb = world.bridge.controller.zigbee.device(lamp)?.zh.getEndpoint(1);
    expect(bulb?.configuredReportings.map((c) => c.attribute.name)).toEqual(
      expect.arrayContaining(["onOff", "currentLevel"]),
    );
  });

  it("unbind stops the target's reporting and its binding to the coordinator, then configures it again", async () => {
    const bound = await request(world.mqtt, "device/bind", { from: remote, to: lamp, clusters: ["genOnOff"] });
    expect(bound).toMatchObject({ status: "ok", data: { clusters: ["genOnOff"] } });
    const toCoordinator = () =>
      sim("bulb").bindings.filter(
        (b) => b.clusterId === 0x0006 && (b.destination as { ieee?: string }).ieee === coordinator,
      );
    expect(toCoordinator()).toHaveLength(1);
    await withConfigureRuns(world.bridge, async (runs) => {
      const u = await request(world.mqtt, "device/unbind", { from: remote, to: lamp, clusters: ["genOnOff"] });
      expect(u).toMatchObject({ status: "ok", data: { clusters: ["genOnOff"], failed: [] } });
      expect(toCoordinator()).toEqual([]);
      await waitFor(() => runs.includes(lamp), 5000, "the bulb to be configured again");
    });
  });

  it("binds to the coordinator and to default_bind_group (listed in bridge/groups from then on)", async () => {
    const start = world.mqtt.mark();
    const c = await request(world.mqtt, "device/bind", { from: remote, to: "Coordinator", clusters: ["genLevelCtrl"] });
    expect(c).toMatchObject({ status: "ok", data: { to: "Coordinator", clusters: ["genLevelCtrl"], failed: [] } });
    expect(remoteBindings()).toContainEqual([0x0008, { kind: "endpoint", ieee: coordinator, endpoint: 1 }]);

    const g = await request(world.mqtt, "device/bind", {
      from: remote,
      to: "default_bind_group",
      clusters: ["genOnOff"],
    });
    expect(g).toMatchObject({ status: "ok", data: { to: "default_bind_group", clusters: ["genOnOff"] } });
    expect(remoteBindings()).toContainEqual([0x0006, { kind: "group", groupId: 901 }]);
    const groups = await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/groups` && m.payload.includes('"default_bind_group"'),
      { since: start, timeoutMs: 5000 },
    );
    expect(JSON.parse(groups.payload)).toContainEqual(
      expect.objectContaining({ id: 901, friendly_name: "default_bind_group" }),
    );
    await publishedBindings(start, (list) => list.some((b) => b.target.type === "group" && b.target.id === 901));
  });

  it("binds/clear removes every binding of the remote (read from the device, unbound one by one on Z-Stack)", async () => {
    expect(sim("remote").bindings.length).toBeGreaterThan(0);
    const start = world.mqtt.mark();
    const r = await request(world.mqtt, "device/binds/clear", { target: remote });
    expect(r).toMatchObject({ status: "ok", data: { target: remote, ieee_list: ["0xffffffffffffffff"] } });
    expect(sim("remote").bindings).toEqual([]);
    expect(await publishedBindings(start, (list) => list.length === 0)).toEqual([]);
  });

  it("refuses unknown devices and targets, bad clusters and bad payloads with a clear message", async () => {
    const cases: Array<[string, Record<string, unknown> | string, string | RegExp]> = [
      ["device/bind", { from: "nope", to: lamp }, "Device 'nope' does not exist"],
      ["device/bind", { from: remote, to: "nowhere" }, "Device or group 'nowhere' does not exist"],
      ["device/bind", { from: remote, to: lamp, clusters: ["genFoo"] }, "Unknown cluster 'genFoo'"],
      ["device/bind", { from: remote, to: lamp, clusters: ["msCO2"] }, /^Nothing to bind/],
      ["device/bind", { from: remote, from_endpoint: 7, to: lamp }, /has no endpoint '7'/],
      ["device/unbind", { from: remote }, /'to' is required/],
      ["device/unbind", "remote", /Invalid payload/],
      ["device/binds/clear", { target: remote, ieee_list: ["lamp"] }, /'ieee_list' must be a list of IEEE addresses/],
      ["device/binds/clear", { target: "nope" }, "Device 'nope' does not exist"],
    ];
    for (const [name, payload, error] of cases) {
      // a plain-string request has no transaction: request() matches only an answer published after it
      const r = await request(world.mqtt, name, payload);
      expect(r.status, `${name} ${JSON.stringify(payload)}`).toBe("error");
      expect(r.error).toMatch(error);
    }
  });
});
