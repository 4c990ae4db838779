import { errorMessage } from "../../util/errors.js";
import type { Logger } from "../../util/logger.js";
import type { Endpoint } from "../../zigbee/herdsmanTypes.js";
import type { Zigbee } from "../../zigbee/zigbee.js";
import { type BindTarget, targetEndpoints } from "./bindTarget.js";

const NS = "z2m:devices";
const HOUR = 3600;
/** A maximum report interval of 0xffff tells a device to stop reporting the attribute. */
const NO_REPORTS = 0xffff;
/** colorCapabilities bits: xy (bit 3), colour temperature (bit 4) */
const CAN_XY = 1 << 3;
const CAN_COLOR_TEMP = 1 << 4;

interface ReportItem {
  attribute: string;
  minimumReportInterval: number;
  maximumReportInterval: number;
  reportableChange: number;
}

const item = (attribute: string, reportableChange = 1): ReportItem => ({
  attribute,
  minimumReportInterval: 0,
  maximumReportInterval: HOUR,
  reportableChange,
});

/**
 * The attributes of a bound target that change when a switch commands it. A remote bound to a light talks to the
 * light directly, so the bridge only learns the light's new state if the light reports it.
 */
function reportedAttributes(endpoint: Endpoint, cluster: string): ReportItem[] {
  switch (cluster) {
    case "genOnOff":
      return [item("onOff", 0)];
    case "genLevelCtrl":
      return [item("currentLevel")];
    case "lightingColorCtrl": {
      const caps = endpoint.getClusterAttributeValue("lightingColorCtrl", "colorCapabilities");
      const known = typeof caps === "number";
      const items: ReportItem[] = [];
      if (!known || caps & CAN_XY) items.push(item("currentX"), item("currentY"));
      if (known && caps & CAN_COLOR_TEMP) items.push(item("colorTemperature"));
      return items;
    }
    case "closuresWindowCovering":
      return [item("currentPositionLiftPercentage"), item("currentPositionTiltPercentage")];
    default:
      return [];
  }
}

/** Endpoints of the target that can report the cluster: awake devices (routers, mains powered) that have it. */
function reportingEndpoints(target: BindTarget, cluster: string): Endpoint[] {
  return targetEndpoints(target).filter((e) => e.supportsInputCluster(cluster) && e.getDevice().type === "Router");
}

/**
 * After binding a switch to a target, sets up reporting on the target's state attributes of the bound clusters
 * (onOff, currentLevel, colour, cover position), bound to the coordinator, so that the bridge sees the state a
 * switch changes. Best effort: a target that refuses is logged, the bind stands.
 */
export async function setUpTargetReporting(
  zigbee: Zigbee,
  logger: Logger,
  target: BindTarget,
  clusters: string[],
): Promise<void> {
  const coordinator = zigbee.coordinator()?.zh.getEndpoint(1);
  if (!coordinator) return;
  for (const cluster of clusters) {
    for (const endpoint of reportingEndpoints(target, cluster)) {
      const items = reportedAttributes(endpoint, cluster);
      if (items.length === 0) continue;
      try {
        await endpoint.bind(cluster, coordinator);
        await endpoint.configureReporting(cluster, items as never);
        logger.info(`Successfully setup reporting for '${endpointLabel(zigbee, endpoint)}' cluster '${cluster}'`);
      } catch (e) {
        logger.warning(
          `Reporting of ${cluster} on ${endpoint.deviceIeeeAddress}/${endpoint.ID} not set up: ${errorMessage(e)}`,
          NS,
        );
      }
    }
  }
}

/** `<device name>/<endpoint ID>`, as zigbee2mqtt's log lines name an endpoint */
function endpointLabel(zigbee: Zigbee, endpoint: Endpoint): string {
  return `${zigbee.device(endpoint.deviceIeeeAddress)?.name ?? endpoint.deviceIeeeAddress}/${endpoint.ID}`;
}

function isEndpoint(target: unknown, endpoint: Endpoint): boolean {
  const t = target as { deviceIeeeAddress?: string; ID?: number };
  return t.deviceIeeeAddress === endpoint.deviceIeeeAddress && t.ID === endpoint.ID;
}

/** Whether another device still binds `cluster` to this endpoint, directly or through a group it is in. */
function stillBound(zigbee: Zigbee, endpoint: Endpoint, cluster: string): boolean {
  const groups = new Set(
    zigbee
      .groups()
      .filter((g) => g.zh.members.includes(endpoint))
      .map((g) => g.id),
  );
  for (const device of zigbee.devices()) {
    for (const source of device.zh.endpoints) {
      for (const b of source.binds) {
        if (b.cluster.name !== cluster) continue;
        const t = b.target as { groupID?: number; deviceIeeeAddress?: string; ID?: number };
        if (
          t.groupID !== undefined
            ? groups.has(t.groupID)
            : t.deviceIeeeAddress === endpoint.deviceIeeeAddress && t.ID === endpoint.ID
        )
          return true;
      }
    }
  }
  return false;
}

/**
 * After unbinding, stops the reporting set up for the target (`maximum_report_interval` 0xffff) of the attributes it
 * reports for the unbound clusters, and its binding to the coordinator — unless another device still binds the
 * cluster to it. Best effort, like setup. Returns the IEEE addresses of the devices whose reporting it stopped (to
 * be configured again, which restores their definition's own reporting, as zigbee2mqtt does).
 */
export async function disableTargetReporting(
  zigbee: Zigbee,
  logger: Logger,
  target: BindTarget,
  clusters: string[],
): Promise<Set<string>> {
  const changed = new Set<string>();
  const coordinator = zigbee.coordinator()?.zh.getEndpoint(1);
  for (const cluster of clusters) {
    for (const endpoint of reportingEndpoints(target, cluster)) {
      if (stillBound(zigbee, endpoint, cluster)) continue;
      const wanted = new Set(reportedAttributes(endpoint, cluster).map((i) => i.attribute));
      const configured = endpoint.configuredReportings.filter(
        (r) => r.cluster.name === cluster && wanted.has(r.attribute.name),
      );
      if (configured.length === 0) continue;
      const items = configured.map((r) => ({
        attribute: r.attribute.name,
        minimumReportInterval: 0,
        maximumReportInterval: NO_REPORTS,
        reportableChange: r.reportableChange,
      }));
      try {
        await endpoint.configureReporting(cluster, items as never);
        logger.info(`Successfully disabled reporting for '${endpointLabel(zigbee, endpoint)}' cluster '${cluster}'`);
        if (
          coordinator &&
          endpoint.binds.some((b) => b.cluster.name === cluster && isEndpoint(b.target, coordinator))
        ) {
          await endpoint.unbind(cluster, coordinator);
        }
        changed.add(endpoint.deviceIeeeAddress);
      } catch (e) {
        logger.warning(
          `Reporting of ${cluster} on ${endpoint.deviceIeeeAddress}/${endpoint.ID} not disabled: ${errorMessage(e)}`,
          NS,
        );
      }
    }
  }
  return changed;
}
