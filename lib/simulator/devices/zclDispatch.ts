import { Zcl } from "zigbee-herdsman";
import type { ApsFrame } from "../air.js";
import type { AttributeStore } from "./attributeStore.js";
import type { ClusterBehaviour, CommandOutcome, EndpointContext } from "./behaviours/clusterBehaviour.js";
import type { EndpointSpec } from "./deviceSpec.js";
import { type FoundationHost, handleGlobal } from "./foundation.js";
import { encodeDefaultRsp, encodeGlobal, encodeSpecific } from "./zclFrames.js";

const { Status, Direction } = Zcl;

export interface DispatchHost {
  readonly attributes: AttributeStore;
  readonly behaviours: readonly ClusterBehaviour[];
  readonly foundation: FoundationHost;
  endpoint(id: number): EndpointContext;
}

/**
 * Handles one client→server ZCL frame on one endpoint and returns the answer due (same TSN and cluster, server→client,
 * disableDefaultResponse set), if any: the command's response, or a defaultRsp when the request asked for one or
 * failed. Unsupported: cluster 0xC3, cluster command 0x81, manufacturer-specific cluster command 0x83.
 */
export function dispatchZcl(
  host: DispatchHost,
  frame: ApsFrame,
  header: Zcl.Header,
  endpoint: EndpointSpec,
  groupcast: boolean,
): Buffer | undefined {
  const { clusterId } = frame;
  const tsn = header.transactionSequenceNumber;
  const defaultRsp = (status: number) =>
    status !== Status.SUCCESS || !header.frameControl.disableDefaultResponse
      ? encodeDefaultRsp(clusterId, tsn, header.commandIdentifier, status)
      : undefined;
  if (!endpoint.inClusters.includes(clusterId)) return groupcast ? undefined : defaultRsp(Status.UNSUPPORTED_CLUSTER);
  if (header.isSpecific && header.manufacturerCode !== undefined) return defaultRsp(Status.UNSUP_MANUF_CLUSTER_COMMAND);
  let parsed: Zcl.Frame;
  try {
    parsed = Zcl.Frame.fromBuffer(clusterId, header, frame.data, {});
  } catch (error) {
    return defaultRsp(error instanceof Zcl.StatusError ? error.code : Status.MALFORMED_COMMAND);
  }
  if (header.isGlobal) {
    const store = host.attributes.ensure(endpoint.id, clusterId);
    const manufacturerSpecific = header.manufacturerCode !== undefined;
    const outcome = handleGlobal(parsed.command.name, parsed.payload, store, host.foundation, manufacturerSpecific);
    if (outcome === undefined) return undefined;
    return "response" in outcome
      ? encodeGlobal(clusterId, tsn, outcome.response, outcome.payload)
      : defaultRsp(outcome.status);
  }
  const request = { cluster: parsed.cluster.name, command: parsed.command.name, payload: parsed.payload, groupcast };
  const context = host.endpoint(endpoint.id);
  let outcome: CommandOutcome | undefined;
  for (const behaviour of host.behaviours) {
    outcome = behaviour.handle(request, context);
    if (outcome) break;
  }
  outcome ??= { status: Status.UNSUP_COMMAND };
  return "response" in outcome
    ? encodeSpecific(clusterId, tsn, outcome.response, outcome.payload, Direction.SERVER_TO_CLIENT)
    : defaultRsp(outcome.status);
}
