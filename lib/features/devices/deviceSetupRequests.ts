import * as zhc from "zigbee-herdsman-converters";
import { BridgeError } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { findDevice, keyOrField, requireKey, zigbeeOperation } from "./deviceLookup.js";

/** zhc's generator of an external converter for a device, when this zhc version exports it. */
const generateSource = (zhc as { generateExternalDefinitionSource?: (device: never) => Promise<string> })
  .generateExternalDefinitionSource;

/**
 * device/configure, device/interview and device/generate_external_definition: (re)doing what the bridge does when a
 * device joins, on request.
 */
export function deviceSetupRequests(ctx: BridgeContext, deps: FeatureDeps): RequestModule {
  /** `{"id": …}` or the plain id string. */
  const deviceOf = (payload: unknown): { id: string | number; device: BridgeDevice } => {
    const p = typeof payload === "string" ? undefined : requireObject(payload, '{"id": "kitchen_lamp"}');
    const id = requireKey({ id: keyOrField(payload, p, "id") }, "id", '"kitchen_lamp" or its IEEE address');
    return { id, device: findDevice(ctx.zigbee, id) };
  };

  return {
    "device/configure": async (payload) => {
      const { id, device } = deviceOf(payload);
      const definition = device.definition ?? (await device.resolveDefinition());
      if (!definition?.configure) {
        throw new BridgeError("UNSUPPORTED", `Device '${device.name}' cannot be configured (its definition has none)`);
      }
      await zigbeeOperation(`Configuring '${device.name}'`, () => deps.configure.run(device));
      return { id };
    },

    "device/interview": async (payload) => {
      const { id, device } = deviceOf(payload);
      await zigbeeOperation(`Interviewing '${device.name}'`, () => ctx.zigbee.interview(device, true));
      return { id };
    },

    "device/generate_external_definition": async (payload) => {
      const { id, device } = deviceOf(payload);
      if (!generateSource) {
        throw new BridgeError(
          "UNSUPPORTED",
          "Generating external definitions is not supported by this zigbee-herdsman-converters version",
        );
      }
      const source = await zigbeeOperation(`Generating a definition for '${device.name}'`, () =>
        generateSource(device.zh as never),
      );
      return { id, source };
    },
  };
}
