import { BridgeError } from "../../util/errors.js";
import { type RequestHandler, type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import {
  findAttribute,
  findCluster,
  findDevice,
  findEndpoint,
  integerField,
  requireKey,
  zigbeeOperation,
} from "./deviceLookup.js";

const NS = "z2m:devices";
const MAX_INTERVAL = 0xffff;

/**
 * device/reporting/configure (and its deprecated alias device/configure_reporting) and device/reporting/read. The
 * endpoint, cluster and attributes are checked before anything is sent.
 */
export function reportingRequests(ctx: BridgeContext): RequestModule {
  const configure: RequestHandler = async (payload) => {
    const p = requireObject(
      payload,
      '{"id": "kitchen_lamp", "endpoint": 1, "cluster": "genOnOff", "attribute": "onOff", "minimum_report_interval": 0, "maximum_report_interval": 3600}',
    );
    const id = requireKey(p, "id", '"kitchen_lamp"');
    const device = findDevice(ctx.zigbee, id);
    const endpoint = findEndpoint(device, p.endpoint);
    const cluster = findCluster(device, p.cluster);
    const attribute = findAttribute(cluster, p.attribute);
    const minimum = integerField(p, "minimum_report_interval", 0, MAX_INTERVAL);
    const maximum = integerField(p, "maximum_report_interval", 0, MAX_INTERVAL);
    const change = p.reportable_change;
    if (change !== undefined && (typeof change !== "number" || !Number.isFinite(change))) {
      throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'reportable_change' must be a number");
    }
    const options = p.options === undefined ? {} : requireObject(p.options, '{"manufacturerCode": 4107}');
    if (!endpoint.supportsInputCluster(cluster.ID)) {
      throw new BridgeError(
        "INVALID_PAYLOAD",
        `Endpoint ${endpoint.ID} of '${device.name}' has no cluster '${cluster.name}' to report from`,
      );
    }
    const coordinator = ctx.zigbee.coordinator()?.zh.getEndpoint(1);
    if (!coordinator) throw new BridgeError("ADAPTER_UNAVAILABLE", "The coordinator has no endpoint 1 to bind to");
    const what = `Configuring reporting of '${device.name}' ${cluster.name}.${attribute.name}`;
    await zigbeeOperation(what, async () => {
      await endpoint.bind(cluster.ID, coordinator);
      await endpoint.configureReporting(
        cluster.ID,
        [
          {
            attribute: attribute.name,
            minimumReportInterval: minimum,
            maximumReportInterval: maximum,
            reportableChange: change as number | undefined,
          },
        ] as never,
        options,
      );
    });
    ctx.logger.debug(`${what}: ${minimum}–${maximum} s, change ${String(change ?? "default")}`, NS);
    ctx.logger.info(`Configured reporting for '${device.name}', '${cluster.name}.${attribute.name}'`);
    ctx.bus.emit("devicesChanged", { listOnly: true });
    return {
      id,
      endpoint: p.endpoint,
      cluster: p.cluster,
      attribute: p.attribute,
      minimum_report_interval: minimum,
      maximum_report_interval: maximum,
      reportable_change: change,
    };
  };

  return {
    "device/reporting/configure": configure,
    "device/configure_reporting": configure,

    "device/reporting/read": async (payload) => {
      const p = requireObject(
        payload,
        '{"id": "kitchen_lamp", "endpoint": 1, "cluster": "genOnOff", "configs": [{"attribute": "onOff"}]}',
      );
      const id = requireKey(p, "id", '"kitchen_lamp"');
      const device = findDevice(ctx.zigbee, id);
      const endpoint = findEndpoint(device, p.endpoint);
      const cluster = findCluster(device, p.cluster);
      const manufacturerCode = integerField(p, "manufacturer_code", 0, 0xffff, true);
      if (!Array.isArray(p.configs) || p.configs.length === 0) {
        throw new BridgeError(
          "INVALID_PAYLOAD",
          'Invalid payload: \'configs\' must be a list like [{"attribute": "onOff"}]',
        );
      }
      const items = p.configs.map((c, i) => {
        const config = requireObject(c, '{"attribute": "onOff", "direction": 0}');
        const attribute = findAttribute(cluster, config.attribute, `configs[${i}].attribute`);
        const direction = integerField(config, "direction", 0, 1, true);
        return direction === undefined ? { attribute: attribute.name } : { attribute: attribute.name, direction };
      });
      const configs = await zigbeeOperation(
        `Reading the reporting configuration of '${device.name}' ${cluster.name}`,
        () => endpoint.readReportingConfig(cluster.ID, items as never, manufacturerCode ? { manufacturerCode } : {}),
      );
      const response: Record<string, unknown> = { id, endpoint: p.endpoint, cluster: p.cluster, configs };
      if (manufacturerCode !== undefined) response.manufacturer_code = manufacturerCode;
      return response;
    },
  };
}
