import type { Controller } from "zigbee-herdsman";
import * as zhc from "zigbee-herdsman-converters";

type Device = ReturnType<Controller["getDevices"]>[number];
type Definition = NonNullable<Awaited<ReturnType<typeof zhc.findByDevice>>>;
type MessagePayload = Parameters<Parameters<Controller["on"]>[1]>[0];

/**
 * A few lines of what the bridge does with zigbee-herdsman-converters, for the simulator's end-to-end tests:
 * resolve definitions, configure, convert /set values to Zigbee and Zigbee messages to JSON.
 */
export async function definitionOf(device: Device): Promise<Definition> {
  const d = await zhc.findByDevice(device as never);
  if (!d) throw new Error(`no definition for ${device.ieeeAddr} (${device.modelID})`);
  return d;
}

export async function configure(controller: Controller, device: Device): Promise<void> {
  const def = await definitionOf(device);
  const coordinatorEndpoint = controller.getDevicesByType("Coordinator")[0].getEndpoint(1);
  await def.configure?.(device as never, coordinatorEndpoint as never, def);
}

export async function convertSet(device: Device, key: string, value: unknown, state: Record<string, unknown> = {}) {
  const def = await definitionOf(device);
  const converter = def.toZigbee.find((c) => c.key?.includes(key) && c.convertSet);
  if (!converter?.convertSet) throw new Error(`no toZigbee converter for '${key}' on ${def.model}`);
  const endpoint = device.getEndpoint(1);
  return converter.convertSet(endpoint as never, key, value, {
    message: { [key]: value },
    device: device as never,
    mapped: def,
    options: {},
    state,
    endpoint_name: undefined,
    publish: () => {},
    deviceExposesChanged: () => {},
  } as never);
}

/** Converts herdsman `message` events of one device to JSON state, as fromZigbee converters would publish it. */
export function collectStates(
  controller: Controller,
  device: Device,
): { states: Record<string, unknown>[]; stop(): void } {
  const states: Record<string, unknown>[] = [];
  const onMessage = async (msg: MessagePayload) => {
    if ((msg as { device: Device }).device.ieeeAddr !== device.ieeeAddr) return;
    const def = await definitionOf(device);
    const m = msg as unknown as { type: string; cluster: string | number };
    const out: Record<string, unknown> = {};
    for (const c of def.fromZigbee) {
      const types = Array.isArray(c.type) ? c.type : [c.type];
      if (c.cluster !== m.cluster || !types.includes(m.type)) continue;
      const r = await c.convert(def, msg as never, (p: Record<string, unknown>) => Object.assign(out, p), {}, {
        state: {},
        device: device as never,
        deviceExposesChanged: () => {},
      } as never);
      if (r && typeof r === "object") Object.assign(out, r);
    }
    if (Object.keys(out).length > 0) states.push(out);
  };
  controller.on("message", onMessage as never);
  return { states, stop: () => controller.off("message", onMessage as never) };
}
