import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/broker.js";
import { useBridgeWorld } from "../support/bridgeWorld.js";
import { demoIeee, frontendConfig } from "./frontendWorld.js";
import { connectWs, type WsTestClient } from "./wsClient.js";

/**
 * The requests WindFront 2.15 sends, in its shapes: it writes every `undefined` field as `null` (permit join for all
 * routers, a rename that is not "the last joined", a bind to a group without an endpoint). Each must get the answer
 * the UI waits for (matched by `transaction`), over the WebSocket.
 */
const port = await freePort();
const world = useBridgeWorld({ config: frontendConfig(port) });
const LAMP = demoIeee("demo_lamp");
const PLUG = demoIeee("demo_plug");
const REMOTE = demoIeee("demo_remote");
const SENSOR = demoIeee("demo_climate_sensor");
// a 1×1 PNG, as the image localiser sends it
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

describe("WindFront's requests over the WebSocket API", () => {
  let ws: WsTestClient;
  afterAll(async () => {
    await ws?.close();
  });
  const ok = async (name: string, payload: Record<string, unknown>) => {
    ws ??= await connectWs(`ws://127.0.0.1:${port}/api`);
    const rsp = await ws.request(name, payload);
    expect(rsp, `${name}: ${String(rsp.error)}`).toMatchObject({ status: "ok" });
    return rsp.data as Record<string, unknown>;
  };

  it("permit join, for all routers and through one", async () => {
    expect(await ok("permit_join", { time: 30, device: null })).toEqual({ time: 30 });
    expect(await ok("permit_join", { time: 30, device: PLUG })).toMatchObject({ time: 30, device: "demo_plug" });
    await ok("permit_join", { time: 0, device: null });
  });

  it("device rename (last: null), options with a description and with an icon as a data URL", async () => {
    const renamed = { from: "demo_plug", to: "plug_2", homeassistant_rename: false, last: null };
    expect(await ok("device/rename", renamed)).toMatchObject({ from: "demo_plug", to: "plug_2" });
    await ok("device/rename", { from: "plug_2", to: "demo_plug", homeassistant_rename: false, last: null });
    await ok("device/options", { id: PLUG, options: { description: "by the sofa" } });

    const since = ws.mark();
    const data = await ok("device/options", { id: LAMP, options: { icon: PNG } });
    const icon = (data.to as { icon: string }).icon;
    expect(icon).toMatch(/^device_icons\/[0-9a-f]{32}\.png$/);
    expect(existsSync(join(world.dir, icon))).toBe(true);
    const devices = await ws.waitFor(
      (f) =>
        f.topic === "bridge/devices" &&
        (f.payload as Array<{ ieee_address: string; definition?: { icon?: string } }>).some(
          (d) => d.ieee_address === LAMP && d.definition?.icon === icon,
        ),
      { since },
    );
    expect(devices).toBeDefined();
    const served = await fetch(`http://127.0.0.1:${port}/${icon}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer())).toEqual(readFileSync(join(world.dir, icon)));
  });

  it("refuses an icon that is not an image, saving nothing", async () => {
    ws ??= await connectWs(`ws://127.0.0.1:${port}/api`);
    const rsp = await ws.request("device/options", { id: LAMP, options: { icon: "data:text/html;base64,PGI+" } });
    expect(rsp).toMatchObject({ status: "error", error: expect.stringMatching(/not an image type/) });
  });

  it("reporting read and configure, bind and unbind to a group (to_endpoint: null), binds clear", async () => {
    await ok("device/reporting/read", {
      id: SENSOR,
      endpoint: 1,
      cluster: "msTemperatureMeasurement",
      configs: [{ attribute: "measuredValue" }],
    });
    await ok("device/reporting/configure", {
      id: SENSOR,
      endpoint: 1,
      cluster: "msTemperatureMeasurement",
      attribute: "measuredValue",
      minimum_report_interval: 10,
      maximum_report_interval: 300,
      reportable_change: 10,
      option: {},
    });
    const group = await ok("group/add", { friendly_name: "ui_group" });
    await ok("group/members/add", { group: String(group.id), endpoint: 1, device: LAMP });
    await ok("group/options", { id: String(group.id), options: { retain: false } });
    const bind = { from: REMOTE, from_endpoint: 1, to: group.id, to_endpoint: null, clusters: ["genOnOff"] };
    expect(await ok("device/bind", bind)).toMatchObject({ failed: [] });
    await ok("device/unbind", bind);
    await ok("device/binds/clear", { target: REMOTE, ieee_list: ["0xffffffffffffffff"] });
    await ok("group/members/remove", { device: LAMP, endpoint: 1, group: String(group.id) });
    await ok("group/rename", { from: "ui_group", to: "ui_group_2" });
    await ok("group/remove", { id: String(group.id) });
  });

  it("network map (raw), options (log level), configure, generate external definition, backup", async () => {
    const map = await ok("networkmap", { type: "raw", routes: false });
    expect(map).toMatchObject({ type: "raw", value: { nodes: expect.any(Array), links: expect.any(Array) } });
    await ok("options", { options: { advanced: { log_level: "warning" } } });
    await ok("device/configure", { id: LAMP });
    await ok("device/generate_external_definition", { id: PLUG });
    expect(await ok("backup", {})).toMatchObject({ zip: expect.any(String) });
  });

  it("interview, install code, and remove (WindFront's remove dialog sends clear_cache too)", async () => {
    await ok("device/interview", { id: PLUG });
    await ok("install_code/add", { value: "0017880104e45517|83FED3407A939723A5C639B26916D505C3B5" });
    expect(await ok("device/remove", { id: REMOTE, force: true, block: false, clear_cache: false })).toMatchObject({
      id: REMOTE,
      force: true,
    });
  });

  it("the converter and extension pages: save and remove", async () => {
    const converter =
      "export default {zigbeeModel: ['WS-1'], model: 'WS-1', vendor: 'V', description: 'D', extend: []};";
    await ok("converter/save", { name: "ws.mjs", code: converter });
    await ok("converter/remove", { name: "ws.mjs" });
    await ok("extension/save", { name: "ws.mjs", code: "export default class { start() {} stop() {} };" });
    await ok("extension/remove", { name: "ws.mjs" });
  });

  it("what has no implementation yet (actions) answers with a clear error", async () => {
    ws ??= await connectWs(`ws://127.0.0.1:${port}/api`);
    for (const [name, payload] of [["action", { action: "philips_hue_factory_reset", params: {} }]] as const) {
      const rsp = await ws.request(name, payload);
      expect(rsp).toMatchObject({ status: "error", error: `Unknown request 'bridge/request/${name}'` });
    }
  });
});
