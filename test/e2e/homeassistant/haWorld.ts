import { afterAll, beforeAll } from "vitest";
import { TopicRouter } from "../../../lib/mqtt/topicRouter.js";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import type { BridgeTopics } from "../../support/haDiscoveryChecker.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { BASE, type BridgeTestWorld, type RunningBridge, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

export const DISCOVERY = "homeassistant";
/** The ZCL identify effects of the demo bulbs' effect list (zigbee-herdsman-converters' light effects). */
export const BULB_EFFECTS = ["blink", "breathe", "okay", "channel_change", "finish_effect", "stop_effect"];
/** A colour bulb's Home Assistant effect list: the identify effects and the colour loop. */
export const COLOR_BULB_EFFECTS = [...BULB_EFFECTS, "colorloop", "stop_colorloop"];

export interface HaWorld extends BridgeTestWorld {
  /** a client subscribed to `homeassistant/#` (like Home Assistant) */
  readonly ha: TestClient;
}

/**
 * The bridge world with Home Assistant discovery on, plus a client that sees the discovery topic. By default the
 * demo devices; `network` gives another scenario, its device count and how many configs its discovery has.
 */
export function useHaWorld(
  config: Record<string, unknown> = {},
  network: { scenario: Scenario; devices: number; configs: number } | undefined = undefined,
): HaWorld {
  const world = useBridgeWorld({
    config: { homeassistant: { enabled: true }, ...config },
    ...(network ? { scenario: network.scenario, devices: network.devices } : {}),
  });
  let ha: TestClient | undefined;
  beforeAll(async () => {
    ha = await connectTestClient(world.broker.url);
    await ha.subscribe(`${DISCOVERY}/#`);
    await waitFor(() => latestDiscovery(ha as TestClient).size >= (network?.configs ?? 21), 10_000, "discovery");
  });
  afterAll(async () => {
    await ha?.end();
  });
  return Object.defineProperty(Object.create(world), "ha", {
    get: () => {
      if (!ha) throw new Error("ha client not started");
      return ha;
    },
  }) as HaWorld;
}

/** The last payload per discovery config topic ("" for a cleared one), received from the mark `since` on. */
export function latestDiscovery(client: TestClient, base = DISCOVERY, since = 0): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of client.received((m) => m.topic.startsWith(`${base}/`) && m.topic.endsWith("/config"), since))
    out.set(m.topic, m.payload);
  return out;
}

/** Every discovery message seen so far (from the mark `since` on). */
export function allDiscovery(client: TestClient, since = 0): Array<{ topic: string; payload: string }> {
  return client.received((m) => m.topic.endsWith("/config"), since);
}

/** The discovery config on a topic, parsed (waits for it). */
export async function config(client: TestClient, topic: string): Promise<Record<string, unknown>> {
  await waitFor(() => latestDiscovery(client).get(topic), 5000, topic);
  return JSON.parse(latestDiscovery(client).get(topic) ?? "") as Record<string, unknown>;
}

/** What the checker compares topics with: what the observer saw published, and the bridge's subscriptions. */
export function bridgeTopics(world: BridgeTestWorld, base = BASE): BridgeTopics {
  const router = new TopicRouter(base, { request: () => {}, setGet: () => {} });
  return { published: new Set(world.mqtt.messages.map((m) => m.topic)), subscriptions: router.subscriptions() };
}

/** A group made directly through herdsman and the settings (the group/* request API is separate work). */
export async function createGroup(
  bridge: RunningBridge,
  id: number,
  name: string,
  memberIeees: string[],
): Promise<void> {
  const { controller, settings } = bridge;
  const zh = controller.zigbee.controller.createGroup(id);
  for (const ieee of memberIeees) await controller.zigbee.device(ieee)?.zh.getEndpoint(1)?.addToGroup(zh);
  settings.addGroup(name, id);
  controller.zigbee.trackGroup(zh);
  controller.bus.emit("groupsChanged", {});
}
